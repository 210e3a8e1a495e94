import XCTest
@testable import EmberText

final class EmberTextVersionTests: XCTestCase {
    func testVersionIsSemantic() {
        let parts = EmberTextVersion.string.split(separator: ".")
        XCTAssertEqual(parts.count, 3)
        XCTAssertTrue(parts.allSatisfy { Int($0) != nil })
    }
}

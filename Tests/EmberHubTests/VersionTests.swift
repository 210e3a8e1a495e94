import XCTest
@testable import EmberHub

final class EmberHubVersionTests: XCTestCase {
    func testVersionIsSemantic() {
        let parts = EmberHubVersion.string.split(separator: ".")
        XCTAssertEqual(parts.count, 3)
        XCTAssertTrue(parts.allSatisfy { Int($0) != nil })
    }
}

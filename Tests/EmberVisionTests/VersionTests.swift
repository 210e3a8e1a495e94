import XCTest
@testable import EmberVision

final class EmberVisionVersionTests: XCTestCase {
    func testVersionIsSemantic() {
        let parts = EmberVisionVersion.string.split(separator: ".")
        XCTAssertEqual(parts.count, 3)
        XCTAssertTrue(parts.allSatisfy { Int($0) != nil })
    }
}

import XCTest
@testable import Ember

final class EmberVersionTests: XCTestCase {
    func testVersionIsSemantic() {
        XCTAssertEqual(EmberVersion.string.split(separator: ".").count, 3)
    }
}

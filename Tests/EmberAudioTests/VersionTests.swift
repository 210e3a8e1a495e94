import XCTest
@testable import EmberAudio

final class EmberAudioVersionTests: XCTestCase {
    func testVersionIsSemantic() {
        let parts = EmberAudioVersion.string.split(separator: ".")
        XCTAssertEqual(parts.count, 3)
        XCTAssertTrue(parts.allSatisfy { Int($0) != nil })
    }
}

import Foundation
import XCTest

/// The committed demo data `Demos/Data/digits.u8` (see its README) is intact: 1,797 records of
/// 64 pixels (0...16) and a label, with scikit-learn's class counts and first image.
final class DigitsDataTests: XCTestCase {
    func testEmbeddedDigitsFile() throws {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Demos/Data/digits.u8")
        let bytes = [UInt8](try Data(contentsOf: url))
        XCTAssertEqual(bytes.count, 1797 * 65)
        var classCounts = [Int](repeating: 0, count: 10)
        for record in 0..<1797 {
            let r = bytes[(record * 65)..<(record * 65 + 65)]
            XCTAssertTrue(r.prefix(64).allSatisfy { $0 <= 16 }, "record \(record)")
            guard r.last! <= 9 else { return XCTFail("label \(r.last!) in record \(record)") }
            classCounts[Int(r.last!)] += 1
        }
        // load_digits(): np.bincount(target).
        XCTAssertEqual(classCounts, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
        // load_digits().images[0], a zero.
        XCTAssertEqual(Array(bytes[0..<16]), [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0])
        XCTAssertEqual(bytes.reduce(0) { $0 + Int($1) } - classCounts.enumerated().reduce(0) { $0 + $1.offset * $1.element }, 561_718)
    }
}

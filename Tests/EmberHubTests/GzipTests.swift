import Foundation
import XCTest
import EmberHub

/// `Gzip`, which EmberVision's and EmberAudio's dataset readers share.
final class GzipTests: XCTestCase {
    /// `gzip.compress(b"hello, ember\n", mtime=0)` from Python.
    private let member: [UInt8] = [
        31, 139, 8, 0, 0, 0, 0, 0, 2, 3, 203, 72, 205, 201, 201, 215, 81, 72, 205, 77, 74, 45, 226, 2, 0, 100, 93, 170, 131,
        13, 0, 0, 0,
    ]

    func testDecompressesEveryMember() throws {
        XCTAssertEqual(String(decoding: try Gzip.decompress(Data(member)), as: UTF8.self), "hello, ember\n")
        // Concatenated members read as one stream, as Python's gzip module reads them.
        XCTAssertEqual(String(decoding: try Gzip.decompress(Data(member + member)), as: UTF8.self), "hello, ember\nhello, ember\n")
    }

    func testTruncatedAndCorruptDataThrowTypedFailures() {
        XCTAssertThrowsError(try Gzip.decompress(Data(member.prefix(20)))) { error in
            XCTAssertEqual((error as? Gzip.Failure)?.kind, .truncated, "\(error)")
        }
        XCTAssertThrowsError(try Gzip.decompress(Data("not gzip at all".utf8))) { error in
            XCTAssertEqual((error as? Gzip.Failure)?.kind, .corrupt, "\(error)")
        }
        var flipped = member
        flipped[27] ^= 0xFF  // inside the CRC-32
        XCTAssertThrowsError(try Gzip.decompress(Data(flipped))) { error in
            XCTAssertEqual((error as? Gzip.Failure)?.kind, .corrupt, "\(error)")
            XCTAssertTrue("\(error)".hasPrefix("gzip: "), "\(error)")
        }
    }
}

import Ember
import Foundation
import XCTest
@testable import EmberAudio

/// Damaged, foreign and missing files give typed errors naming the file.
final class IOErrorTests: XCTestCase {
    func expectError(
        _ name: String, file: StaticString = #filePath, line: UInt = #line, _ matches: (AudioIOError) -> Bool
    ) {
        let path = name.hasPrefix("/") ? name : AudioFixtures.path(name)
        XCTAssertThrowsError(try load(path: path), file: file, line: line) { error in
            guard let error = error as? AudioIOError else { return XCTFail("untyped error \(error)", file: file, line: line) }
            XCTAssertEqual(error.file, path, file: file, line: line)
            XCTAssertTrue(error.description.contains(path), file: file, line: line)
            XCTAssertTrue(matches(error), "unexpected error kind: \(error)", file: file, line: line)
        }
    }

    func testDamagedAndForeignFiles() {
        expectError("clips/bad_not_audio.wav") { if case .unknownFormat = $0 { return true } else { return false } }
        expectError("clips/bad_empty.wav") { if case .unknownFormat = $0 { return true }; if case .corrupt = $0 { return true }; return false }
        expectError("clips/bad_corrupt.flac") { if case .corrupt = $0 { return true }; if case .truncated = $0 { return true }; return false }
        expectError("clips/bad_truncated.flac") { if case .truncated = $0 { return true }; if case .corrupt = $0 { return true }; return false }
        expectError("/nonexistent/dir/missing.wav") { if case .cannotOpen = $0 { return true } else { return false } }
    }

    func testTruncatedWavIsReportedOrShortened() throws {
        // libsndfile trusts the bytes present over a data-chunk size that runs past the end:
        // the header's frame count is corrected to what the file holds, and what is read
        // equals the first frames of the intact clip.
        let truncated = try load(path: AudioFixtures.path("clips/bad_truncated.wav")).waveform
        let whole = try load(path: AudioFixtures.path("clips/speech_en_16k_s16.wav")).waveform
        XCTAssertLessThan(truncated.size(1), whole.size(1))
        XCTAssertEqual(truncated.toArray(Float.self), whole.narrow(1, start: 0, length: truncated.size(1)).toArray(Float.self))
        let headerOnly = try info(path: AudioFixtures.path("clips/bad_header_only.wav"))
        XCTAssertEqual(headerOnly.numFrames, 0)
    }

    func testUnknownBytesAndBadArguments() {
        XCTAssertThrowsError(try load(bytes: Array("not audio at all".utf8))) { error in
            XCTAssertEqual((error as? AudioIOError)?.file, "<bytes>")
        }
        XCTAssertThrowsError(try load(path: AudioFixtures.path("clips/speech_en_16k_s16.wav"), frameOffset: -1)) { error in
            guard case .invalidArgument = error as? AudioIOError else { return XCTFail("\(error)") }
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ember-audio-errors-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        XCTAssertThrowsError(try save(path: dir.appendingPathComponent("x.xyz").path, waveform: Tensor.zeros([1, 10]), sampleRate: 8000)) { error in
            guard case .unsupportedEncoding = error as? AudioIOError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(
            try save(path: dir.appendingPathComponent("x.wav").path, waveform: Tensor.zeros([1, 10]), sampleRate: 8000, encoding: .pcmSigned, bitsPerSample: 8)
        ) { error in
            guard case .unsupportedEncoding = error as? AudioIOError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try save(path: "/nonexistent/dir/x.wav", waveform: Tensor.zeros([1, 10]), sampleRate: 8000)) { error in
            guard case .cannotOpen = error as? AudioIOError else { return XCTFail("\(error)") }
        }
    }
}

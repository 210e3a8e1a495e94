import Ember
import XCTest
@testable import EmberAudio

/// `load` and `info` against torchaudio (normalised float32) and scipy (raw integers) on the
/// speech clips of `Scripts/fixtures/audio_io.py`.
final class LoadTests: XCTestCase {
    /// Compares a waveform with a fixture summary: exactly (CRC-32 of every sample, picked
    /// samples equal) or, for lossy codecs, picked samples within `atol`.
    func check(
        _ t: Tensor, _ summary: [String: Any], exact: Bool, atol: Double = 0, _ label: String,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(t.dtype.rawValue, summary["dtype"] as? String, "dtype \(label)", file: file, line: line)
        let shape = summary["shape"] as! [Int]
        XCTAssertEqual(t.shape, shape, "shape \(label)", file: file, line: line)
        if exact {
            XCTAssertEqual(UInt64(crc32(t)), (summary["crc32"] as! NSNumber).uint64Value, "crc32 of all samples \(label)", file: file, line: line)
        }
        let flat = t.contiguous().reshape([-1]).toArray(Double.self)
        let indices = summary["pick_index"] as! [Int]
        let values = (summary["pick_value"] as! [Any]).map(AudioFixtures.double)
        var failures = 0
        for (i, expected) in zip(indices, values) where i < flat.count {
            if abs(flat[i] - expected) > atol {
                failures += 1
                if failures <= 3 { XCTFail("\(label) sample \(i): \(flat[i]) vs \(expected) (atol \(atol))", file: file, line: line) }
            }
        }
    }

    func testLoadMatchesTorchaudioAndScipy() throws {
        for c in try AudioFixtures.cases("io.json") {
            let name = c["file"] as! String
            let path = AudioFixtures.path(name)
            let exact = c["exact"] as! Bool
            let (wave, rate) = try load(path: path)
            XCTAssertEqual(rate, c["sample_rate"] as? Int, name)
            XCTAssertEqual(wave.size(0), c["num_channels"] as? Int, name)
            // Exact for PCM and FLAC (tolerance 0: every sample's bits, CRC-32); lossy
            // decoders (libvorbis/mpg123/libopus in libsndfile vs FFmpeg's) on 256 evenly
            // spaced samples within 1e-5 absolute (measured: under 5e-7), same length.
            check(wave, c["normalized"] as! [String: Any], exact: exact, atol: exact ? 0 : 1e-5, name)
            if let window = c["window"] as? [String: Any] {
                let (part, _) = try load(path: path, frameOffset: window["offset"] as! Int, numFrames: window["frames"] as! Int)
                check(part, window, exact: true, "\(name) window")
            }
            if let raw = c["raw"] as? [String: Any] {
                let (ints, _) = try load(path: path, normalize: false)
                check(ints, raw, exact: true, "\(name) normalize=false")
            }
        }
    }
}

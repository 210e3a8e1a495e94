import Ember
import Foundation
import XCTest
@testable import EmberAudio

/// `save` round trips, `info`, loading from bytes and the streaming reader.
final class SaveStreamTests: XCTestCase {
    let speech = AudioFixtures.path("clips/speech_stereo_16k_s16.wav")
    lazy var dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("ember-audio-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()

    func testInfoOfEveryEncoding() throws {
        for c in try AudioFixtures.cases("io.json") {
            let meta = try info(path: AudioFixtures.path(c["file"] as! String))
            XCTAssertEqual(meta.sampleRate, c["sample_rate"] as? Int)
            XCTAssertEqual(meta.numChannels, c["num_channels"] as? Int)
            XCTAssertEqual(meta.encoding.rawValue, c["encoding"] as? String, "\(c["file"]!)")
            XCTAssertEqual(meta.bitsPerSample, c["bits_per_sample"] as? Int, "\(c["file"]!)")
            if let frames = c["num_frames"] as? Int { XCTAssertEqual(meta.numFrames, frames, "\(c["file"]!)") }
        }
        XCTAssertEqual(Set(AudioBackend.supportedFormats), Set(AudioFormat.allCases), AudioBackend.version)
    }

    func testPCMRoundTripsAreExact() throws {
        let (wave, rate) = try load(path: speech)  // 16-bit samples: exact at every depth ≥ 16
        for (format, encoding, bits, ext) in [
            (AudioFormat.wav, AudioEncoding.pcmSigned, 16, "wav"), (.wav, .pcmSigned, 24, "wav"), (.wav, .pcmSigned, 32, "wav"),
            (.wav, .pcmFloat, 32, "wav"), (.wav, .pcmFloat, 64, "wav"), (.flac, .flac, 16, "flac"), (.flac, .flac, 24, "flac"),
        ] {
            let path = dir.appendingPathComponent("rt_\(bits)_\(encoding.rawValue).\(ext)").path
            try save(path: path, waveform: wave, sampleRate: rate, encoding: encoding, bitsPerSample: bits, format: format)
            let meta = try info(path: path)
            XCTAssertEqual(meta.bitsPerSample, bits)
            XCTAssertEqual(meta.encoding, encoding)
            let back = try load(path: path).waveform
            XCTAssertEqual(back.toArray(Float.self), wave.toArray(Float.self), "\(format) \(encoding) \(bits)")
        }
    }

    func testQuantisationRoundsLikeTorchaudio() throws {
        // 0.4/32768 rounds to 0, 0.6/32768 to 1, values beyond ±1 clip, channelsFirst false.
        let samples = Tensor([0.4 / 32768, 0.6 / 32768, -0.6 / 32768, 1.5, -1.5, 0.5], shape: [3, 2]).float()
        let path = dir.appendingPathComponent("quant.wav").path
        try save(path: path, waveform: samples, sampleRate: 8000, channelsFirst: false, encoding: .pcmSigned, bitsPerSample: 16)
        let raw = try load(path: path, normalize: false).waveform
        XCTAssertEqual(raw.dtype, .int16)
        XCTAssertEqual(raw.shape, [2, 3])
        XCTAssertEqual(raw.toArray(Int16.self), [0, -1, -32768, 1, 32767, 16384])
        // integer waveforms are written as they are, and 8-bit unsigned comes back as uint8
        let bytes = Tensor([UInt8(0), 128, 255, 7], shape: [1, 4])
        let u8 = dir.appendingPathComponent("u8.wav").path
        try save(path: u8, waveform: bytes, sampleRate: 8000)
        XCTAssertEqual(try info(path: u8).encoding, .pcmUnsigned)
        XCTAssertEqual(try load(path: u8, normalize: false).waveform.toArray(UInt8.self), [0, 128, 255, 7])
        XCTAssertEqual(try load(path: u8).waveform.toArray(Float.self), [-1, 0, 127.0 / 128, -121.0 / 128])
    }

    func testLossyEncodersProduceReadableFiles() throws {
        let (wave, rate) = try load(path: speech)
        for (format, ext, expectedRate) in [(AudioFormat.ogg, "ogg", rate), (.mp3, "mp3", rate)] {
            let path = dir.appendingPathComponent("lossy.\(ext)").path
            try save(path: path, waveform: wave, sampleRate: rate, format: format)
            let (back, backRate) = try load(path: path)
            XCTAssertEqual(backRate, expectedRate)
            XCTAssertEqual(back.size(0), 2)
            // a lossy codec keeps the speech's energy within 30 % (a broken encoder would not)
            let energy = { (t: Tensor) in t.toArray(Double.self).reduce(0) { $0 + $1 * $1 } }
            XCTAssertEqual(energy(back) / energy(wave), 1, accuracy: 0.3, "\(format)")
        }
        let opus = dir.appendingPathComponent("lossy.opus").path
        let at48k = Functional.resample(try load(path: speech).waveform, origFreq: 16_000, newFreq: 48_000)
        try save(path: opus, waveform: at48k, sampleRate: 48_000)
        XCTAssertEqual(try info(path: opus).encoding, .opus)
    }

    func testBytesAndStreamingMatchLoad() throws {
        let flac = AudioFixtures.path("clips/speech_stereo_16k_s16.flac")
        let whole = try load(path: flac).waveform
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: flac)))
        XCTAssertEqual(try load(bytes: bytes).waveform.toArray(Float.self), whole.toArray(Float.self))
        XCTAssertEqual(try info(bytes: bytes), try info(path: flac))
        let window = try load(bytes: bytes, frameOffset: 100, numFrames: 50, channelsFirst: false).waveform
        XCTAssertEqual(window.shape, [50, 2])
        XCTAssertEqual(window.t().contiguous().toArray(Float.self), whole.narrow(1, start: 100, length: 50).contiguous().toArray(Float.self))
        XCTAssertEqual(try load(path: flac, frameOffset: 10_000_000).waveform.shape, [2, 0])

        let reader = try AudioStreamReader(path: flac, framesPerChunk: 7_000)
        var chunks: [Tensor] = []
        while let chunk = try reader.next() { chunks.append(chunk) }
        XCTAssertEqual(chunks.count, (whole.size(1) + 6_999) / 7_000)
        XCTAssertEqual(chunks.map { $0.size(1) }.reduce(0, +), whole.size(1))
        for (c, chunk) in chunks.enumerated() {
            XCTAssertEqual(chunk.toArray(Float.self), whole.narrow(1, start: c * 7_000, length: chunk.size(1)).contiguous().toArray(Float.self))
        }
        try reader.seek(toFrame: 14_000)
        XCTAssertEqual(try reader.next()?.toArray(Float.self), chunks[2].toArray(Float.self))
        let streamBytes = try AudioStreamReader(bytes: bytes, framesPerChunk: 100_000, normalize: false)
        XCTAssertEqual(streamBytes.metadata.numFrames, whole.size(1))
        XCTAssertNotNil(try streamBytes.next())
    }
}

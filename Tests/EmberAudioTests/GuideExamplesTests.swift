import Ember
import Foundation
import XCTest
@testable import EmberAudio

/// The examples of `Docs/Audio.md`, run as written (paths relative to the repository root)
/// with the values the guide prints checked.
final class GuideExamplesTests: XCTestCase {
    func testGuideExamples() throws {
        let previous = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(AudioFixtures.root.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path)
        defer { FileManager.default.changeCurrentDirectoryPath(previous) }

        let (waveform, sampleRate) = try load(path: "Tests/Fixtures/Audio/clips/speech_en_16k_s16.wav")
        XCTAssertEqual(waveform.shape, [1, 44555])
        XCTAssertEqual(sampleRate, 16000)
        XCTAssertEqual(try load(path: "Tests/Fixtures/Audio/clips/speech_de_16k_s24.wav", normalize: false).waveform.dtype, .int32)
        let part = try load(
            path: "Tests/Fixtures/Audio/clips/speech_stereo_16k_s16.flac", frameOffset: 16_000, numFrames: 8_000,
            channelsFirst: false).waveform
        XCTAssertEqual(part.shape, [8000, 2])
        let meta = try info(path: "Tests/Fixtures/Audio/clips/speech_en_16k.mp3")
        XCTAssertEqual(meta.description, "AudioMetaData(sampleRate=16000, numFrames=44555, numChannels=1, bitsPerSample=0, encoding=MP3)")
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("ember-audio-guide-\(getpid())")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        try save(path: tmp.appendingPathComponent("speech24.flac").path, waveform: waveform, sampleRate: sampleRate, bitsPerSample: 24)
        try save(path: tmp.appendingPathComponent("speech.wav").path, waveform: waveform, sampleRate: sampleRate, encoding: .pcmSigned, bitsPerSample: 16)
        try save(path: tmp.appendingPathComponent("speech.ogg").path, waveform: waveform, sampleRate: sampleRate)
        XCTAssertEqual(try info(path: tmp.appendingPathComponent("speech.ogg").path).encoding, .vorbis)

        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "Tests/Fixtures/Audio/clips/speech_en_16k.ogg")))
        XCTAssertEqual(try load(bytes: bytes).waveform.size(0), 1)
        let reader = try AudioStreamReader(path: "Tests/Fixtures/Audio/clips/speech_stereo_16k_s16.flac", framesPerChunk: 4_000)
        var frames = 0
        while let chunk = try reader.next() { frames += chunk.size(1) }
        XCTAssertEqual(frames, reader.metadata.numFrames)
        do {
            _ = try load(path: "Tests/Fixtures/Audio/clips/bad_not_audio.wav")
            XCTFail("expected an error")
        } catch let error as AudioIOError {
            XCTAssertTrue(error.description.hasPrefix("unknown audio format in Tests/Fixtures/Audio/clips/bad_not_audio.wav"))
        }

        XCTAssertEqual(Functional.resample(waveform, origFreq: 16_000, newFreq: 8_000).shape, [1, 22278])
        XCTAssertEqual(Resample(origFreq: 16_000, newFreq: 8_000)(waveform).shape, [1, 22278])
        XCTAssertEqual(Windows.hann(400).shape, [400])
        let levels = Functional.muLawEncoding(waveform)
        XCTAssertEqual(levels.dtype, .int64)
        XCTAssertEqual(Functional.muLawDecoding(levels).shape, waveform.shape)
        XCTAssertEqual(Fade(fadeInLength: 1_600, fadeOutLength: 3_200, shape: .halfSine)(waveform).shape, waveform.shape)
        let restored = Functional.deemphasis(Functional.preemphasis(waveform, coeff: 0.97), coeff: 0.97)
        // pre- then de-emphasis is the identity up to float32 rounding (atol 1e-4 over 44555 recursions)
        assertClose(restored, waveform, atol: 1e-4, "deemphasis(preemphasis(x))")
    }
}

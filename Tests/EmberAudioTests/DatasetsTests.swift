import Ember
import Foundation
import XCTest
@testable import EmberAudio

/// The dataset readers on tiny fake trees in the published layouts, with real WAV/FLAC files
/// written by `save`.
final class DatasetsTests: XCTestCase {
    var root: String!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("ember-audio-datasets-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// A short tone whose amplitude encodes `tag`, so a loaded sample can be traced to its file.
    func tone(_ tag: Int, frames: Int = 160) -> Tensor {
        let values = (0..<frames).map { Float(tag) * 0.01 * Float(sin(Double($0) * 0.3)) }
        return Tensor(values, shape: [1, frames])
    }

    func write(_ relative: String, tag: Int, rate: Int = 16_000) throws {
        let path = root + "/" + relative
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try save(path: path, waveform: tone(tag), sampleRate: rate, bitsPerSample: 16)
    }

    func text(_ relative: String, _ contents: String) throws {
        try contents.write(toFile: root + "/" + relative, atomically: true, encoding: .utf8)
    }

    /// The tag a waveform was written with (peak amplitude / 0.01).
    func tag(_ waveform: Tensor) -> Int { Int((waveform.abs().max().item(Float.self) / 0.01).rounded()) }

    func testYesNo() throws {
        try write("waves_yesno/1_0_1_1_0_0_0_1.wav", tag: 2, rate: 8_000)
        try write("waves_yesno/0_0_1_0_1_1_1_0.wav", tag: 1, rate: 8_000)
        try text("waves_yesno/README", "not audio")
        let data = try YesNo(root: root)
        XCTAssertEqual(data.count, 2)
        XCTAssertEqual(data.fileIDs, ["0_0_1_0_1_1_1_0", "1_0_1_1_0_0_0_1"])
        let first = data[0]
        XCTAssertEqual(first.labels, [0, 0, 1, 0, 1, 1, 1, 0])
        XCTAssertEqual(first.sampleRate, 8_000)
        XCTAssertEqual(first.waveform.shape, [1, 160])
        XCTAssertEqual(tag(first.waveform), 1)
        XCTAssertEqual(tag(data[1].waveform), 2)
        XCTAssertThrowsError(try YesNo(root: root + "/missing")) { error in
            guard case AudioDatasetError.notFound = error else { return XCTFail("\(error)") }
        }
    }

    func testSpeechCommandsSubsets() throws {
        let base = "SpeechCommands/speech_commands_v0.02/"
        try write(base + "yes/aa11_nohash_0.wav", tag: 1)
        try write(base + "yes/bb22_nohash_1.wav", tag: 2)
        try write(base + "no/aa11_nohash_2.wav", tag: 3)
        try write(base + "no/cc33_nohash_0.wav", tag: 4)
        try write(base + "_background_noise_/noise_nohash_0.wav", tag: 5)
        try write(base + "no/README.wav", tag: 6)  // no _nohash_: skipped
        try text(base + "validation_list.txt", "yes/bb22_nohash_1.wav\n")
        try text(base + "testing_list.txt", "no/cc33_nohash_0.wav\n")

        let all = try SpeechCommands(root: root)
        XCTAssertEqual(all.count, 4)
        // sorted by path: no/ before yes/
        XCTAssertEqual(try all.metadata(at: 0), SpeechCommands.Metadata(
            relativePath: "speech_commands_v0.02/no/aa11_nohash_2.wav", sampleRate: 16_000, label: "no", speakerID: "aa11",
            utteranceNumber: 2))
        let sample = all[3]
        XCTAssertEqual(sample.label, "yes")
        XCTAssertEqual(sample.speakerID, "bb22")
        XCTAssertEqual(sample.utteranceNumber, 1)
        XCTAssertEqual(tag(sample.waveform), 2)

        let training = try SpeechCommands(root: root, subset: .training)
        XCTAssertEqual((0..<training.count).map { try! training.metadata(at: $0).relativePath }, [
            "speech_commands_v0.02/no/aa11_nohash_2.wav", "speech_commands_v0.02/yes/aa11_nohash_0.wav",
        ])
        let validation = try SpeechCommands(root: root, subset: .validation)
        XCTAssertEqual(validation.count, 1)
        XCTAssertEqual(tag(validation[0].waveform), 2)
        let testing = try SpeechCommands(root: root, subset: .testing)
        XCTAssertEqual(testing[0].label, "no")
        XCTAssertEqual(tag(testing[0].waveform), 4)

        // a file at the wrong rate is refused, as torchaudio's _load_waveform does
        try write(base + "yes/dd44_nohash_0.wav", tag: 7, rate: 8_000)
        let withBad = try SpeechCommands(root: root)
        let bad = withBad.files.firstIndex { $0.hasSuffix("dd44_nohash_0.wav") }!
        XCTAssertThrowsError(try withBad.sample(at: bad)) { error in
            XCTAssertEqual(error as? AudioDatasetError, .sampleRateMismatch(file: withBad.files[bad], expected: 16_000, found: 8_000))
        }
        XCTAssertThrowsError(try SpeechCommands(root: root, release: "speech_commands_v0.01"))
    }

    func testLibriSpeech() throws {
        let chapter = "LibriSpeech/dev-clean/84/121123/"
        try write(chapter + "84-121123-0001.flac", tag: 2)
        try write(chapter + "84-121123-0000.flac", tag: 1)
        try write("LibriSpeech/dev-clean/174/50561/174-50561-0000.flac", tag: 3)
        try text(chapter + "84-121123.trans.txt", "84-121123-0000 GO DO YOU HEAR\n84-121123-0001 BUT IN LESS THAN FIVE MINUTES\n")
        try text("LibriSpeech/dev-clean/174/50561/174-50561.trans.txt", "174-50561-0001 SOMETHING ELSE\n")

        let data = try LibriSpeech(root: root, subset: "dev-clean")
        XCTAssertEqual(data.fileIDs, ["174-50561-0000", "84-121123-0000", "84-121123-0001"])
        let sample = data[2]
        XCTAssertEqual(sample.transcript, "BUT IN LESS THAN FIVE MINUTES")
        XCTAssertEqual(sample.speakerID, 84)
        XCTAssertEqual(sample.chapterID, 121_123)
        XCTAssertEqual(sample.utteranceID, 1)
        XCTAssertEqual(sample.sampleRate, 16_000)
        XCTAssertEqual(tag(sample.waveform), 2)
        XCTAssertEqual(try data.metadata(at: 1).relativePath, "dev-clean/84/121123/84-121123-0000.flac")
        // the transcript file lacks utterance 0000 of chapter 50561
        XCTAssertThrowsError(try data.sample(at: 0)) { error in
            guard case AudioDatasetError.malformed(_, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(reason, "Translation not found for 174-50561-0000")
        }
        XCTAssertThrowsError(try LibriSpeech(root: root, subset: "dev-noisy")) { error in
            guard case AudioDatasetError.invalidArgument = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try LibriSpeech(root: root, subset: "test-clean"))
    }

    func testAudioFolderThroughDataLoader() throws {
        try write("dog/bark1.wav", tag: 1)
        try write("dog/nested/bark2.WAV", tag: 2)
        try write("cat/meow.flac", tag: 3)
        try text("cat/notes.txt", "ignored")
        let data = try AudioFolder(root: root)
        XCTAssertEqual(data.classes, ["cat", "dog"])
        XCTAssertEqual(data.count, 3)
        XCTAssertEqual(data.samples.map(\.classIndex), [0, 1, 1])
        XCTAssertEqual((0..<3).map { tag(data[$0].waveform) }, [3, 1, 2])

        // Core's DataLoader reads it as any map-style dataset
        let loader = DataLoader(data, batchSize: 2, collate: { (batch: [AudioFolder.Sample]) in batch.map(\.classIndex) })
        XCTAssertEqual(Array(loader), [[0, 1], [1]])
        XCTAssertThrowsError(try AudioFolder(root: root + "/dog/nested"))  // no class folders
    }
}

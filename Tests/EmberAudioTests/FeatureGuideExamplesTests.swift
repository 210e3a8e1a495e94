import Ember
import Foundation
import XCTest
@testable import EmberAudio

/// The feature and dataset examples of `Docs/Audio.md`, run as written (paths relative to the
/// repository root; the dataset roots replaced by a temporary tree) with the printed shapes checked.
final class FeatureGuideExamplesTests: XCTestCase {
    func testFeatureExamples() throws {
        let previous = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(
            AudioFixtures.root.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path)
        defer { FileManager.default.changeCurrentDirectoryPath(previous) }

        let (speech, rate) = try load(path: "Tests/Fixtures/Audio/clips/speech_en_16k_s16.wav")
        let melSpectrogram = MelSpectrogram(sampleRate: rate, nFFT: 400, hopLength: 160, nMels: 80)
        let mel = melSpectrogram(speech)
        XCTAssertEqual(mel.shape, [1, 80, 279])
        let logMel = AmplitudeToDB(stype: .power, topDB: 80)(mel)
        XCTAssertEqual(logMel.shape, [1, 80, 279])
        // top_db: nothing below max − 80 dB
        XCTAssertGreaterThanOrEqual(logMel.min().item(Float.self), logMel.max().item(Float.self) - 80 - 1e-3)

        let power = Spectrogram(nFFT: 400, hopLength: 160)(speech)
        XCTAssertEqual(power.shape, [1, 201, 279])
        let complexSpectrum = Spectrogram(nFFT: 400, hopLength: 160, power: nil)(speech)
        XCTAssertEqual(complexSpectrum.dtype, .complex64)
        let melAgain = MelScale(nMels: 80, sampleRate: rate, nSTFT: 201)(power)
        // the same computation as MelSpectrogram's (float32 products in the same order)
        assertClose(melAgain, mel, rtol: 1e-6, atol: 1e-6)
        let fb = Functional.melscaleFbanks(
            nFreqs: 201, fMin: 0, fMax: 8_000, nMels: 80, sampleRate: 16_000, norm: .slaney, melScale: .slaney)
        XCTAssertEqual(fb.shape, [201, 80])

        let mfcc = MFCC(
            sampleRate: 16_000, nMFCC: 13, melSpectrogram: MelSpectrogram(sampleRate: 16_000, nFFT: 400, hopLength: 160, nMels: 40))
        let coefficients = mfcc(speech)
        XCTAssertEqual(coefficients.shape, [1, 13, 279])
        XCTAssertEqual(ComputeDeltas(winLength: 5)(coefficients).shape, [1, 13, 279])
        let lfcc = LFCC(sampleRate: 16_000, nFilter: 40, nLFCC: 13, spectrogram: Spectrogram(nFFT: 400, hopLength: 160))(speech)
        XCTAssertEqual(lfcc.shape, [1, 13, 279])

        XCTAssertEqual(Kaldi.fbank(speech * 32768, numMelBins: 80).shape, [276, 80])
        XCTAssertEqual(Kaldi.mfcc(speech * 32768).shape, [276, 13])
        XCTAssertEqual(Kaldi.spectrogram(speech * 32768).shape, [276, 257])

        let back = InverseSpectrogram(nFFT: 400, hopLength: 160)(complexSpectrum, length: speech.size(1))
        // the Hann window at hop nFFT/2.5 satisfies the overlap condition: the round trip is exact
        // up to float32 FFT rounding
        assertClose(back, speech, atol: 1e-5)
        let guessed = GriffinLim(nFFT: 400, nIter: 8, hopLength: 160)(power, generator: Generator(seed: 0))
        XCTAssertEqual(guessed.shape, [1, 278 * 160])
        XCTAssertEqual(TimeStretch(hopLength: 160, nFreq: 201)(complexSpectrum, rate: 0.8).shape, [1, 201, 349])
        let masked = TimeMasking(timeMaskParam: 30)(FrequencyMasking(freqMaskParam: 15)(logMel), generator: Generator(seed: 1))
        XCTAssertEqual(masked.shape, logMel.shape)
        let (faster, _) = SpeedPerturbation(origFreq: 16_000, factors: [0.9, 1.0, 1.1])(speech, generator: Generator(seed: 2))
        XCTAssertEqual(faster.size(0), 1)
        let pitch = Functional.detectPitchFrequency(speech, sampleRate: 16_000)
        XCTAssertEqual(pitch.dim, 2)
        XCTAssertEqual(SpectralCentroid(sampleRate: 16_000, nFFT: 400, hopLength: 160)(speech).shape, [1, 279])
    }

    func testDatasetExamples() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ember-audio-guide-data-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let tone = Tensor((0..<320).map { Float(sin(Double($0) * 0.2)) * 0.1 }, shape: [1, 320])
        func write(_ relative: String) throws {
            let path = root + "/" + relative
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try save(path: path, waveform: tone, sampleRate: 16_000, bitsPerSample: 16)
        }
        try write("SpeechCommands/speech_commands_v0.02/yes/0a7c2a8d_nohash_0.wav")
        try "".write(toFile: root + "/SpeechCommands/speech_commands_v0.02/validation_list.txt", atomically: true, encoding: .utf8)
        try "".write(toFile: root + "/SpeechCommands/speech_commands_v0.02/testing_list.txt", atomically: true, encoding: .utf8)
        try write("LibriSpeech/dev-clean/84/121123/84-121123-0000.flac")
        try "84-121123-0000 GO DO YOU HEAR\n".write(
            toFile: root + "/LibriSpeech/dev-clean/84/121123/84-121123.trans.txt", atomically: true, encoding: .utf8)
        try write("birds/robin/a.wav")
        try write("birds/wren/b.flac")

        let commands = try SpeechCommands(root: root, subset: .training)
        let sample = try commands.sample(at: 0)
        XCTAssertEqual(sample.label, "yes")
        XCTAssertEqual(sample.speakerID, "0a7c2a8d")
        XCTAssertEqual(sample.waveform.shape, [1, 320])
        let libri = try LibriSpeech(root: root, subset: "dev-clean")
        XCTAssertEqual(libri[0].transcript, "GO DO YOU HEAR")
        let folder = try AudioFolder(root: root + "/birds")
        let loader = DataLoader(folder, batchSize: 8, shuffle: true) { (batch: [AudioFolder.Sample]) in batch.map(\.classIndex) }
        XCTAssertEqual(Array(loader).flatMap { $0 }.sorted(), [0, 1])
    }
}

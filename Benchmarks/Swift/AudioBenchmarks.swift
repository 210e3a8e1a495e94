import Ember
import EmberAudio
import Foundation

/// Audio workloads; `Benchmarks/reference/audio_reference.py` has the same names and signals.
func audioWorkloads() -> [Workload] {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ember-bench-audio")
    /// Two tones and a chirp: the same samples in both harnesses.
    func signal(seconds: Int, rate: Int, channels: Int) -> Tensor {
        let n = seconds * rate
        var values = [Float](repeating: 0, count: channels * n)
        for c in 0..<channels {
            for i in 0..<n {
                let t = Double(i) / Double(rate)
                let tone = 0.4 * sin(2 * Double.pi * (440 + 110 * Double(c)) * t)
                let chirp = 0.2 * sin(2 * Double.pi * (100 + 400 * t) * t)
                values[c * n + i] = Float(tone + chirp)
            }
        }
        return Tensor(values, shape: [channels, n])
    }
    return [
        Workload(name: "resample 10s 44.1k to 16k") {
            let wave = signal(seconds: 10, rate: 44_100, channels: 1)
            return { _ = Functional.resample(wave, origFreq: 44_100, newFreq: 16_000) }
        },
        Workload(name: "MelSpectrogram 10 s 16 kHz") {
            // n_fft 400, hop 160, 80 mels, float32: a speech front end
            let wave = signal(seconds: 10, rate: 16_000, channels: 1)
            let mel = MelSpectrogram(sampleRate: 16_000, nFFT: 400, hopLength: 160, nMels: 80)
            return { precondition(mel(wave).shape == [1, 80, 1001]) }
        },
        Workload(name: "decode flac 60s 44.1k stereo") {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let path = folder.appendingPathComponent("ember-60s-stereo.flac").path
            if !FileManager.default.fileExists(atPath: path) {
                try save(path: path, waveform: signal(seconds: 60, rate: 44_100, channels: 2), sampleRate: 44_100, bitsPerSample: 16)
            }
            return { precondition(try! load(path: path).waveform.shape == [2, 2_646_000]) }
        },
    ]
}

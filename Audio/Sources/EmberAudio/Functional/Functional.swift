/// torchaudio's `functional` module: stateless signal operations on waveform tensors whose
/// last dimension is time (`Functional.resample(waveform, origFreq: 44_100, newFreq: 16_000)`).
public enum Functional {}

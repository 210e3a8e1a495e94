import Ember

/// Delta coefficients along time (`torchaudio.transforms.ComputeDeltas`); see
/// ``Functional/computeDeltas(_:winLength:mode:)``.
public struct ComputeDeltas: Sendable {
    public let winLength: Int
    public let mode: PaddingMode

    public init(winLength: Int = 5, mode: PaddingMode = .replicate) {
        precondition(winLength >= 3, "ComputeDeltas: Window length should be greater than or equal to 3. Found win_length \(winLength)")
        self.winLength = winLength
        self.mode = mode
    }

    /// The deltas of `specgram` (`[..., freq, time]`), same shape.
    public func callAsFunction(_ specgram: Tensor) -> Tensor {
        Functional.computeDeltas(specgram, winLength: winLength, mode: mode)
    }
}

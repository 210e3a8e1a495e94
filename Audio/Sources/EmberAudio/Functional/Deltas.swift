import Ember

extension Functional {
    /// Delta (time-derivative) coefficients of a spectrogram or feature matrix along its last
    /// dimension (`torchaudio.functional.compute_deltas`):
    /// dₜ = Σₙ₌₁ᴺ n·(cₜ₊ₙ − cₜ₋ₙ) / (2·Σₙ₌₁ᴺ n²), with N = (winLength − 1)/2 and the edges
    /// padded by `mode` (replicate by default).
    ///
    /// `specgram` is `[..., freq, time]`; the result has its shape. Computed, as torchaudio
    /// does, as a depthwise `conv1d` with the kernel −N…N over the padded rows, so it is
    /// differentiable through Core's convolution.
    public static func computeDeltas(_ specgram: Tensor, winLength: Int = 5, mode: PaddingMode = .replicate) -> Tensor {
        precondition(winLength >= 3, "compute_deltas: Window length should be greater than or equal to 3. Found win_length \(winLength)")
        precondition(specgram.dim >= 1, "compute_deltas: expected a tensor with a time dimension, got shape \(specgram.shape)")
        precondition(specgram.dtype.isFloatingPoint, "compute_deltas: expected a floating tensor, got \(specgram.dtype)")
        let shape = specgram.shape
        let rows = specgram.reshape([1, -1, shape.last!])
        let channels = rows.size(1)
        let n = (winLength - 1) / 2
        let denom = Double(n * (n + 1) * (2 * n + 1)) / 3
        let padded = Ember.Functional.pad(rows, [n, n], mode: mode)
        let kernel = Tensor.arange(.int(Int64(-n)), .int(Int64(n + 1)), dtype: specgram.dtype)
            .view([1, 1, 2 * n + 1]).expand([channels, 1, 2 * n + 1]).contiguous()
        let out = Ember.Functional.conv1d(padded, kernel, groups: channels).div(.double(denom))
        return out.reshape(shape)
    }
}

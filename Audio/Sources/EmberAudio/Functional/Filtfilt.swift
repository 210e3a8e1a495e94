import Ember

extension Functional {
    /// Zero-phase filtering (`torchaudio.functional.filtfilt`): ``lfilter(_:aCoeffs:bCoeffs:clamp:batching:)``
    /// forwards (unclamped), then backwards over the time-reversed result, then reversed back;
    /// the magnitude response is squared and the phase cancels.
    ///
    /// Coefficients are `[order + 1]` or a `[numFilters, order + 1]` bank applied with
    /// `batching: true` (row i of the waveform's second-to-last dimension gets filter i).
    /// `clamp` clips the final output to [-1, 1].
    public static func filtfilt(_ waveform: Tensor, aCoeffs: Tensor, bCoeffs: Tensor, clamp: Bool = true) -> Tensor {
        let forward = lfilter(waveform, aCoeffs: aCoeffs, bCoeffs: bCoeffs, clamp: false, batching: true)
        return lfilter(forward.flip([-1]), aCoeffs: aCoeffs, bCoeffs: bCoeffs, clamp: clamp, batching: true).flip([-1])
    }
}

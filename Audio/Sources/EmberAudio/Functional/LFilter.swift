import Ember
import Foundation

extension Functional {
    /// Runs the IIR filter Σₖ a[k]·y[n−k] = Σₖ b[k]·x[n−k] along the last dimension
    /// (`torchaudio.functional.lfilter`); coefficients are normalised by a[0] first.
    ///
    /// - Parameters:
    ///   - waveform: `[..., time]`, float32 or float64, expected in [-1, 1].
    ///   - aCoeffs, bCoeffs: `[order + 1]`, lowest delay first, or `[numFilters, order + 1]`
    ///     for a bank of filters. With a bank and `batching: true` the waveform's
    ///     second-to-last dimension must be `numFilters` (row i gets filter i); with
    ///     `batching: false` every filter runs on the whole waveform and the result gains a
    ///     `numFilters` dimension before time.
    ///   - clamp: clip the output to [-1, 1], torchaudio's default.
    /// The recursion runs in double and is rounded to the waveform's dtype.
    public static func lfilter(
        _ waveform: Tensor, aCoeffs: Tensor, bCoeffs: Tensor, clamp: Bool = true, batching: Bool = true
    ) -> Tensor {
        precondition(
            aCoeffs.shape == bCoeffs.shape,
            "lfilter: expected coeffs to be the same size. Found a_coeffs size: \(aCoeffs.shape), b_coeffs size: \(bCoeffs.shape)")
        precondition(aCoeffs.dim == 1 || aCoeffs.dim == 2, "lfilter: expected 1-D or 2-D coeffs, got shape \(aCoeffs.shape)")
        precondition(waveform.dim >= 1, "lfilter: expected waveform to have a positive number of dimensions, got shape \(waveform.shape)")
        precondition(
            waveform.dtype == .float32 || waveform.dtype == .float64,
            "lfilter: expected a float32 or float64 waveform, got \(waveform.dtype)")
        let filters = aCoeffs.dim == 2 ? aCoeffs.size(0) : 1
        let order = aCoeffs.shape.last!
        precondition(order >= 1, "lfilter: coefficients must not be empty")
        var input = waveform
        if aCoeffs.dim == 2 {
            if batching {
                precondition(
                    waveform.dim >= 2 && waveform.size(-2) == filters,
                    "lfilter: expected number of batches in waveform (\(waveform.dim >= 2 ? waveform.size(-2) : 0)) to match number of filters (\(filters)), waveform shape \(waveform.shape)")
            } else {
                var shape = waveform.shape
                shape.insert(filters, at: shape.count - 1)
                input = waveform.unsqueeze(-2).expand(shape)
            }
        }
        let a = aCoeffs.toArray(Double.self), b = bCoeffs.toArray(Double.self)
        let length = input.shape.last!
        let rows = length == 0 ? 0 : input.count / length
        let source = input.contiguous().to(.float64).toArray(Double.self)
        var output = [Double](repeating: 0, count: source.count)
        for row in 0..<rows {
            let f = (row % filters) * order
            let a0 = a[f]
            precondition(a0 != 0, "lfilter: a_coeffs[0] must be non-zero")
            let an = (0..<order).map { a[f + $0] / a0 }, bn = (0..<order).map { b[f + $0] / a0 }
            let base = row * length
            for n in 0..<length {
                var acc = 0.0
                for k in 0..<min(order, n + 1) {
                    acc += bn[k] * source[base + n - k]
                }
                for k in 1..<max(1, min(order, n + 1)) {
                    acc -= an[k] * output[base + n - k]
                }
                output[base + n] = acc
            }
        }
        if clamp { output = output.map { min(max($0, -1), 1) } }
        return Tensor(output, shape: input.shape).to(waveform.dtype)
    }

    /// A second-order IIR filter (`torchaudio.functional.biquad`): lfilter with
    /// a = [a0, a1, a2], b = [b0, b1, b2], output clamped to [-1, 1].
    public static func biquad(
        _ waveform: Tensor, b0: Double, b1: Double, b2: Double, a0: Double, a1: Double, a2: Double
    ) -> Tensor {
        // torchaudio holds the coefficients in the waveform's dtype.
        let round: (Double) -> Double = waveform.dtype == .float32 ? { Double(Float($0)) } : { $0 }
        return lfilter(
            waveform, aCoeffs: Tensor([a0, a1, a2].map(round), shape: [3]),
            bCoeffs: Tensor([b0, b1, b2].map(round), shape: [3]))
    }
}

/// The short-time Fourier transform and its inverse (`torch.stft`, `torch.istft`), built from
/// differentiable pieces: padding, `unfold` framing, window products, the FFT primitives and
/// `Functional.fold` for the overlap-add, so gradients reach the signal and the window.
extension Tensor {
    /// `torch.stft`: Fourier transforms of overlapping windowed frames of a 1-D signal `[L]` or
    /// a batch `[B, L]`, shaped `[B?, bins, frames]` (bins = nFFT/2 + 1 when one-sided).
    ///
    /// - Parameters:
    ///   - hopLength: distance between frames (default nFFT/4).
    ///   - winLength: window length (default nFFT); a shorter window is zero-padded on both
    ///     sides to nFFT.
    ///   - window: a real 1-D tensor of `winLength` points (default: rectangular).
    ///   - center: pads the signal by nFFT/2 on both sides with `padMode`, so frame t is
    ///     centred at t·hopLength.
    ///   - normalized: multiplies by nFFT^(−1/2).
    ///   - onesided: keeps bins 0...nFFT/2 (default: true for real input).
    ///   - returnComplex: a complex result; with false, its `viewAsReal` form `[..., 2]`.
    ///     (PyTorch requires this argument for real inputs; true is its recommended value.)
    public func stft(
        nFFT: Int, hopLength: Int? = nil, winLength: Int? = nil, window: Tensor? = nil, center: Bool = true,
        padMode: PaddingMode = .reflect, normalized: Bool = false, onesided: Bool? = nil, returnComplex: Bool = true
    ) -> Tensor {
        precondition(dim == 1 || dim == 2, "stft: expected a 1D or 2D tensor, but got a \(dim)D tensor of shape \(shape)")
        precondition(
            dtype == .float32 || dtype == .float64 || dtype.isComplex,
            "stft: expected a tensor of floating point or complex values, got \(dtype)")
        let hop = hopLength ?? nFFT / 4, win = winLength ?? nFFT
        let batched = dim == 2
        var signal = batched ? self : unsqueeze(0)
        if center {
            let pad = nFFT / 2
            signal = STFTSupport.padSignal(signal, pad, mode: padMode)
        }
        let length = signal.shape[1]
        precondition(nFFT > 0 && nFFT <= length, "stft: expected 0 < n_fft <= \(length), but got n_fft=\(nFFT)")
        precondition(hop > 0, "stft: expected hop_length > 0, but got hop_length=\(hop)")
        precondition(win > 0 && win <= nFFT, "stft: expected 0 < win_length <= n_fft, but got win_length=\(win)")
        let fullWindow = STFTSupport.paddedWindow(window, win: win, nFFT: nFFT, dtype: dtype.isComplex ? dtype.toReal : dtype, op: "stft")
        let isComplexInput = dtype.isComplex
        let oneSided = onesided ?? !isComplexInput
        precondition(!(oneSided && isComplexInput), "Cannot have onesided output if window or input is complex")
        let scale = normalized ? 1 / Double(nFFT).squareRoot() : 1
        var spectrum: Tensor
        if isComplexInput {
            // [B, frames, nFFT, 2]: frames of the real view, windowed, transformed.
            var frames = signal.viewAsReal().unfold(1, size: nFFT, step: hop).transpose(-1, -2)
            if let fullWindow { frames = frames * fullWindow.unsqueeze(-1) }
            spectrum = FFTCore.c2c(frames, dim: 2, inverse: false, scale: scale)
        } else {
            var frames = signal.unfold(1, size: nFFT, step: hop)
            if let fullWindow { frames = frames * fullWindow }
            if oneSided {
                spectrum = FFTCore.r2c(frames, dim: 2, scale: scale)
            } else {
                let complexFrames = Tensor.stack([frames, Tensor.zerosLike(frames)], dim: -1)
                spectrum = FFTCore.c2c(complexFrames, dim: 2, inverse: false, scale: scale)
            }
        }
        spectrum = spectrum.transpose(1, 2)
        if !batched { spectrum = spectrum.squeeze(dim: 0) }
        return returnComplex ? spectrum.viewAsComplex() : spectrum
    }

    /// `torch.istft`: the least-squares inverse of `stft`, from a complex `[B?, bins, frames]`
    /// spectrum: inverse transforms of the frames, windowed, overlap-added and divided by the
    /// overlap-added squared window.
    ///
    /// - Parameters:
    ///   - onesided: whether the spectrum holds nFFT/2 + 1 bins (default: when bins ≠ nFFT).
    ///   - length: the output length (the signal is cut or zero-padded to it); by default the
    ///     whole signal, less the centring padding.
    ///   - returnComplex: a complex signal (two-sided spectra only); otherwise real, from the
    ///     first nFFT/2 + 1 bins.
    /// Stops when the squared windows overlap-add to (nearly) zero somewhere, where the signal
    /// cannot be recovered (PyTorch's "window overlap add min" error, the NOLA condition).
    public func istft(
        nFFT: Int, hopLength: Int? = nil, winLength: Int? = nil, window: Tensor? = nil, center: Bool = true,
        normalized: Bool = false, onesided: Bool? = nil, length: Int? = nil, returnComplex: Bool = false
    ) -> Tensor {
        precondition(dtype.isComplex, "istft requires a complex-valued input tensor, got \(dtype)")
        precondition(dim == 2 || dim == 3, "istft: expected a tensor with 2 or 3 dimensions of complex, got shape \(shape)")
        let hop = hopLength ?? nFFT / 4, win = winLength ?? nFFT
        let frames = shape[dim - 1], bins = shape[dim - 2]
        let expectedLength = nFFT + hop * (frames - 1)
        let oneSided = onesided ?? (bins != nFFT)
        if oneSided {
            precondition(
                nFFT / 2 + 1 == bins,
                "istft: expected the frequency dimension (3rd to the last) of the input tensor to match n_fft / 2 + 1 when onesided=True, but got \(bins)")
        } else {
            precondition(
                nFFT == bins,
                "istft: expected the frequency dimension (3rd to the last) of the input tensor to match n_fft when onesided=False, but got \(bins)")
        }
        precondition(hop > 0 && hop <= win, "istft: expected 0 < hop_length <= win_length")
        precondition(win > 0 && win <= nFFT, "istft: expected 0 < win_length <= n_fft")
        let realType = dtype.toReal
        let fullWindow =
            STFTSupport.paddedWindow(window, win: win, nFFT: nFFT, dtype: realType, op: "istft")
            ?? Tensor.ones([nFFT], dtype: realType)
        let batched = dim == 3
        // [B, frames, bins, 2]
        var spectrum = (batched ? self : unsqueeze(0)).viewAsReal().transpose(1, 2)
        let scale = normalized ? 1 / Double(nFFT).squareRoot() : 1 / Double(nFFT)
        let batch = spectrum.shape[0]
        var y: Tensor
        if returnComplex {
            precondition(!oneSided, "cannot have onesided output if window or input is complex")
            // [B, frames, nFFT, 2] → parts [B·2, nFFT, frames] → overlap-added [B, 2, L]
            let time = FFTCore.c2c(spectrum, dim: 2, inverse: true, scale: scale) * fullWindow.unsqueeze(-1)
            let parts = time.permute([0, 3, 2, 1]).reshape([batch * 2, nFFT, frames])
            y = STFTSupport.overlapAdd(parts, hop: hop, length: expectedLength).view([batch, 2, expectedLength])
        } else {
            if !oneSided { spectrum = spectrum.narrow(2, start: 0, length: nFFT / 2 + 1) }
            let time = FFTCore.c2r(spectrum, dim: 2, n: nFFT, scale: scale) * fullWindow
            y = STFTSupport.overlapAdd(time.transpose(1, 2), hop: hop, length: expectedLength)
        }
        let squared = (fullWindow * fullWindow).view([1, nFFT, 1]).expand([1, nFFT, frames])
        var envelope = STFTSupport.overlapAdd(squared, hop: hop, length: expectedLength)
        let start = center ? nFFT / 2 : 0
        let end = length.map { start + $0 } ?? (center ? expectedLength - nFFT / 2 : expectedLength)
        let kept = Swift.max(0, Swift.min(end, expectedLength) - start)
        y = y.narrow(-1, start: start, length: kept)
        envelope = envelope.narrow(-1, start: start, length: kept)
        if kept > 0 {
            let lowest = withNoGrad { envelope.abs().min().to(.float64).item(Double.self) }
            precondition(
                lowest >= 1e-11,
                "istft(n_fft=\(nFFT), hop_length=\(hop), win_length=\(win)): window overlap add min: \(lowest) (the squared windows overlap-add to zero, so the signal cannot be recovered; use a shorter hop or another window)")
        }
        y = y / (returnComplex ? envelope.unsqueeze(1) : envelope)
        if returnComplex { y = y.transpose(1, 2).contiguous().viewAsComplex() }
        if !batched { y = y.squeeze(dim: 0) }
        if end > expectedLength {
            var padShape = y.shape
            padShape[padShape.count - 1] = end - expectedLength
            y = Tensor.cat([y, Tensor.zeros(padShape, dtype: y.dtype)], dim: -1)
        }
        return y
    }
}

enum STFTSupport {
    /// `window` (or a rectangular window when nil and shorter than nFFT) zero-padded on both
    /// sides to nFFT points; nil means "no window" (all ones).
    static func paddedWindow(_ window: Tensor?, win: Int, nFFT: Int, dtype: DType, op: String) -> Tensor? {
        if let window {
            precondition(
                window.dim == 1 && window.shape[0] == win,
                "\(op): expected a 1D window tensor of size equal to win_length=\(win), but got window with size \(window.shape)")
            precondition(!window.dtype.isComplex, "\(op): complex windows are not supported")
        }
        if win == nFFT { return window }
        let base = window ?? Tensor.ones([win], dtype: dtype)
        let left = (nFFT - win) / 2
        return Tensor.cat(
            [Tensor.zeros([left], dtype: base.dtype), base, Tensor.zeros([nFFT - win - left], dtype: base.dtype)], dim: 0)
    }

    /// Pads `[B, L]` by `pad` on both ends of L (reflect, replicate, circular or constant),
    /// complex signals part by part.
    static func padSignal(_ signal: Tensor, _ pad: Int, mode: PaddingMode) -> Tensor {
        if signal.dtype.isComplex {
            let parts = [signal.real, signal.imag].map { padSignal($0, pad, mode: mode) }
            return Tensor.stack(parts, dim: -1).viewAsComplex()
        }
        return Functional.pad(signal.unsqueeze(0), [pad, pad], mode: mode).squeeze(dim: 0)
    }

    /// Sums frames `[N, nFFT, frames]` placed `hop` apart into `[N, length]` (`unfold`'s
    /// adjoint, as PyTorch's `unfold_backward`).
    static func overlapAdd(_ frames: Tensor, hop: Int, length: Int) -> Tensor {
        let nFFT = frames.shape[1]
        let folded = Functional.fold(frames, outputSize: [1, length], kernelSize: [1, nFFT], stride: [1, hop])
        return folded.view([frames.shape[0], length])
    }
}

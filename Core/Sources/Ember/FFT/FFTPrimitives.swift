import CEmberKernels

/// The three differentiable transforms every `FFT` function is built from, on real tensors:
/// complex values travel as their `viewAsReal` form (a trailing dimension of 2), so `dim`
/// counts the complex dimensions. They are PyTorch's `_fft_c2c`, `_fft_r2c` (one-sided) and
/// `_fft_c2r`, each unnormalised up to `scale`, with PyTorch's backward formulas:
/// - c2c: the transform of the opposite sign with the same scale (the adjoint of the DFT).
/// - r2c: the gradient of the kept bins, zero-padded to n, through an inverse c2c; its real
///   part (`fft_r2c_backward`).
/// - c2r: r2c of the gradient with the same scale, bins 1 ..< 1 + (n − bins) doubled, since
///   each of those stands for itself and its conjugate mirror (`fft_c2r_backward`).
enum FFTCore {
    /// Complex-to-complex along `dim` of `xr` (float32/float64, shape `[..., 2]`).
    static func c2c(_ xr: Tensor, dim: Int, inverse: Bool, scale: Double) -> Tensor {
        let last = xr.dim - 2
        let input = withNoGrad { (dim == last ? xr : xr.transpose(dim, last)).detach().contiguous() }
        let out = Tensor(empty: input.shape, dtype: input.dtype)
        let n = input.shape[last], count = n == 0 ? 0 : input.count / (2 * n)
        if count > 0 {
            let plan = FFTPlan.get(n, dtype: input.dtype, kind: .complex)
            let sign: Int32 = inverse ? 1 : 0
            run(count: count, n: n) { start, batch, parallel in
                let p: Int32 = parallel ? 1 : 0
                let offset = start * 2 * n
                let status: Int32
                if input.dtype == .float32 {
                    status = ember_fft_c2c_f32(
                        plan.pointer, input.pointer(as: Float.self) + offset, out.pointer(as: Float.self) + offset,
                        Int64(batch), sign, Float(scale), p)
                } else {
                    status = ember_fft_c2c_f64(
                        plan.pointer, input.pointer(as: Double.self) + offset, out.pointer(as: Double.self) + offset,
                        Int64(batch), sign, scale, p)
                }
                precondition(status == 0, "fft: out of memory for scratch buffers (\(n) points)")
            }
        }
        let result = dim == last ? out : out.transpose(dim, last)
        return Autograd.record("FftC2CBackward0", inputs: [xr], output: result) { grad, _ in
            [c2c(grad, dim: dim, inverse: !inverse, scale: scale)]
        }
    }

    /// Real-to-complex (forward sign, one-sided) along `dim` of the real tensor `x`: n/2 + 1
    /// bins, returned in real-view form.
    static func r2c(_ x: Tensor, dim: Int, scale: Double) -> Tensor {
        let last = x.dim - 1
        let input = withNoGrad { (dim == last ? x : x.transpose(dim, last)).detach().contiguous() }
        let n = input.shape[last], bins = n / 2 + 1
        let out = Tensor(empty: Array(input.shape.dropLast()) + [bins, 2], dtype: input.dtype)
        let count = n == 0 ? 0 : input.count / n
        if count > 0 {
            let plan = FFTPlan.get(n, dtype: input.dtype, kind: .real)
            run(count: count, n: n) { start, batch, parallel in
                let p: Int32 = parallel ? 1 : 0
                let status: Int32
                if input.dtype == .float32 {
                    status = ember_fft_r2c_f32(
                        plan.pointer, input.pointer(as: Float.self) + start * n,
                        out.pointer(as: Float.self) + start * 2 * bins, Int64(batch), Float(scale), p)
                } else {
                    status = ember_fft_r2c_f64(
                        plan.pointer, input.pointer(as: Double.self) + start * n,
                        out.pointer(as: Double.self) + start * 2 * bins, Int64(batch), scale, p)
                }
                precondition(status == 0, "rfft: out of memory for scratch buffers (\(n) points)")
            }
        }
        let result = dim == last ? out : out.transpose(dim, last)
        return Autograd.record("FftR2CBackward0", inputs: [x], output: result) { grad, _ in
            let padded = resized(grad, dim: dim, to: n)
            return [c2c(padded, dim: dim, inverse: true, scale: scale).select(-1, 0)]
        }
    }

    /// Complex-to-real (inverse sign) along `dim` of `xr` (real-view form, n/2 + 1 bins):
    /// a real tensor with n points along `dim`.
    static func c2r(_ xr: Tensor, dim: Int, n: Int, scale: Double) -> Tensor {
        let last = xr.dim - 2
        let bins = n / 2 + 1
        precondition(xr.shape[dim] == bins, "internal: c2r expects \(bins) bins for \(n) points, got \(xr.shape[dim])")
        let input = withNoGrad { (dim == last ? xr : xr.transpose(dim, last)).detach().contiguous() }
        let out = Tensor(empty: Array(input.shape.dropLast(2)) + [n], dtype: input.dtype)
        let count = out.count / Swift.max(n, 1)
        if count > 0 && n > 0 {
            let plan = FFTPlan.get(n, dtype: input.dtype, kind: .real)
            run(count: count, n: n) { start, batch, parallel in
                let p: Int32 = parallel ? 1 : 0
                let status: Int32
                if input.dtype == .float32 {
                    status = ember_fft_c2r_f32(
                        plan.pointer, input.pointer(as: Float.self) + start * 2 * bins,
                        out.pointer(as: Float.self) + start * n, Int64(batch), Float(scale), p)
                } else {
                    status = ember_fft_c2r_f64(
                        plan.pointer, input.pointer(as: Double.self) + start * 2 * bins,
                        out.pointer(as: Double.self) + start * n, Int64(batch), scale, p)
                }
                precondition(status == 0, "irfft: out of memory for scratch buffers (\(n) points)")
            }
        }
        let outLast = out.dim - 1
        let result = dim == outLast ? out : out.transpose(dim, outLast)
        let rank = xr.dim
        return Autograd.record("FftC2RBackward0", inputs: [xr], output: result) { grad, _ in
            let spectrum = r2c(grad, dim: dim, scale: scale)
            let doubled = n - bins
            guard doubled > 0 else { return [spectrum] }
            var maskShape = [Int](repeating: 1, count: rank)
            maskShape[dim] = bins
            let weights = (0..<bins).map { $0 >= 1 && $0 < 1 + doubled ? 2.0 : 1.0 }
            return [spectrum * Tensor(weights, dtype: spectrum.dtype).view(maskShape)]
        }
    }

    /// `t` cut or zero-padded at the end of `dim` to `n` entries (differentiable).
    static func resized(_ t: Tensor, dim: Int, to n: Int) -> Tensor {
        let size = t.shape[dim]
        if size == n { return t }
        if size > n { return t.narrow(dim, start: 0, length: n) }
        var padShape = t.shape
        padShape[dim] = n - size
        return Tensor.cat([t, Tensor.zeros(padShape, dtype: t.dtype)], dim: dim)
    }

    /// Runs `count` transforms of n points: one at a time with the kernel's own threading when
    /// there are too few to keep the pool busy and each is long, else batches over the pool.
    private static func run(count: Int, n: Int, _ body: (_ start: Int, _ count: Int, _ parallel: Bool) -> Void) {
        if count == 1 || (count < Threading.numThreads && n >= 1 << 16) {
            for b in 0..<count { body(b, 1, true) }
            return
        }
        parallelFor(count, grain: Swift.max(1, 32_768 / Swift.max(n, 1))) { range in
            body(range.lowerBound, range.count, false)
        }
    }
}

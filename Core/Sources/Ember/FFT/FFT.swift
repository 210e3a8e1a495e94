/// Discrete Fourier transforms (`torch.fft`).
///
/// Every function transforms along the given dimensions and batches over all others, on any
/// length: mixed-radix passes for lengths whose prime factors are at most 41, Bluestein's
/// algorithm otherwise, a half-length complex transform for real input of even length. Input
/// may have any strides. float32 and float64 give complex64 and complex128; integer and bool
/// inputs compute in float32, as in PyTorch. All functions are differentiable with PyTorch's
/// formulas (the one-sided transforms included).
///
/// ```swift
/// let x = Tensor.randn([4, 1000])
/// let spectrum = FFT.rfft(x)                      // [4, 501] complex64
/// let back = FFT.irfft(spectrum, n: 1000)         // x again, up to rounding
/// ```
public enum FFT {
    /// Normalisation mode (PyTorch's `norm` argument). Names say which direction is scaled by
    /// 1/n: `.backward` (the default) scales the inverse transforms, `.forward` the forward
    /// ones, `.ortho` both by 1/√n, which makes the transforms unitary.
    public enum Norm: String, Sendable {
        case backward, ortho, forward

        /// The factor applied to a transform over `n` points in the given direction.
        func scale(_ n: Int, inverse: Bool) -> Double {
            guard n > 0 else { return 1 }
            switch self {
            case .ortho: return 1 / Double(n).squareRoot()
            case .backward: return inverse ? 1 / Double(n) : 1
            case .forward: return inverse ? 1 : 1 / Double(n)
            }
        }
    }

    // MARK: One dimension

    /// `torch.fft.fft`: the discrete Fourier transform of `input` along `dim`, zero-padded or
    /// cut to `n` points first when `n` is given. Real inputs are read as complex.
    public static func fft(_ input: Tensor, n: Int? = nil, dim: Int = -1, norm: Norm = .backward) -> Tensor {
        c2c(input, n: n, dim: dim, norm: norm, inverse: false, op: "fft_fft")
    }

    /// `torch.fft.ifft`: the inverse of `fft`.
    public static func ifft(_ input: Tensor, n: Int? = nil, dim: Int = -1, norm: Norm = .backward) -> Tensor {
        c2c(input, n: n, dim: dim, norm: norm, inverse: true, op: "fft_ifft")
    }

    /// `torch.fft.rfft`: the transform of a real signal, keeping the n/2 + 1 non-negative
    /// frequencies (the rest are their complex conjugates).
    public static func rfft(_ input: Tensor, n: Int? = nil, dim: Int = -1, norm: Norm = .backward) -> Tensor {
        let x = realInput(input, op: "rfft")
        let d = Shape.normalize(dim, rank: x.dim, op: "fft_rfft")
        let points = n ?? x.shape[d]
        precondition(points >= 1, "fft_rfft: Invalid number of data points (\(points)) specified")
        let resized = FFTCore.resized(x, dim: d, to: points)
        return FFTCore.r2c(resized, dim: d, scale: norm.scale(points, inverse: false)).viewAsComplex()
    }

    /// `torch.fft.irfft`: the inverse of `rfft`, a real signal of `n` points (default
    /// 2·(bins − 1)) from the non-negative frequencies of a Hermitian spectrum. The imaginary
    /// parts of the zero-frequency bin and, for even `n`, of the Nyquist bin are ignored.
    public static func irfft(_ input: Tensor, n: Int? = nil, dim: Int = -1, norm: Norm = .backward) -> Tensor {
        c2r(input, n: n, dim: dim, norm: norm, inverse: true, conjugate: false, op: "fft_irfft")
    }

    /// `torch.fft.hfft`: the transform of a Hermitian-symmetric signal given by its first half,
    /// a real spectrum of `n` points (default 2·(length − 1)).
    public static func hfft(_ input: Tensor, n: Int? = nil, dim: Int = -1, norm: Norm = .backward) -> Tensor {
        c2r(input, n: n, dim: dim, norm: norm, inverse: false, conjugate: true, op: "fft_hfft")
    }

    /// `torch.fft.ihfft`: the inverse of `hfft`, the n/2 + 1 first bins of the inverse transform
    /// of a real signal.
    public static func ihfft(_ input: Tensor, n: Int? = nil, dim: Int = -1, norm: Norm = .backward) -> Tensor {
        let x = realInput(input, op: "ihfft")
        let d = Shape.normalize(dim, rank: x.dim, op: "fft_ihfft")
        let points = n ?? x.shape[d]
        precondition(points >= 1, "fft_ihfft: Invalid number of data points (\(points)) specified")
        let resized = FFTCore.resized(x, dim: d, to: points)
        let spectrum = FFTCore.r2c(resized, dim: d, scale: norm.scale(points, inverse: true))
        return conjugated(spectrum).viewAsComplex()
    }

    // MARK: Building blocks

    static func c2c(_ input: Tensor, n: Int?, dim: Int, norm: Norm, inverse: Bool, op: String) -> Tensor {
        let x = complexInput(input, op: op)
        let d = Shape.normalize(dim, rank: x.dim, op: op)
        let points = n ?? x.shape[d]
        precondition(points >= 1, "\(op): Invalid number of data points (\(points)) specified")
        let xr = FFTCore.resized(x.viewAsReal(), dim: d, to: points)
        return FFTCore.c2c(xr, dim: d, inverse: inverse, scale: norm.scale(points, inverse: inverse)).viewAsComplex()
    }

    /// irfft (`inverse`) and hfft (the forward transform of conj(input), computed the same way).
    static func c2r(
        _ input: Tensor, n: Int?, dim: Int, norm: Norm, inverse: Bool, conjugate: Bool, op: String
    ) -> Tensor {
        let x = complexInput(input, op: op)
        let d = Shape.normalize(dim, rank: x.dim, op: op)
        let points = n ?? 2 * (x.shape[d] - 1)
        precondition(points >= 1, "\(op): Invalid number of data points (\(points)) specified")
        var xr = FFTCore.resized(x.viewAsReal(), dim: d, to: points / 2 + 1)
        if conjugate { xr = conjugated(xr) }
        return FFTCore.c2r(xr, dim: d, n: points, scale: norm.scale(points, inverse: inverse))
    }

    /// The complex conjugate in real-view form (imaginary parts negated; differentiable).
    static func conjugated(_ xr: Tensor) -> Tensor {
        xr * Tensor([1.0, -1.0], dtype: xr.dtype)
    }

    /// `input` as a complex tensor: complex stays, float32/float64 gain a zero imaginary part,
    /// integers and bool compute in float32 (PyTorch's promotion for fft).
    static func complexInput(_ input: Tensor, op: String) -> Tensor {
        if input.dtype.isComplex { return input }
        let x = realInput(input, op: op)
        return Tensor.stack([x, Tensor.zerosLike(x)], dim: -1).viewAsComplex()
    }

    /// `input` as a float32/float64 tensor; complex input stops with PyTorch's message.
    static func realInput(_ input: Tensor, op: String) -> Tensor {
        precondition(!input.dtype.isComplex, "\(op) expects a real input tensor, but got \(input.dtype.scalarTypeName)")
        switch input.dtype {
        case .float32, .float64: return input
        case .float16, .bfloat16, .float8e4m3fn, .float8e5m2:
            preconditionFailure("\(op): Unsupported dtype \(input.dtype.scalarTypeName) (CPU transforms support float and double)")
        default: return input.to(.float32)
        }
    }
}

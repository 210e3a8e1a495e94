/// Transforms over several dimensions: one-dimensional transforms applied dimension by
/// dimension (the DFT is separable), with PyTorch's rules for `s` and `dim`.
extension FFT {
    /// `torch.fft.fft2`: `fftn` over the last two dimensions by default.
    public static func fft2(_ input: Tensor, s: [Int]? = nil, dim: [Int] = [-2, -1], norm: Norm = .backward) -> Tensor {
        fftn(input, s: s, dim: dim, norm: norm)
    }

    /// `torch.fft.ifft2`: the inverse of `fft2`.
    public static func ifft2(_ input: Tensor, s: [Int]? = nil, dim: [Int] = [-2, -1], norm: Norm = .backward) -> Tensor {
        ifftn(input, s: s, dim: dim, norm: norm)
    }

    /// `torch.fft.rfft2`: `rfftn` over the last two dimensions by default.
    public static func rfft2(_ input: Tensor, s: [Int]? = nil, dim: [Int] = [-2, -1], norm: Norm = .backward) -> Tensor {
        rfftn(input, s: s, dim: dim, norm: norm)
    }

    /// `torch.fft.irfft2`: the inverse of `rfft2`.
    public static func irfft2(_ input: Tensor, s: [Int]? = nil, dim: [Int] = [-2, -1], norm: Norm = .backward) -> Tensor {
        irfftn(input, s: s, dim: dim, norm: norm)
    }

    /// `torch.fft.fftn`: the n-dimensional transform over `dim` (all dimensions when both `s`
    /// and `dim` are nil; the last `s.count` when only `s` is given), each zero-padded or cut
    /// to the sizes in `s` first.
    public static func fftn(_ input: Tensor, s: [Int]? = nil, dim: [Int]? = nil, norm: Norm = .backward) -> Tensor {
        complexN(input, s: s, dim: dim, norm: norm, inverse: false, op: "fft_fftn")
    }

    /// `torch.fft.ifftn`: the inverse of `fftn`.
    public static func ifftn(_ input: Tensor, s: [Int]? = nil, dim: [Int]? = nil, norm: Norm = .backward) -> Tensor {
        complexN(input, s: s, dim: dim, norm: norm, inverse: true, op: "fft_ifftn")
    }

    /// `torch.fft.rfftn`: a real transform over the last dimension of `dim` (keeping n/2 + 1
    /// bins), then complex transforms over the others.
    public static func rfftn(_ input: Tensor, s: [Int]? = nil, dim: [Int]? = nil, norm: Norm = .backward) -> Tensor {
        let x = realInput(input, op: "rfftn")
        let (dims, sizes) = plan(x, s: s, dim: dim, op: "fft_rfftn")
        precondition(!dims.isEmpty, "fft_rfftn must transform at least one axis")
        var xr = x
        for (d, size) in zip(dims, sizes) { xr = FFTCore.resized(xr, dim: d, to: size) }
        let lastDim = dims[dims.count - 1]
        xr = FFTCore.r2c(xr, dim: lastDim, scale: norm.scale(sizes[sizes.count - 1], inverse: false))
        for (d, size) in zip(dims.dropLast(), sizes.dropLast()) {
            xr = FFTCore.c2c(xr, dim: d, inverse: false, scale: norm.scale(size, inverse: false))
        }
        return xr.viewAsComplex()
    }

    /// `torch.fft.irfftn`: the inverse of `rfftn`; the last transformed dimension has
    /// `s.last` points (default 2·(bins − 1)).
    public static func irfftn(_ input: Tensor, s: [Int]? = nil, dim: [Int]? = nil, norm: Norm = .backward) -> Tensor {
        let x = complexInput(input, op: "fft_irfftn")
        var (dims, sizes) = plan(x, s: s, dim: dim, op: "fft_irfftn")
        precondition(!dims.isEmpty, "fft_irfftn must transform at least one axis")
        let lastDim = dims[dims.count - 1]
        let points = s == nil ? 2 * (x.shape[lastDim] - 1) : sizes[sizes.count - 1]
        precondition(points >= 1, "fft_irfftn: Invalid number of data points (\(points)) specified")
        sizes[sizes.count - 1] = points / 2 + 1
        var xr = x.viewAsReal()
        for (d, size) in zip(dims, sizes) { xr = FFTCore.resized(xr, dim: d, to: size) }
        for (d, size) in zip(dims.dropLast(), sizes.dropLast()) {
            xr = FFTCore.c2c(xr, dim: d, inverse: true, scale: norm.scale(size, inverse: true))
        }
        return FFTCore.c2r(xr, dim: lastDim, n: points, scale: norm.scale(points, inverse: true))
    }

    static func complexN(_ input: Tensor, s: [Int]?, dim: [Int]?, norm: Norm, inverse: Bool, op: String) -> Tensor {
        let x = complexInput(input, op: op)
        let (dims, sizes) = plan(x, s: s, dim: dim, op: op)
        var xr = x.viewAsReal()
        for (d, size) in zip(dims, sizes) { xr = FFTCore.resized(xr, dim: d, to: size) }
        for (d, size) in zip(dims, sizes) {
            xr = FFTCore.c2c(xr, dim: d, inverse: inverse, scale: norm.scale(size, inverse: inverse))
        }
        return xr.viewAsComplex()
    }

    /// The normalised dims and the signal size along each (PyTorch's `canonicalize_fft_shape_and_dim_args`).
    static func plan(_ x: Tensor, s: [Int]?, dim: [Int]?, op: String) -> (dims: [Int], sizes: [Int]) {
        var dims: [Int]
        if let dim {
            dims = dim.map { Shape.normalize($0, rank: x.dim, op: op) }
            precondition(Set(dims).count == dims.count, "\(op): dims must be unique (got \(dim))")
        } else if let s {
            precondition(s.count <= x.dim, "\(op): Got shape with \(s.count) values but input tensor only has \(x.dim) dimensions.")
            dims = Array((x.dim - s.count)..<x.dim)
        } else {
            dims = Array(0..<x.dim)
        }
        var sizes: [Int]
        if let s {
            precondition(
                s.count == dims.count,
                "\(op): When given, dim and shape arguments must have the same length (shape \(s), dim \(dims))")
            sizes = zip(s, dims).map { $0 == -1 ? x.shape[$1] : $0 }
        } else {
            sizes = dims.map { x.shape[$0] }
        }
        for size in sizes { precondition(size > 0, "\(op): Invalid number of data points (\(size)) specified") }
        return (dims, sizes)
    }
}

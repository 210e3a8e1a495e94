/// Sample frequencies and spectrum reordering (`torch.fft.fftfreq`, `rfftfreq`, `fftshift`,
/// `ifftshift`).
extension FFT {
    /// `torch.fft.fftfreq`: the frequencies of `fft`'s bins for `n` samples spaced `d` apart,
    /// `[0, 1, ..., (n − 1)/2, −n/2, ..., −1] / (d·n)`. Computed in `dtype` as PyTorch does
    /// (integers times the rounded factor 1/(d·n)).
    public static func fftfreq(_ n: Int, d: Double = 1.0, dtype: DType = .defaultFloat) -> Tensor {
        precondition(n >= 0, "fftfreq: n must be non-negative, got \(n)")
        precondition(dtype.isFloatingPoint || dtype.isComplex, "fftfreq requires a floating point or complex dtype, got \(dtype)")
        let indices = (0..<n).map { $0 < (n + 1) / 2 ? $0 : $0 - n }
        return Tensor(indices.map(Double.init), dtype: dtype) * Scalar.double(1.0 / (Double(n) * d))
    }

    /// `torch.fft.rfftfreq`: the frequencies of `rfft`'s n/2 + 1 bins, `[0, 1, ..., n/2] / (d·n)`.
    public static func rfftfreq(_ n: Int, d: Double = 1.0, dtype: DType = .defaultFloat) -> Tensor {
        precondition(n >= 0, "rfftfreq: n must be non-negative, got \(n)")
        precondition(dtype.isFloatingPoint || dtype.isComplex, "rfftfreq requires a floating point or complex dtype, got \(dtype)")
        return Tensor((0...(n / 2)).map(Double.init), dtype: dtype) * Scalar.double(1.0 / (Double(n) * d))
    }

    /// `torch.fft.fftshift`: moves the zero frequency to the centre of `dim` (all dims by
    /// default), rolling by n/2.
    public static func fftshift(_ input: Tensor, dim: [Int]? = nil) -> Tensor {
        shift(input, dim: dim) { $0 / 2 }
    }

    /// `torch.fft.ifftshift`: the inverse of `fftshift`, rolling by (n + 1)/2.
    public static func ifftshift(_ input: Tensor, dim: [Int]? = nil) -> Tensor {
        shift(input, dim: dim) { ($0 + 1) / 2 }
    }

    private static func shift(_ input: Tensor, dim: [Int]?, by amount: (Int) -> Int) -> Tensor {
        let dims = (dim ?? Array(0..<input.dim)).map { Shape.normalize($0, rank: input.dim, op: "roll") }
        if dims.isEmpty { return input }
        let shifts = dims.map { amount(input.shape[$0]) }
        // Complex tensors roll through their real view (same dims: the pair dimension is last).
        if input.dtype.isComplex { return input.viewAsReal().roll(shifts, dims: dims).viewAsComplex() }
        return input.roll(shifts, dims: dims)
    }
}

/// Cumulative sums and products along a dim.
///
/// Like PyTorch's CPU kernels, floating scans carry the running value in float64 and round each
/// output once; integer and bool scans run (and return) in int64.
extension Tensor {
    /// `torch.cumsum(self, dim, dtype)`.
    public func cumsum(dim: Int, dtype: DType? = nil) -> Tensor { Scans.scan(self, dim: dim, dtype: dtype, product: false) }

    /// `torch.cumprod(self, dim, dtype)`.
    public func cumprod(dim: Int, dtype: DType? = nil) -> Tensor { Scans.scan(self, dim: dim, dtype: dtype, product: true) }
}

enum Scans {
    static func scan(_ input: Tensor, dim: Int, dtype: DType?, product: Bool) -> Tensor {
        let op = product ? "cumprod" : "cumsum"
        let axis = Shape.normalize(dim, rank: input.dim, op: op)
        let result = Reduction.sumResultDType(input.dtype, dtype)
        let x = input.to(result).to(Reduction.accumulateDType(result))
        let out = Tensor(empty: x.shape, dtype: x.dtype)
        if x.count == 0 { return out.to(result) }
        let n = x.dim == 0 ? 1 : x.shape[axis]
        let (xs, ys) = x.dim == 0 ? (1, 1) : (x.strides[axis], out.strides[axis])
        let xOffsets = rowOffsets(x, excluding: axis), yOffsets = rowOffsets(out, excluding: axis)
        let grain = Swift.max(1, reductionGrain / Swift.max(n, 1))
        func rows<T: TensorElement>(_: T.Type, _ body: (UnsafePointer<T>, UnsafeMutablePointer<T>) -> Void) {
            let px = UnsafePointer(x.storage.data.assumingMemoryBound(to: T.self))
            let py = out.storage.data.assumingMemoryBound(to: T.self)
            parallelFor(xOffsets.count, grain: grain) { range in
                for r in range { body(px + xOffsets[r], py + yOffsets[r]) }
            }
        }
        switch (x.dtype, product) {
        case (.float32, false):
            rows(Float.self) { x, y in
                var acc = 0.0
                for i in 0..<n { acc += Double(x[i * xs]); y[i * ys] = Float(acc) }
            }
        case (.float32, true):
            rows(Float.self) { x, y in
                var acc = 1.0
                for i in 0..<n { acc *= Double(x[i * xs]); y[i * ys] = Float(acc) }
            }
        case (.float64, false):
            rows(Double.self) { x, y in
                var acc = 0.0
                for i in 0..<n { acc += x[i * xs]; y[i * ys] = acc }
            }
        case (.float64, true):
            rows(Double.self) { x, y in
                var acc = 1.0
                for i in 0..<n { acc *= x[i * xs]; y[i * ys] = acc }
            }
        case (_, false):
            rows(Int64.self) { x, y in
                var acc: Int64 = 0
                for i in 0..<n { acc &+= x[i * xs]; y[i * ys] = acc }
            }
        case (_, true):
            rows(Int64.self) { x, y in
                var acc: Int64 = 1
                for i in 0..<n { acc &*= x[i * xs]; y[i * ys] = acc }
            }
        }
        return out.to(result)
    }
}

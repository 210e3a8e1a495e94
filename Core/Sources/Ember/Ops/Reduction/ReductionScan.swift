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
    /// cumsum / cumprod with their backward (`CumsumBackward0`, `CumprodBackward0`).
    static func scan(_ input: Tensor, dim: Int, dtype: DType?, product: Bool) -> Tensor {
        guard Autograd.needsGrad(input) else { return scanForward(input, dim: dim, dtype: dtype, product: product) }
        let out = withNoGrad { scanForward(input, dim: dim, dtype: dtype, product: product) }
        let axis = Shape.normalize(dim, rank: input.dim, op: product ? "cumprod" : "cumsum")
        if !product {
            return Autograd.record("CumsumBackward0", inputs: [input], output: out) { grad, _ in
                if grad.count <= 1 || grad.dim == 0 || grad.shape[axis] == 1 { return [grad] }
                return [ReductionGrad.reversedCumsum(grad, dim: axis)]
            }
        }
        return Autograd.record("CumprodBackward0", inputs: [input], output: out, saving: [input, out]) { grad, saved in
            [cumprodBackward(grad, input: saved[0], output: saved[1], dim: axis)]
        }
    }

    /// `cumprod_backward`: input k receives `Σ_{j≥k} g_j · Π_{i≤j, i≠k} x_i`. Without zeros
    /// that is `reversed_cumsum(g · y) / x`; with zeros, the exclusive products are built
    /// explicitly for each k (O(n²) along the dim, like PyTorch's differentiable path).
    static func cumprodBackward(_ grad: Tensor, input: Tensor, output: Tensor, dim: Int) -> Tensor {
        if input.count <= 1 || input.dim == 0 { return grad }
        let n = input.shape[dim]
        if n == 1 { return grad }
        if ReductionGrad.zeroCount(input) == 0 {
            return ReductionGrad.reversedCumsum(output.mul(grad), dim: dim).div(input)
        }
        var onesShape = input.shape
        onesShape[dim] = 1
        let ones = Tensor.ones(onesShape, dtype: input.dtype)
        var grads: [Tensor] = []
        for k in 0..<n {
            // The product of every input up to j except x_k, for j = k ..< n.
            let omitted: Tensor
            if k == 0 {
                omitted = Tensor.cat([ones, input.narrow(dim, start: 1, length: n - 1).cumprod(dim: dim)], dim: dim)
            } else {
                let untilK = input.narrow(dim, start: 0, length: k).prod(dim: dim, keepDim: true)
                if k == n - 1 {
                    omitted = untilK
                } else {
                    let fromK = input.narrow(dim, start: k + 1, length: n - k - 1).cumprod(dim: dim)
                    omitted = Tensor.cat([untilK, untilK.mul(fromK)], dim: dim)
                }
            }
            grads.append(grad.narrow(dim, start: k, length: n - k).mul(omitted).sum(dim: dim))
        }
        return Tensor.stack(grads, dim: dim)
    }

    static func scanForward(_ input: Tensor, dim: Int, dtype: DType?, product: Bool) -> Tensor {
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

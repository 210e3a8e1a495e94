import CEmberKernels

/// softmax, log_softmax and logsumexp: all shift by the run's maximum before `exp`, so large
/// inputs do not overflow.
extension Tensor {
    /// `torch.softmax(self, dim, dtype)`: `exp(x - max) / sum(exp(x - max))` along `dim`.
    /// The input is converted to `dtype` first when given; floating tensors only.
    public func softmax(dim: Int, dtype: DType? = nil) -> Tensor {
        SoftmaxKernels.softmax(self, dim: dim, dtype: dtype, log: false)
    }

    /// `torch.softmax` as a static function, as `Tensor.softmax(x, dim: 1)`.
    public static func softmax(_ x: Tensor, dim: Int, dtype: DType? = nil) -> Tensor { x.softmax(dim: dim, dtype: dtype) }

    /// `torch.log_softmax(self, dim, dtype)`: `x - max - log(sum(exp(x - max)))` along `dim`.
    public func logSoftmax(dim: Int, dtype: DType? = nil) -> Tensor {
        SoftmaxKernels.softmax(self, dim: dim, dtype: dtype, log: true)
    }

    public static func logSoftmax(_ x: Tensor, dim: Int, dtype: DType? = nil) -> Tensor { x.logSoftmax(dim: dim, dtype: dtype) }

    /// `torch.logsumexp(self, dim, keepdim)`: `log(sum(exp(x)))` over `dims`, computed stably;
    /// integer tensors give float32, as in PyTorch. The logsumexp of no elements is -inf.
    public func logsumexp(dims: [Int], keepDim: Bool = false) -> Tensor {
        SoftmaxKernels.logsumexp(self, dims: dims, keepDim: keepDim)
    }

    public func logsumexp(dim: Int, keepDim: Bool = false) -> Tensor { logsumexp(dims: [dim], keepDim: keepDim) }
}

/// Reduces a run to (max, sum of exp(x - max)) in float64; chunks rescale to a common max.
struct LogSumExpReducer<T: FloatElement>: RunReducer {
    @inline(__always) func reduce(_ p: UnsafePointer<T>, count: Int, stride: Int, start: Int) -> (Double, Double) {
        var m = -Double.infinity
        for i in 0..<count {
            let x = p[i * stride].doubleValue
            if x.isNaN { return (.nan, .nan) }
            if x > m { m = x }
        }
        // An infinite maximum would make x - max NaN; PyTorch shifts by 0 then.
        let shift = m.isInfinite ? 0 : m
        var s = 0.0
        for i in 0..<count { s += Double.exp(p[i * stride].doubleValue - shift) }
        return (shift, s)
    }

    @inline(__always) func combine(_ a: (Double, Double), _ b: (Double, Double)) -> (Double, Double) {
        if a.0.isNaN || b.0.isNaN { return (.nan, .nan) }
        let m = Swift.max(a.0, b.0)
        return (m, a.1 * Double.exp(a.0 - m) + b.1 * Double.exp(b.0 - m))
    }
}

enum SoftmaxKernels {
    /// logsumexp with its backward (`LogsumexpBackward0`): `grad · exp(x - result)`.
    static func logsumexp(_ input: Tensor, dims: [Int], keepDim: Bool) -> Tensor {
        guard Autograd.needsGrad(input) else { return logsumexpForward(input, dims: dims, keepDim: keepDim) }
        let out = withNoGrad { logsumexpForward(input, dims: dims, keepDim: keepDim) }
        let kept = ReductionGrad.keptShape(
            input.shape, reduced: ReductionGrad.reducedDims(rank: input.dim, dims: dims, op: "logsumexp"))
        return Autograd.record("LogsumexpBackward0", inputs: [input], output: out, saving: [input, out]) { grad, saved in
            let grad = ReductionGrad.restoreReduced(grad, keptShape: kept)
            let result = ReductionGrad.restoreReduced(saved[1], keptShape: kept)
            return [grad.mul(saved[0].sub(result).exp())]
        }
    }

    /// softmax / log_softmax with their backward (`SoftmaxBackward0`: `y · (g - Σ g·y)`;
    /// `LogSoftmaxBackward0`: `g - exp(y) · Σ g`), both in terms of the saved output.
    static func softmax(_ input: Tensor, dim: Int, dtype: DType?, log: Bool) -> Tensor {
        guard Autograd.needsGrad(input) else { return softmaxForward(input, dim: dim, dtype: dtype, log: log) }
        let out = withNoGrad { softmaxForward(input, dim: dim, dtype: dtype, log: log) }
        let axis = Shape.normalize(dim, rank: input.dim, op: log ? "log_softmax" : "softmax")
        if log {
            return Autograd.record("LogSoftmaxBackward0", inputs: [input], output: out, saving: [out]) { grad, saved in
                [grad.sub(saved[0].exp().mul(grad.sum(dim: axis, keepDim: true)))]
            }
        }
        return Autograd.record("SoftmaxBackward0", inputs: [input], output: out, saving: [out]) { grad, saved in
            let y = saved[0]
            return [y.mul(grad.sub(grad.mul(y).sum(dim: axis, keepDim: true)))]
        }
    }

    static func logsumexpForward(_ input: Tensor, dims: [Int], keepDim: Bool) -> Tensor {
        let result = input.dtype.isFloatingPoint ? input.dtype : DType.defaultFloat
        let x = input.to(result).to(Reduction.accumulateDType(result))
        let plan = ReducePlan(x, dims: dims, keepDim: keepDim, op: "logsumexp")
        let out = Tensor(empty: plan.outputShape, dtype: .float64)
        let po = out.pointer(as: Double.self)
        let write: (Int, (Double, Double)) -> Void = { po[$0] = Double.log($1.1) + $1.0 }
        if x.dtype == .float32 { plan.run(LogSumExpReducer<Float>(), write) } else { plan.run(LogSumExpReducer<Double>(), write) }
        return out.to(result)
    }

    static func softmaxForward(_ input: Tensor, dim: Int, dtype: DType?, log: Bool) -> Tensor {
        let op = log ? "log_softmax" : "softmax"
        let result = dtype ?? input.dtype
        precondition(
            result.isFloatingPoint,
            "\(op): \"\(op)_lastdim_kernel_impl\" not implemented for '\(result.scalarTypeName)' (input shape \(input.shape))")
        let axis = Shape.normalize(dim, rank: input.dim, op: op)
        let x = input.to(result).to(Reduction.accumulateDType(result))
        let out = Tensor(empty: x.shape, dtype: x.dtype)
        if x.count == 0 { return out.to(result) }
        let n = x.dim == 0 ? 1 : x.shape[axis]
        let (xs, ys) = x.dim == 0 ? (1, 1) : (x.strides[axis], out.strides[axis])
        let xOffsets = rowOffsets(x, excluding: axis), yOffsets = rowOffsets(out, excluding: axis)
        let grain = Swift.max(1, reductionGrain / Swift.max(n, 1))
        func rows<T: FloatElement & SIMDScalar>(_: T.Type, _ body: (UnsafePointer<T>, UnsafeMutablePointer<T>) -> Void) {
            let px = UnsafePointer(x.storage.data.assumingMemoryBound(to: T.self))
            let py = out.storage.data.assumingMemoryBound(to: T.self)
            parallelFor(xOffsets.count, grain: grain) { range in
                for r in range { body(px + xOffsets[r], py + yOffsets[r]) }
            }
        }
        switch x.dtype {
        case .float32 where xs == 1 && ys == 1 && !log:
            rows(Float.self) { ember_reduce_softmax_f32($0, $1, 1, Int64(n)) }
        case .float32:
            rows(Float.self) { rowSoftmax($0, xs, $1, ys, n, log: log) }
        default:
            rows(Double.self) { rowSoftmax($0, xs, $1, ys, n, log: log) }
        }
        return out.to(result)
    }

    @inline(__always)
    static func rowSoftmax<T: FloatElement>(
        _ x: UnsafePointer<T>, _ xs: Int, _ y: UnsafeMutablePointer<T>, _ ys: Int, _ n: Int, log: Bool
    ) {
        var m = -T.infinity
        for i in 0..<n {
            let v = x[i * xs]
            if v > m { m = v }
        }
        var sum: T = 0
        if log {
            for i in 0..<n { sum += T.exp(x[i * xs] - m) }
            let shift = m + T.log(sum)
            for i in 0..<n { y[i * ys] = x[i * xs] - shift }
        } else {
            for i in 0..<n {
                let e = T.exp(x[i * xs] - m)
                y[i * ys] = e
                sum += e
            }
            let inverse = 1 / sum
            for i in 0..<n { y[i * ys] *= inverse }
        }
    }
}

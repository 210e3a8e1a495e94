/// var and std with Bessel's correction.
///
/// Each run is reduced in float64 in two passes (mean, then squared deviations), and chunks of
/// a split run combine with Chan's formula: as accurate as PyTorch's float64 Welford updates.
extension Tensor {
    /// `torch.var(self, dim, correction, keepdim)`: divides the squared deviations by
    /// `max(0, n - correction)`; every dim when `dims` is nil. Floating tensors only.
    public func `var`(dims: [Int]? = nil, correction: Double = 1, keepDim: Bool = false) -> Tensor {
        Moments.variance(self, dims: dims, correction: correction, keepDim: keepDim, sqrt: false, op: "var")
    }

    public func `var`(dim: Int, correction: Double = 1, keepDim: Bool = false) -> Tensor {
        `var`(dims: [dim], correction: correction, keepDim: keepDim)
    }

    /// `torch.var(self, dim, unbiased, keepdim)`: `unbiased` is `correction` 1 or 0.
    public func `var`(dims: [Int]? = nil, unbiased: Bool, keepDim: Bool = false) -> Tensor {
        `var`(dims: dims, correction: unbiased ? 1 : 0, keepDim: keepDim)
    }

    /// `torch.std(self, dim, correction, keepdim)`: the square root of `var`.
    public func std(dims: [Int]? = nil, correction: Double = 1, keepDim: Bool = false) -> Tensor {
        Moments.variance(self, dims: dims, correction: correction, keepDim: keepDim, sqrt: true, op: "std")
    }

    public func std(dim: Int, correction: Double = 1, keepDim: Bool = false) -> Tensor {
        std(dims: [dim], correction: correction, keepDim: keepDim)
    }

    /// `torch.std(self, dim, unbiased, keepdim)`.
    public func std(dims: [Int]? = nil, unbiased: Bool, keepDim: Bool = false) -> Tensor {
        std(dims: dims, correction: unbiased ? 1 : 0, keepDim: keepDim)
    }
}

/// Count, mean and sum of squared deviations of a run (or of several combined runs).
struct MomentsReducer<T: FloatElement>: RunReducer {
    @inline(__always) func reduce(_ p: UnsafePointer<T>, count: Int, stride: Int, start: Int) -> (Double, Double, Double) {
        if count == 0 { return (0, 0, 0) }
        var sum = 0.0
        for i in 0..<count { sum += Double(p[i * stride].doubleValue) }
        let mean = sum / Double(count)
        var m2 = 0.0
        for i in 0..<count {
            let d = p[i * stride].doubleValue - mean
            m2 += d * d
        }
        return (Double(count), mean, m2)
    }

    @inline(__always) func combine(_ a: (Double, Double, Double), _ b: (Double, Double, Double)) -> (Double, Double, Double) {
        let n = a.0 + b.0
        if n == 0 { return a }
        let delta = b.1 - a.1
        return (n, a.1 + delta * b.0 / n, a.2 + b.2 + delta * delta * a.0 * b.0 / n)
    }
}

enum Moments {
    /// var/std with their backward (`VarBackward0`, `StdBackward0`).
    static func variance(_ input: Tensor, dims: [Int]?, correction: Double, keepDim: Bool, sqrt: Bool, op: String) -> Tensor {
        guard Autograd.needsGrad(input) else {
            return varianceForward(input, dims: dims, correction: correction, keepDim: keepDim, sqrt: sqrt, op: op)
        }
        let out = withNoGrad {
            varianceForward(input, dims: dims, correction: correction, keepDim: keepDim, sqrt: sqrt, op: op)
        }
        let reduced = ReductionGrad.reducedDims(rank: input.dim, dims: dims, op: op)
        let kept = ReductionGrad.keptShape(input.shape, reduced: reduced)
        let whole = dims == nil || dims!.isEmpty || input.dim == 0
        if sqrt {
            return Autograd.record("StdBackward0", inputs: [input], output: out, saving: [input, out]) { grad, saved in
                // d std = d var / (2 std), with 0 where std is 0.
                let zero = withNoGrad { saved[1].eq(0) }
                let gradVar = Tensor.where(zero, 0.0, grad.div(saved[1].mul(2)))
                return [varBackward(gradVar, input: saved[0], reduced: reduced, kept: kept, whole: whole, correction: correction)]
            }
        }
        return Autograd.record("VarBackward0", inputs: [input], output: out, saving: [input]) { grad, saved in
            [varBackward(grad, input: saved[0], reduced: reduced, kept: kept, whole: whole, correction: correction)]
        }
    }

    /// `var_backward`: `2 / (n - correction) · grad · (x - mean)`. With no degrees of freedom
    /// left the factor is infinite: NaN where x equals the mean, inf elsewhere, as in PyTorch.
    static func varBackward(_ grad: Tensor, input: Tensor, reduced: [Int], kept: [Int], whole: Bool, correction: Double) -> Tensor {
        let n = Double(reduced.reduce(1) { $0 * input.shape[$1] })
        let dof = n - correction
        if whole {
            let mean = input.mean()
            if dof <= 0 {
                let atMean = withNoGrad { input.eq(mean) }
                return grad.mul(Tensor.where(atMean, .double(.nan), .double(.infinity)).to(input.dtype))
            }
            return grad.mul(input.sub(mean)).mul(.double(2 / dof))
        }
        let grad = ReductionGrad.restoreReduced(grad, keptShape: kept)
        return grad.mul(input.sub(input.mean(dims: reduced, keepDim: true))).mul(.double(2 / dof))
    }

    static func varianceForward(_ input: Tensor, dims: [Int]?, correction: Double, keepDim: Bool, sqrt: Bool, op: String) -> Tensor {
        precondition(
            input.dtype.isFloatingPoint,
            "\(op): std and var only support floating point and complex dtypes, got \(input.dtype) (shape \(input.shape))")
        let x = input.to(Reduction.accumulateDType(input.dtype))
        let plan = ReducePlan(x, dims: dims, keepDim: keepDim, op: op)
        let out = Tensor(empty: plan.outputShape, dtype: .float64)
        let po = out.pointer(as: Double.self)
        let write: (Int, (Double, Double, Double)) -> Void = { o, m in
            let divisor = Swift.max(0, m.0 - correction)
            let v = m.2 / divisor
            po[o] = sqrt ? v.squareRoot() : v
        }
        if x.dtype == .float32 {
            plan.run(MomentsReducer<Float>(), write)
        } else {
            plan.run(MomentsReducer<Double>(), write)
        }
        return out.to(input.dtype)
    }
}

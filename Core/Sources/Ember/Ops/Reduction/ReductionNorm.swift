import Foundation

/// Vector norms (`torch.norm`, `torch.linalg.vector_norm`).

/// The order of a norm: a number p (including `.infinity` and `-.infinity`) or Frobenius.
public enum NormOrder: Sendable, Hashable, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
    case p(Double)
    /// `p="fro"`: the square root of the sum of squares (the 2-norm of the flattened dims).
    case fro

    public static let inf = NormOrder.p(.infinity)
    public static let negativeInf = NormOrder.p(-.infinity)

    public init(floatLiteral value: Double) { self = .p(value) }
    public init(integerLiteral value: Int) { self = .p(Double(value)) }

    var exponent: Double {
        switch self {
        case .p(let p): return p
        case .fro: return 2
        }
    }
}

extension Tensor {
    /// `torch.norm(self, p, dim, keepdim)`: `(sum |x|^p)^(1/p)` over `dims` (every dim when nil);
    /// p = inf is the largest |x|, -inf the smallest, 0 the count of non-zeros. Floating tensors only.
    public func norm(p: NormOrder = 2, dims: [Int]? = nil, keepDim: Bool = false, dtype: DType? = nil) -> Tensor {
        Norms.norm(self, p.exponent, dims: dims, keepDim: keepDim, dtype: dtype)
    }

    public func norm(p: NormOrder = 2, dim: Int, keepDim: Bool = false, dtype: DType? = nil) -> Tensor {
        norm(p: p, dims: [dim], keepDim: keepDim, dtype: dtype)
    }
}

/// Reduces |x| of a run to sum |x|^p (or max / min / non-zero count), in float64.
struct NormReducer<T: FloatElement>: RunReducer {
    let p: Double

    @inline(__always) func reduce(_ ptr: UnsafePointer<T>, count: Int, stride: Int, start: Int) -> Double {
        if p == .infinity {
            var best = 0.0
            for i in 0..<count {
                let a = Swift.abs(ptr[i * stride].doubleValue)
                if a.isNaN { return .nan }
                if a > best { best = a }
            }
            return best
        }
        if p == -.infinity {
            var best = Double.infinity
            for i in 0..<count {
                let a = Swift.abs(ptr[i * stride].doubleValue)
                if a.isNaN { return .nan }
                if a < best { best = a }
            }
            return best
        }
        var total = 0.0
        if p == 0 {
            for i in 0..<count where ptr[i * stride] != 0 { total += 1 }
        } else if p == 1 {
            for i in 0..<count { total += Swift.abs(ptr[i * stride].doubleValue) }
        } else if p == 2 {
            for i in 0..<count {
                let x = ptr[i * stride].doubleValue
                total += x * x
            }
        } else {
            for i in 0..<count { total += Foundation.pow(Swift.abs(ptr[i * stride].doubleValue), p) }
        }
        return total
    }

    @inline(__always) func combine(_ a: Double, _ b: Double) -> Double {
        if p == .infinity { return a.isNaN || b.isNaN ? .nan : Swift.max(a, b) }
        if p == -.infinity { return a.isNaN || b.isNaN ? .nan : Swift.min(a, b) }
        return a + b
    }

    func finish(_ total: Double) -> Double {
        if p == .infinity || p == -.infinity || p == 0 || p == 1 { return total }
        if p == 2 { return total.squareRoot() }
        return Foundation.pow(total, 1 / p)
    }
}

enum Norms {
    /// The norm with its backward (`LinalgVectorNormBackward0`, PyTorch's `norm_backward`).
    static func norm(_ input: Tensor, _ p: Double, dims: [Int]?, keepDim: Bool, dtype: DType?) -> Tensor {
        guard Autograd.needsGrad(input) else { return normForward(input, p, dims: dims, keepDim: keepDim, dtype: dtype) }
        let out = withNoGrad { normForward(input, p, dims: dims, keepDim: keepDim, dtype: dtype) }
        let reduced = ReductionGrad.reducedDims(rank: input.dim, dims: dims, op: "linalg.vector_norm")
        let kept = ReductionGrad.keptShape(input.shape, reduced: reduced)
        return Autograd.record("LinalgVectorNormBackward0", inputs: [input], output: out, saving: [input, out]) { grad, saved in
            [normBackward(grad, input: saved[0], p: p, norm: saved[1], reduced: reduced, kept: kept)]
        }
    }

    /// d‖x‖ₚ/dx per order: sign(x) for p = 1, x/‖x‖ for p = 2 (0 where the norm is 0), the
    /// arg-extremes sharing the gradient for ±inf, `sign(x)|x|^(p-1) / ‖x‖^(p-1)` otherwise;
    /// p = 0 (a count) has no gradient.
    static func normBackward(_ grad: Tensor, input: Tensor, p: Double, norm: Tensor, reduced: [Int], kept: [Int]) -> Tensor? {
        let grad = ReductionGrad.restoreReduced(grad, keptShape: kept)
        let norm = ReductionGrad.restoreReduced(norm, keptShape: kept)
        if p == 0 { return nil }
        if p == 1 { return input.sign().mul(grad) }
        if p == 2 {
            let zero = withNoGrad { norm.eq(0) }
            return grad.mul(Tensor.where(zero, 0.0, input.div(norm)))
        }
        if p.isInfinite {
            let mask = withNoGrad { () -> Tensor in
                let magnitude = input.abs()
                return magnitude.eq(norm).logicalOr(magnitude.isnan()).to(grad.dtype)
            }
            let count = withNoGrad { mask.sum(dims: reduced, keepDim: true) }
            return input.sign().mul(grad.div(count).mul(mask))
        }
        if p < 1 {
            let zero = withNoGrad { input.eq(0) }
            let scaled = input.sign().mul(Tensor.where(zero, 0.0, input.abs().pow(.double(p - 1))))
            return scaled.mul(grad).mul(norm.pow(.double(1 - p)))
        }
        let zeroNorm = withNoGrad { norm.eq(0) }
        let scale = Tensor.where(zeroNorm, 0.0, grad.div(norm.pow(.double(p - 1))))
        if p < 2 { return input.sign().mul(input.abs().pow(.double(p - 1))).mul(scale) }
        return input.mul(input.abs().pow(.double(p - 2))).mul(scale)
    }

    static func normForward(_ input: Tensor, _ p: Double, dims: [Int]?, keepDim: Bool, dtype: DType?) -> Tensor {
        let result = dtype ?? input.dtype
        precondition(
            input.dtype.isFloatingPoint && result.isFloatingPoint,
            "linalg.vector_norm: Expected a floating point or complex tensor as input. Got \(input.dtype.scalarTypeName) (shape \(input.shape))")
        let x = input.to(result).to(Reduction.accumulateDType(result))
        let plan = ReducePlan(x, dims: dims, keepDim: keepDim, op: "linalg.vector_norm")
        if p < 0 || p.isInfinite {
            precondition(
                plan.length > 0 || plan.outputCount == 0,
                "linalg.vector_norm cannot compute the \(p) norm on an empty tensor because the operation does not have an identity (input shape \(input.shape))")
        }
        let out = Tensor(empty: plan.outputShape, dtype: .float64)
        let po = out.pointer(as: Double.self)
        if x.dtype == .float32 {
            let reducer = NormReducer<Float>(p: p)
            plan.run(reducer) { po[$0] = reducer.finish($1) }
        } else {
            let reducer = NormReducer<Double>(p: p)
            plan.run(reducer) { po[$0] = reducer.finish($1) }
        }
        return out.to(result)
    }
}

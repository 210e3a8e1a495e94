/// max/min (all elements, or over a dim with indices), amax/amin, argmax/argmin.
///
/// NaN wins over every number, as in PyTorch: a run holding NaN reduces to NaN, and its index
/// is the first NaN's. Among equal values the first index wins.
extension Tensor {
    /// `torch.max(self)`: the largest element as a 0-d tensor; stops on an empty tensor.
    public func max() -> Tensor { Extremes.values(self, dims: nil, keepDim: false, largest: true, op: "max") }

    /// `torch.min(self)`.
    public func min() -> Tensor { Extremes.values(self, dims: nil, keepDim: false, largest: false, op: "min") }

    /// `torch.max(self, dim, keepdim)`: the largest values along `dim` and their (int64) indices.
    public func max(dim: Int, keepDim: Bool = false) -> (values: Tensor, indices: Tensor) {
        Extremes.withIndices(self, dim: dim, keepDim: keepDim, largest: true, op: "max")
    }

    /// `torch.min(self, dim, keepdim)`.
    public func min(dim: Int, keepDim: Bool = false) -> (values: Tensor, indices: Tensor) {
        Extremes.withIndices(self, dim: dim, keepDim: keepDim, largest: false, op: "min")
    }

    /// `torch.amax(self, dim, keepdim)`: the largest values over `dims` (every dim when empty).
    public func amax(dims: [Int] = [], keepDim: Bool = false) -> Tensor {
        Extremes.values(self, dims: dims, keepDim: keepDim, largest: true, op: "amax")
    }

    public func amax(dim: Int, keepDim: Bool = false) -> Tensor { amax(dims: [dim], keepDim: keepDim) }

    /// `torch.amin(self, dim, keepdim)`.
    public func amin(dims: [Int] = [], keepDim: Bool = false) -> Tensor {
        Extremes.values(self, dims: dims, keepDim: keepDim, largest: false, op: "amin")
    }

    public func amin(dim: Int, keepDim: Bool = false) -> Tensor { amin(dims: [dim], keepDim: keepDim) }

    /// `torch.argmax(self, dim, keepdim)`: int64 indices of the largest values; without `dim`
    /// the index into the flattened tensor.
    public func argmax(dim: Int? = nil, keepDim: Bool = false) -> Tensor {
        Extremes.argIndex(self, dim: dim, keepDim: keepDim, largest: true, op: "argmax")
    }

    /// `torch.argmin(self, dim, keepdim)`.
    public func argmin(dim: Int? = nil, keepDim: Bool = false) -> Tensor {
        Extremes.argIndex(self, dim: dim, keepDim: keepDim, largest: false, op: "argmin")
    }
}

/// Reduces runs to their largest (or smallest) value and its first index.
struct ExtremeReducer<T: ArithmeticElement>: RunReducer {
    let largest: Bool

    @inline(__always) func reduce(_ p: UnsafePointer<T>, count: Int, stride: Int, start: Int) -> (T, Int) {
        var best = p[0], index = 0
        if best != best { return (best, start) }
        if largest {
            for i in 1..<Swift.max(count, 1) {
                let x = p[i * stride]
                if x > best || x != x {
                    best = x
                    index = i
                    if x != x { break }
                }
            }
        } else {
            for i in 1..<Swift.max(count, 1) {
                let x = p[i * stride]
                if x < best || x != x {
                    best = x
                    index = i
                    if x != x { break }
                }
            }
        }
        return (best, start + index)
    }

    @inline(__always) func combine(_ a: (T, Int), _ b: (T, Int)) -> (T, Int) {
        if a.0 != a.0 { return a }
        if b.0 != b.0 { return b }
        if largest { return b.0 > a.0 ? b : a }
        return b.0 < a.0 ? b : a
    }
}

enum Extremes {
    /// Integers and bool compute as int64, half types as float32: both convert back exactly.
    static func computeDType(_ dtype: DType) -> DType { Reduction.accumulateDType(dtype) }

    static func checkNonEmpty(_ input: Tensor, _ plan: ReducePlan, dims: [Int]?, op: String) {
        guard plan.length == 0 else { return }
        if dims == nil || dims!.isEmpty {
            preconditionFailure(
                "\(op)(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument. (input shape \(input.shape))")
        }
        let zero = plan.reducedDims.first { input.shape[$0] == 0 } ?? 0
        preconditionFailure("\(op)(): Expected reduction dim \(zero) to have non-zero size. (input shape \(input.shape))")
    }

    /// Runs the extreme reducer in the compute dtype and writes values and/or indices.
    private static func run(
        _ x: Tensor, _ plan: ReducePlan, largest: Bool, values: Bool, indices: Bool
    ) -> (values: Tensor?, indices: Tensor?) {
        let valueOut = values ? Tensor(empty: plan.outputShape, dtype: x.dtype) : nil
        let indexOut = indices ? Tensor(empty: plan.outputShape, dtype: .int64) : nil
        let pi = indexOut?.pointer(as: Int64.self)
        func go<T: ArithmeticElement>(_: T.Type) {
            let pv = valueOut?.pointer(as: T.self)
            plan.run(ExtremeReducer<T>(largest: largest)) { o, result in
                pv?[o] = result.0
                pi?[o] = Int64(result.1)
            }
        }
        switch x.dtype {
        case .float32: go(Float.self)
        case .float64: go(Double.self)
        default: go(Int64.self)
        }
        return (valueOut, indexOut)
    }

    /// max/min of every element (`MaxBackward1`, `MinBackward1`: ties share the gradient
    /// evenly) and amax/amin (`AmaxBackward0`, `AminBackward0`: likewise per run).
    static func values(_ input: Tensor, dims: [Int]?, keepDim: Bool, largest: Bool, op: String) -> Tensor {
        guard Autograd.needsGrad(input) else {
            return valuesForward(input, dims: dims, keepDim: keepDim, largest: largest, op: op)
        }
        let out = withNoGrad { valuesForward(input, dims: dims, keepDim: keepDim, largest: largest, op: op) }
        if dims == nil {
            return Autograd.record(largest ? "MaxBackward1" : "MinBackward1", inputs: [input], output: out, saving: [input, out]) {
                grad, saved in [ReductionGrad.evenlyDistribute(grad, input: saved[0], value: saved[1])]
            }
        }
        let reduced = ReductionGrad.reducedDims(rank: input.dim, dims: dims, op: op)
        let kept = ReductionGrad.keptShape(input.shape, reduced: reduced)
        return Autograd.record(largest ? "AmaxBackward0" : "AminBackward0", inputs: [input], output: out, saving: [input, out]) {
            grad, saved in
            // `scale_grad_by_count`: every element equal to its run's result shares the gradient.
            let mask = withNoGrad { ReductionGrad.restoreReduced(saved[1], keptShape: kept).eq(saved[0]).to(grad.dtype) }
            let count = withNoGrad { mask.sum(dims: reduced, keepDim: true) }
            return [ReductionGrad.restoreReduced(grad, keptShape: kept).div(count).mul(mask)]
        }
    }

    static func valuesForward(_ input: Tensor, dims: [Int]?, keepDim: Bool, largest: Bool, op: String) -> Tensor {
        UnsignedSupport.reject(input, op)
        let x = input.to(computeDType(input.dtype))
        let plan = ReducePlan(x, dims: dims, keepDim: keepDim, op: op)
        checkNonEmpty(input, plan, dims: dims, op: op)
        return run(x, plan, largest: largest, values: true, indices: false).values!.to(input.dtype)
    }

    /// max/min along a dim with indices (`MaxBackward0`, `MinBackward0`): the gradient goes to
    /// the selected index.
    static func withIndices(_ input: Tensor, dim: Int, keepDim: Bool, largest: Bool, op: String) -> (values: Tensor, indices: Tensor) {
        let needsGrad = Autograd.needsGrad(input)
        UnsignedSupport.reject(input, op)
        let (values, indices) = ReductionGrad.untracked(needsGrad) { () -> (Tensor, Tensor) in
            let x = input.to(computeDType(input.dtype))
            let plan = ReducePlan(x, dims: [dim], keepDim: keepDim, op: op)
            checkNonEmpty(input, plan, dims: [dim], op: op)
            let (values, indices) = run(x, plan, largest: largest, values: true, indices: true)
            return (values!.to(input.dtype), indices!)
        }
        guard needsGrad else { return (values, indices) }
        let axis = Shape.normalize(dim, rank: input.dim, op: op)
        let shape = input.shape
        let recorded = Autograd.record(largest ? "MaxBackward0" : "MinBackward0", inputs: [input], output: values, saving: [indices]) {
            grad, saved in [ReductionGrad.valueSelecting(grad, dim: axis, indices: saved[0], shape: shape, keepDim: keepDim)]
        }
        return (recorded, indices)
    }

    static func argIndex(_ input: Tensor, dim: Int?, keepDim: Bool, largest: Bool, op: String) -> Tensor {
        precondition(input.dtype != .bool, "\(op)(): does not support bool input (shape \(input.shape))")
        UnsignedSupport.reject(input, op)
        let x = input.to(computeDType(input.dtype))
        let plan = ReducePlan(x, dims: dim.map { [$0] }, keepDim: keepDim, op: op)
        checkNonEmpty(input, plan, dims: dim.map { [$0] }, op: op)
        return run(x, plan, largest: largest, values: false, indices: true).indices!
    }
}

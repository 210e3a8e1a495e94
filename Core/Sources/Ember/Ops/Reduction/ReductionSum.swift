/// sum, mean, prod and count_nonzero.
///
/// Reductions compute in float32 (for float32 and the half types, which round once at the
/// end, as PyTorch's CPU kernels accumulate them in float32), float64 or int64.
extension Tensor {
    /// `torch.sum(self, dtype=dtype)`: the sum of all elements as a 0-d tensor. Integer and bool
    /// tensors sum to int64 unless `dtype` says otherwise; the sum of no elements is 0.
    public func sum(dtype: DType? = nil) -> Tensor { Reduction.sum(self, dims: nil, keepDim: false, dtype: dtype) }

    /// `torch.sum(self, dim, keepdim, dtype)`.
    public func sum(dim: Int, keepDim: Bool = false, dtype: DType? = nil) -> Tensor {
        Reduction.sum(self, dims: [dim], keepDim: keepDim, dtype: dtype)
    }

    /// `torch.sum(self, dims, keepdim, dtype)` over several dims.
    public func sum(dims: [Int], keepDim: Bool = false, dtype: DType? = nil) -> Tensor {
        Reduction.sum(self, dims: dims, keepDim: keepDim, dtype: dtype)
    }

    /// `torch.mean(self, dtype=dtype)`: floating tensors only, as in PyTorch; empty gives NaN.
    public func mean(dtype: DType? = nil) -> Tensor { Reduction.mean(self, dims: nil, keepDim: false, dtype: dtype) }

    /// `torch.mean(self, dim, keepdim, dtype)`.
    public func mean(dim: Int, keepDim: Bool = false, dtype: DType? = nil) -> Tensor {
        Reduction.mean(self, dims: [dim], keepDim: keepDim, dtype: dtype)
    }

    /// `torch.mean(self, dims, keepdim, dtype)` over several dims.
    public func mean(dims: [Int], keepDim: Bool = false, dtype: DType? = nil) -> Tensor {
        Reduction.mean(self, dims: dims, keepDim: keepDim, dtype: dtype)
    }

    /// `torch.prod(self, dtype=dtype)`: integer and bool tensors multiply in int64 (wrapping).
    public func prod(dtype: DType? = nil) -> Tensor { Reduction.prod(self, dims: nil, keepDim: false, dtype: dtype) }

    /// `torch.prod(self, dim, keepdim, dtype)`.
    public func prod(dim: Int, keepDim: Bool = false, dtype: DType? = nil) -> Tensor {
        Reduction.prod(self, dims: [dim], keepDim: keepDim, dtype: dtype)
    }

    /// `torch.count_nonzero(self)`: int64; NaN counts as non-zero.
    public func countNonzero() -> Tensor { Reduction.sum(to(.bool), dims: nil, keepDim: false, dtype: nil) }

    /// `torch.count_nonzero(self, dim)`.
    public func countNonzero(dim: Int) -> Tensor { Reduction.sum(to(.bool), dims: [dim], keepDim: false, dtype: nil) }

    /// `torch.count_nonzero(self, dims)`.
    public func countNonzero(dims: [Int]) -> Tensor { Reduction.sum(to(.bool), dims: dims, keepDim: false, dtype: nil) }
}

/// The shared entry points of the reductions (dtype rules, then one dispatch into a kernel).
enum Reduction {
    /// PyTorch's result dtype for sum/prod: integers and bool widen to int64.
    static func sumResultDType(_ input: DType, _ requested: DType?) -> DType {
        if let requested { return requested }
        return input.isFloatingPoint || input.isComplex ? input : .int64
    }

    /// The dtype a reduction computes in for `dtype`: float32, float64 or int64.
    static func accumulateDType(_ dtype: DType) -> DType {
        precondition(!dtype.isFloat8, Float8Support.unsupported("reductions (sum, mean, max, sort, ...)", dtype))
        // Complex sum and mean go through ComplexReduction; no other reduction has a complex kernel.
        precondition(!dtype.isComplex, ComplexSupport.unsupported("reduce", dtype) + " (complex tensors support sum and mean)")
        // Reductions with a uint16/32/64 kernel (sum, prod, cumsum: int64 results; sort, unique)
        // convert before they get here; the others have none, as in PyTorch.
        precondition(!dtype.isBarebonesUnsigned, UnsignedSupport.unsupported("reduce", dtype))
        if dtype == .float64 { return .float64 }
        return dtype.isFloatingPoint ? .float32 : .int64
    }

    /// A new contiguous tensor of `shape` written by `fill(pointer)`.
    static func output<T: TensorElement>(_ shape: [Int], _: T.Type, _ fill: (UnsafeMutablePointer<T>) -> Void) -> Tensor {
        let out = Tensor(empty: shape, dtype: T.dtype)
        fill(out.pointer(as: T.self))
        return out
    }

    /// `sum` with its backward (`SumBackward0` over every dim, `SumBackward1` over `dims`):
    /// the gradient broadcast back over the reduced dims.
    static func sum(_ input: Tensor, dims: [Int]?, keepDim: Bool, dtype: DType?) -> Tensor {
        if input.dtype.isComplex || dtype?.isComplex == true {
            return ComplexReduction.sum(input, dims: dims, keepDim: keepDim, dtype: dtype, mean: false)
        }
        guard Autograd.needsGrad(input) else { return sumForward(input, dims: dims, keepDim: keepDim, dtype: dtype) }
        let out = withNoGrad { sumForward(input, dims: dims, keepDim: keepDim, dtype: dtype) }
        let shape = input.shape
        let kept = ReductionGrad.keptShape(shape, reduced: ReductionGrad.reducedDims(rank: input.dim, dims: dims, op: "sum"))
        return Autograd.record(dims == nil ? "SumBackward0" : "SumBackward1", inputs: [input], output: out) { grad, _ in
            [ReductionGrad.restoreReduced(grad, keptShape: kept).expand(shape)]
        }
    }

    static func sumForward(_ input: Tensor, dims: [Int]?, keepDim: Bool, dtype: DType?) -> Tensor {
        let result = sumResultDType(input.dtype, dtype)
        let x = input.to(result).to(accumulateDType(result))
        let plan = ReducePlan(x, dims: dims, keepDim: keepDim, op: "sum")
        let out: Tensor
        switch x.dtype {
        case .float32: out = output(plan.outputShape, Float.self) { o in plan.run(FloatSumReducer<Float>()) { o[$0] = $1 } }
        case .float64: out = output(plan.outputShape, Double.self) { o in plan.run(FloatSumReducer<Double>()) { o[$0] = $1 } }
        default: out = output(plan.outputShape, Int64.self) { o in plan.run(IntSumReducer()) { o[$0] = $1 } }
        }
        return out.to(result)
    }

    /// `mean` with its backward (`MeanBackward0`/`MeanBackward1`): the gradient divided by
    /// the count and broadcast back.
    static func mean(_ input: Tensor, dims: [Int]?, keepDim: Bool, dtype: DType?) -> Tensor {
        if input.dtype.isComplex || dtype?.isComplex == true {
            return ComplexReduction.sum(input, dims: dims, keepDim: keepDim, dtype: dtype, mean: true)
        }
        guard Autograd.needsGrad(input) else { return meanForward(input, dims: dims, keepDim: keepDim, dtype: dtype) }
        let out = withNoGrad { meanForward(input, dims: dims, keepDim: keepDim, dtype: dtype) }
        let shape = input.shape
        let reduced = ReductionGrad.reducedDims(rank: input.dim, dims: dims, op: "mean")
        let kept = ReductionGrad.keptShape(shape, reduced: reduced)
        let n = reduced.reduce(1) { $0 * shape[$1] }
        return Autograd.record(dims == nil ? "MeanBackward0" : "MeanBackward1", inputs: [input], output: out) { grad, _ in
            [ReductionGrad.restoreReduced(grad, keptShape: kept).expand(shape).div(.int(Int64(n)))]
        }
    }

    static func meanForward(_ input: Tensor, dims: [Int]?, keepDim: Bool, dtype: DType?) -> Tensor {
        let result = dtype ?? input.dtype
        precondition(
            result.isFloatingPoint,
            "mean(): could not infer output dtype. \(dtype == nil ? "Input" : "Optional") dtype must be either a floating point or complex dtype. Got: \(result.scalarTypeName)")
        let x = input.to(result).to(accumulateDType(result))
        let plan = ReducePlan(x, dims: dims, keepDim: keepDim, op: "mean")
        let n = plan.length
        let out: Tensor
        // PyTorch divides the finished sum by the count (not a running mean).
        if x.dtype == .float32 {
            out = output(plan.outputShape, Float.self) { o in
                plan.run(FloatSumReducer<Float>()) { o[$0] = $1 / Float(n) }
            }
        } else {
            out = output(plan.outputShape, Double.self) { o in
                plan.run(FloatSumReducer<Double>()) { o[$0] = $1 / Double(n) }
            }
        }
        return out.to(result)
    }

    /// `prod` with its backward (`ProdBackward0` over every element, `ProdBackward1` along a
    /// dim): `grad * result / input` without zeros, exclusive products when there are some.
    static func prod(_ input: Tensor, dims: [Int]?, keepDim: Bool, dtype: DType?) -> Tensor {
        guard Autograd.needsGrad(input) else { return prodForward(input, dims: dims, keepDim: keepDim, dtype: dtype) }
        let out = withNoGrad { prodForward(input, dims: dims, keepDim: keepDim, dtype: dtype) }
        guard let dims else {
            return Autograd.record("ProdBackward0", inputs: [input], output: out, saving: [input, out]) { grad, saved in
                [prodBackward(grad, input: saved[0], result: saved[1])]
            }
        }
        let axis = Shape.normalize(dims[0], rank: input.dim, op: "prod")
        return Autograd.record("ProdBackward1", inputs: [input], output: out, saving: [input, out]) { grad, saved in
            [prodBackward(grad, input: saved[0], result: saved[1], dim: axis, keepDim: keepDim)]
        }
    }

    /// The gradient of the product of every element.
    static func prodBackward(_ grad: Tensor, input: Tensor, result: Tensor) -> Tensor {
        if input.dim == 0 { return grad }
        let zeros = ReductionGrad.zeroCount(input)
        if zeros == 0 { return grad.mul(result.div(input)) }
        // Two zeros or more make every partial product zero; only a graph for second
        // derivatives needs the general formula.
        if zeros > 1 && !GradMode.isEnabled { return Tensor.zeros(input.shape, dtype: grad.dtype) }
        return ReductionGrad.prodSafeZeros(grad, input: input.reshape([-1]), dim: 0).reshape(input.shape)
    }

    /// The gradient of the product along `dim`.
    static func prodBackward(_ grad: Tensor, input: Tensor, result: Tensor, dim: Int, keepDim: Bool) -> Tensor {
        if input.dim == 0 { return grad }
        var grad = grad, result = result
        if !keepDim {
            grad = grad.unsqueeze(dim)
            result = result.unsqueeze(dim)
        }
        if ReductionGrad.zeroCount(input) == 0 { return grad.mul(result.div(input)) }
        return ReductionGrad.prodSafeZeros(grad, input: input, dim: dim)
    }

    static func prodForward(_ input: Tensor, dims: [Int]?, keepDim: Bool, dtype: DType?) -> Tensor {
        let result = sumResultDType(input.dtype, dtype)
        let x = input.to(result).to(accumulateDType(result))
        let plan = ReducePlan(x, dims: dims, keepDim: keepDim, op: "prod")
        let out: Tensor
        switch x.dtype {
        case .float32:
            out = output(plan.outputShape, Float.self) { o in plan.run(ProdReducer<Float>(multiply: *)) { o[$0] = $1 } }
        case .float64:
            out = output(plan.outputShape, Double.self) { o in plan.run(ProdReducer<Double>(multiply: *)) { o[$0] = $1 } }
        default:
            out = output(plan.outputShape, Int64.self) { o in plan.run(ProdReducer<Int64>(multiply: &*)) { o[$0] = $1 } }
        }
        return out.to(result)
    }
}

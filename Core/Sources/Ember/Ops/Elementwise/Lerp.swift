/// `lerp`: linear interpolation start + weight * (end - start), in PyTorch's form that is exact
/// at both ends (weight 0 gives start, weight 1 gives end).

@inline(__always) func lerpValue<T: FloatElement>(_ start: T, _ end: T, _ weight: T) -> T {
    weight.magnitude < 0.5 ? start + weight * (end - start) : end - (end - start) * (1 - weight)
}

private struct LerpKernel: DTypeVisitor {
    let start: Tensor, end: Tensor, weight: Tensor, result: Tensor
    func visit<T: TensorElement>(_: T.Type) {
        switch T.self {
        case is Float.Type: Elementwise.map(start, end, weight, into: result) { (a: Float, b: Float, w: Float) in lerpValue(a, b, w) }
        case is Double.Type: Elementwise.map(start, end, weight, into: result) { (a: Double, b: Double, w: Double) in lerpValue(a, b, w) }
        default: preconditionFailure("lerp: no kernel for \(T.dtype)")
        }
    }
}

extension Tensor {
    /// `torch.lerp(self, end, weight)` with a scalar weight. Floating tensors of one dtype.
    public func lerp(_ end: Tensor, weight: Scalar) -> Tensor {
        lerp(end, weight: Tensor(scalar: weight, dtype: dtype), out: nil)
    }
    /// `torch.lerp(self, end, weight)` with a tensor weight, broadcasting all three.
    public func lerp(_ end: Tensor, weight: Tensor) -> Tensor { lerp(end, weight: weight, out: nil) }

    @discardableResult public func lerp_(_ end: Tensor, weight: Scalar) -> Tensor {
        lerp(end, weight: Tensor(scalar: weight, dtype: dtype), out: self)
    }
    @discardableResult public func lerp_(_ end: Tensor, weight: Tensor) -> Tensor { lerp(end, weight: weight, out: self) }

    private func lerp(_ end: Tensor, weight: Tensor, out: Tensor?) -> Tensor {
        precondition(dtype.isFloatingPoint, "lerp: \"lerp_kernel_scalar\" not implemented for '\(dtype.scalarTypeName)'")
        precondition(end.dtype == dtype, "lerp: expected dtype \(dtype) for `end` but got dtype \(end.dtype)")
        precondition(weight.dtype == dtype, "lerp: expected dtype \(dtype) for `weight` but got dtype \(weight.dtype)")
        let shape = Shape.broadcast(Shape.broadcast(self.shape, end.shape, op: "lerp"), weight.shape, op: "lerp")
        if let out {
            precondition(shape == out.shape, "lerp: output with shape \(out.shape) doesn't match the broadcast shape \(shape)")
        }
        let compute = dtype.computeDType
        let a = to(compute), b = end.to(compute), w = weight.to(compute)
        let writesDirectly = out?.dtype == compute
        let result = writesDirectly ? out! : Elementwise.makeOutput(shape: shape, dtype: compute, like: [a, b, w])
        let (sa, sb, sw) = writesDirectly ? (a.overlapSafe(with: result), b.overlapSafe(with: result), w.overlapSafe(with: result)) : (a, b, w)
        compute.visit(LerpKernel(start: sa, end: sb, weight: sw, result: result))
        if let out {
            if !writesDirectly { copyCast(from: result, into: out) }
            out.storage.bumpVersion()
            return out
        }
        return result.to(dtype)
    }
}

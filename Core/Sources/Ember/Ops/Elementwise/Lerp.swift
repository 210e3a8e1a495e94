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
    /// Gradients: grad (1 - weight) for `self`, grad weight for `end`.
    public func lerp(_ end: Tensor, weight: Scalar) -> Tensor {
        guard ElementwiseAutograd.needed(self, end) else { return lerp(end, weight: scalarWeight(weight), out: nil) }
        let out = withNoGrad { lerp(end, weight: scalarWeight(weight), out: nil) }
        let (da, db) = (impl.requiresGrad, end.impl.requiresGrad)
        let w = weight.doubleValue
        return Autograd.record("LerpBackward0", inputs: [self, end], output: out) { grad, _ in
            [da ? grad.mul(.double(1 - w)) : nil, db ? grad.mul(.double(w)) : nil]
        }
    }
    /// `torch.lerp(self, end, weight)` with a tensor weight, broadcasting all three. The
    /// weight's gradient is grad (end - self).
    public func lerp(_ end: Tensor, weight: Tensor) -> Tensor {
        guard ElementwiseAutograd.needed(self, end, weight) else { return lerp(end, weight: weight, out: nil) }
        let out = withNoGrad { lerp(end, weight: weight, out: nil) }
        let (da, db, dw) = (impl.requiresGrad, end.impl.requiresGrad, weight.impl.requiresGrad)
        return Autograd.record("LerpBackward1", inputs: [self, end, weight], output: out, saving: [self, end, weight]) { grad, saved in
            let (start, finish, w) = (saved[0], saved[1], saved[2])
            return [
                da ? grad.mul(1 - w) : nil, db ? grad.mul(w) : nil, dw ? grad.mul(finish.sub(start)) : nil,
            ]
        }
    }

    @discardableResult public func lerp_(_ end: Tensor, weight: Scalar) -> Tensor {
        inPlaceOp("lerp_", end, raw: { _ = lerp(end, weight: scalarWeight(weight), out: self) }) { $0.lerp(end, weight: weight) }
    }

    /// A scalar weight stays in the compute dtype (float32 for half tensors), as PyTorch keeps
    /// it: rounding 0.8 to float16 first would move the result by an ulp.
    private func scalarWeight(_ weight: Scalar) -> Tensor {
        precondition(dtype.isFloatingPoint, "lerp: \"lerp_kernel_scalar\" not implemented for '\(dtype.scalarTypeName)'")
        return Tensor(scalar: weight, dtype: dtype.computeDType)
    }
    @discardableResult public func lerp_(_ end: Tensor, weight: Tensor) -> Tensor {
        inPlaceOp("lerp_", end, weight, raw: { _ = lerp(end, weight: weight, out: self) }) { $0.lerp(end, weight: weight) }
    }

    private func lerp(_ end: Tensor, weight: Tensor, out: Tensor?) -> Tensor {
        precondition(dtype.isFloatingPoint, "lerp: \"lerp_kernel_scalar\" not implemented for '\(dtype.scalarTypeName)'")
        precondition(end.dtype == dtype, "lerp: expected dtype \(dtype) for `end` but got dtype \(end.dtype)")
        precondition(weight.dtype == dtype || (weight.dim == 0 && weight.dtype == dtype.computeDType), "lerp: expected dtype \(dtype) for `weight` but got dtype \(weight.dtype)")
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

/// Autograd plumbing shared by the elementwise ops.
///
/// Every differentiable elementwise op follows one pattern: compute the result as before and
/// return it when no input needs grad (the checks here are a few loads, so small ops stay
/// cheap); otherwise compute it inside `withNoGrad` (so that internal casts and scalings do not
/// leave stray nodes) and record one node with PyTorch's name and formula. Backward closures
/// are written in differentiable tensor ops, so `createGraph: true` gives second derivatives.
enum ElementwiseAutograd {
    /// True when an op on `a` records history. Tests the tensor first: most tensors never
    /// took part in autograd, and that test is one load.
    @inline(__always)
    static func needed(_ a: Tensor) -> Bool {
        a.impl.requiresGrad && GradMode.isEnabled
    }

    @inline(__always)
    static func needed(_ a: Tensor, _ b: Tensor) -> Bool {
        (a.impl.requiresGrad || b.impl.requiresGrad) && GradMode.isEnabled
    }

    @inline(__always)
    static func needed(_ a: Tensor, _ b: Tensor, _ c: Tensor) -> Bool {
        (a.impl.requiresGrad || b.impl.requiresGrad || c.impl.requiresGrad) && GradMode.isEnabled
    }

    /// True when an in-place op on `target` must go through `Autograd.inPlace`: the target,
    /// the base it views, or another operand takes part in autograd.
    @inline(__always)
    static func neededInPlace(_ target: Tensor, _ a: Tensor? = nil, _ b: Tensor? = nil) -> Bool {
        guard target.impl.requiresGrad || target.impl.viewBase?.requiresGrad == true
            || a?.impl.requiresGrad == true || b?.impl.requiresGrad == true
        else { return false }
        return GradMode.isEnabled
    }
}

extension Tensor {
    /// Runs an in-place elementwise op: `raw` when no history is needed, else the op as
    /// `Autograd.inPlace`, with `differentiable` computing the new value from a copy of the
    /// old one (so the node is the out-of-place op's, as PyTorch names it: `MulBackward0`).
    @inline(__always)
    @discardableResult
    func inPlaceOp(
        _ name: String, _ a: Tensor? = nil, _ b: Tensor? = nil, raw: () -> Void,
        _ differentiable: (Tensor) -> Tensor
    ) -> Tensor {
        guard ElementwiseAutograd.neededInPlace(self, a, b) else {
            raw()
            return self
        }
        let others = [a, b].compactMap { $0 }
        return Autograd.inPlace(self, others: others, name: name, inPlace: raw, outOfPlace: differentiable)
    }

    /// Records a one-input op whose gradient is `backward(grad, saved)`, where `saved` is the
    /// input or the output as `saving` says. Call after checking `ElementwiseAutograd.needed`.
    func recordUnary(
        _ name: String, _ out: Tensor, saving: SavedValue,
        _ backward: @escaping (_ grad: Tensor, _ saved: Tensor) -> Tensor
    ) -> Tensor {
        switch saving {
        case .nothing:
            return Autograd.record(name, inputs: [self], output: out) { grad, _ in [backward(grad, grad)] }
        case .input:
            return Autograd.record(name, inputs: [self], output: out, saving: [self]) { grad, saved in
                [backward(grad, saved[0])]
            }
        case .output:
            return Autograd.record(name, inputs: [self], output: out, saving: [out]) { grad, saved in
                [backward(grad, saved[0])]
            }
        }
    }

    /// A one-input differentiable op: `forward()` alone without grad; with grad, computed
    /// without recording its internals, then recorded as one node.
    @inline(__always)
    func unaryOp(
        _ name: String, saving: SavedValue, _ forward: () -> Tensor,
        backward: @escaping (_ grad: Tensor, _ saved: Tensor) -> Tensor
    ) -> Tensor {
        guard ElementwiseAutograd.needed(self) else { return forward() }
        let out = withNoGrad(forward)
        return recordUnary(name, out, saving: saving, backward)
    }

    /// A step function (floor, sign, ...): its gradient is zero wherever it is defined, and
    /// PyTorch still records a node so that the input's `.grad` becomes zeros.
    @inline(__always)
    func zeroGradOp(_ name: String, _ forward: () -> Tensor) -> Tensor {
        unaryOp(name, saving: .nothing, forward) { grad, _ in Tensor.zerosLike(grad) }
    }
}

/// Which tensor a one-input op keeps for backward. PyTorch keeps the output where the
/// derivative is cheapest from it (exp, sigmoid, tanh, sqrt...) and the input otherwise.
enum SavedValue {
    case nothing, input, output
}

extension Scalar {
    /// True for 1 of any kind (PyTorch skips multiplying a gradient by an alpha of 1).
    var isOne: Bool { doubleValue == 1 }
}

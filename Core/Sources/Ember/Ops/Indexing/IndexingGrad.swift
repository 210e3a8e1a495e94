/// Autograd helpers shared by the indexing ops: the cheap check in front of in-place ops,
/// and the shape fix-ups that gradients of gather/scatter need.
enum IndexingAutograd {
    /// True when an in-place op on `target` must go through `Autograd.inPlace`: grad mode is
    /// on and the target, the base it views, or an operand takes part in autograd. A few
    /// loads, so the no-grad path stays as fast as the raw kernel.
    @inline(__always)
    static func neededInPlace(_ target: Tensor, _ other: Tensor? = nil) -> Bool {
        guard target.impl.requiresGrad || target.impl.viewBase?.requiresGrad == true || other?.impl.requiresGrad == true
        else { return false }
        return GradMode.isEnabled
    }
}

extension Tensor {
    /// The leading block of `t` with `shape` (each dim narrowed from 0): the part of a
    /// scatter source that an index no larger than it actually reads.
    static func leadingBlock(_ t: Tensor, _ shape: [Int]) -> Tensor {
        var block = t
        for d in 0..<shape.count where block.shape[d] != shape[d] {
            block = block.narrow(d, start: 0, length: shape[d])
        }
        return block
    }

    /// `grad` (index-shaped) placed in the leading block of zeros of `shape`: the gradient
    /// of a scatter source larger than its index (the elements it never read get zero).
    static func padToShape(_ grad: Tensor, _ shape: [Int]) -> Tensor {
        if grad.shape == shape || shape.isEmpty { return grad }
        let block = grad.shape
        return scatterIntoZeros(grad, shape: shape) { leadingBlock($0, block) }
    }

    /// The gradients of `scatter(dim, index, source, reduce: .multiply)` for the input and
    /// the source (PyTorch's `scatter_reduce` "prod" formula, exact when sources are zero).
    static func scatterMultiplyBackward(
        _ grad: Tensor, input: Tensor, index: Tensor, source: Tensor, result: Tensor, axis: Int
    ) -> [Tensor?] {
        let sourceShape = source.shape
        let source = leadingBlock(source, index.shape)
        // The input's elements were multiplied by the product of what landed on them.
        let factor = Tensor.ones(input.shape, dtype: grad.dtype).scatter(axis, index, source, reduce: .multiply)
        // A source element's product of the others: result / itself, except where it is the
        // only zero at its position (then the product of the others is computed with it as 1).
        let (isZero, singleZero) = withNoGrad { () -> (Tensor, Tensor) in
            let isZero = source.eq(0)
            let zeros = Tensor.zeros(input.shape, dtype: grad.dtype).scatterAdd(axis, index, isZero.to(grad.dtype))
            return (isZero, isZero.logicalAnd(zeros.gather(axis, index).eq(1)))
        }
        let maskedResult = input.scatter(axis, index, Tensor.where(singleZero, 1.0, source), reduce: .multiply)
        let regular = grad.mul(result).gather(axis, index).div(Tensor.where(isZero, 1.0, source))
        let gradSource = Tensor.where(singleZero, grad.mul(maskedResult).gather(axis, index), regular)
        return [grad.mul(factor), padToShape(gradSource, sourceShape)]
    }
}

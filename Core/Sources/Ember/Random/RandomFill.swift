/// Serial filling in PyTorch's element order: a nullary TensorIterator visits a tensor in
/// memory order (dims sorted by stride), which `StridedLoop` reproduces for one operand.
/// Draws must not be spread over threads, or the numbers would depend on the thread count.
extension Tensor {
    func fillSerially<T: TensorElement>(_: T.Type, _ next: () -> T) {
        let p = pointer(as: T.self)
        if isContiguous {
            for i in 0..<count { p[i] = next() }
            return
        }
        let loop = StridedLoop(shape: shape, strides: [strides])
        let s = loop.innerStrides[0]
        loop.forEachRun(grain: Int.max) { offsets, n in
            let o = p + offsets[0]
            for i in 0..<n { o[i * s] = next() }
        }
    }

    /// Like `fillSerially`, reading one input element (broadcast to `self`) per output element.
    func fillSerially<T: TensorElement, P: TensorElement>(_: T.Type, reading input: Tensor, _: P.Type, _ next: (P) -> T) {
        let p = pointer(as: T.self), q = input.pointer(as: P.self)
        let loop = StridedLoop(
            shape: shape,
            strides: [strides, Shape.broadcastStrides(shape: input.shape, strides: input.strides, to: shape)])
        let s = loop.innerStrides
        loop.forEachRun(grain: Int.max) { offsets, n in
            let o = p + offsets[0], x = q + offsets[1]
            for i in 0..<n { o[i * s[0]] = next(x[i * s[1]]) }
        }
    }
}

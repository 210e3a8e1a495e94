/// Generic elementwise kernels over `StridedLoop` runs. Ops call these with a closure on
/// elements; the closure is inlined into each specialisation, and contiguous runs become
/// plain loops over pointers that the compiler vectorises.
enum Elementwise {
    /// Allocates the output of an elementwise op: the layout of `like` when it is a dense
    /// permutation (so transposed inputs give transposed outputs, as in PyTorch), else row-major.
    static func makeOutput(shape: [Int], dtype: DType, like inputs: [Tensor]) -> Tensor {
        if let first = inputs.first, first.shape == shape, !first.isContiguous,
            let strides = denseStrides(shape: first.shape, strides: first.strides)
        {
            let storage = Storage(byteCount: shape.reduce(1, *) * dtype.itemSize)
            return Tensor(storage: storage, dtype: dtype, shape: shape, strides: strides, offset: 0)
        }
        return Tensor(empty: shape, dtype: dtype)
    }

    /// Contiguous strides in the memory order of `strides` when the layout is a permutation
    /// of a dense tensor; nil for overlapping or gapped layouts.
    static func denseStrides(shape: [Int], strides: [Int]) -> [Int]? {
        let order = shape.indices.sorted { strides[$0] > strides[$1] || (strides[$0] == strides[$1] && $0 < $1) }
        var result = [Int](repeating: 0, count: shape.count)
        var expected = 1
        for d in order.reversed() {
            if shape[d] != 1 && strides[d] != expected { return nil }
            result[d] = expected
            expected *= shape[d]
        }
        return result
    }

    @inline(__always)
    static func map<A: TensorElement, R: TensorElement>(
        _ a: Tensor, into out: Tensor, _ f: (A) -> R
    ) {
        let pa = a.pointer(as: A.self), po = out.pointer(as: R.self)
        let loop = StridedLoop(
            shape: out.shape,
            strides: [out.strides, Shape.broadcastStrides(shape: a.shape, strides: a.strides, to: out.shape)])
        let s = loop.innerStrides
        let (so, sa) = (s[0], s[1])
        loop.forEachRun(anyOrder: true) { offsets, n in
            let o = po + offsets[0], x = pa + offsets[1]
            if so == 1 && sa == 1 {
                for i in 0..<n { o[i] = f(x[i]) }
            } else {
                for i in 0..<n { o[i * so] = f(x[i * sa]) }
            }
        }
    }

    @inline(__always)
    static func map<A: TensorElement, B: TensorElement, R: TensorElement>(
        _ a: Tensor, _ b: Tensor, into out: Tensor, _ f: (A, B) -> R
    ) {
        let pa = a.pointer(as: A.self), pb = b.pointer(as: B.self), po = out.pointer(as: R.self)
        let loop = StridedLoop(
            shape: out.shape,
            strides: [
                out.strides,
                Shape.broadcastStrides(shape: a.shape, strides: a.strides, to: out.shape),
                Shape.broadcastStrides(shape: b.shape, strides: b.strides, to: out.shape),
            ])
        let s = loop.innerStrides
        let (so, sa, sb) = (s[0], s[1], s[2])
        loop.forEachRun(anyOrder: true) { offsets, n in
            let o = po + offsets[0], x = pa + offsets[1], y = pb + offsets[2]
            if so == 1 && sa == 1 && sb == 1 {
                for i in 0..<n { o[i] = f(x[i], y[i]) }
            } else if so == 1 && sa == 1 && sb == 0 {
                let c = y[0]
                for i in 0..<n { o[i] = f(x[i], c) }
            } else {
                for i in 0..<n { o[i * so] = f(x[i * sa], y[i * sb]) }
            }
        }
    }

    @inline(__always)
    static func map<A: TensorElement, B: TensorElement, C: TensorElement, R: TensorElement>(
        _ a: Tensor, _ b: Tensor, _ c: Tensor, into out: Tensor, _ f: (A, B, C) -> R
    ) {
        let pa = a.pointer(as: A.self), pb = b.pointer(as: B.self), pc = c.pointer(as: C.self)
        let po = out.pointer(as: R.self)
        let loop = StridedLoop(
            shape: out.shape,
            strides: [
                out.strides,
                Shape.broadcastStrides(shape: a.shape, strides: a.strides, to: out.shape),
                Shape.broadcastStrides(shape: b.shape, strides: b.strides, to: out.shape),
                Shape.broadcastStrides(shape: c.shape, strides: c.strides, to: out.shape),
            ])
        let s = loop.innerStrides
        loop.forEachRun(anyOrder: true) { offsets, n in
            let o = po + offsets[0], x = pa + offsets[1], y = pb + offsets[2], z = pc + offsets[3]
            for i in 0..<n { o[i * s[0]] = f(x[i * s[1]], y[i * s[2]], z[i * s[3]]) }
        }
    }
}

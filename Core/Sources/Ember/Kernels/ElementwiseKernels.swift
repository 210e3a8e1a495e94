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

    // The per-element function is a type, not a closure value: a closure captured by the
    // run body that crosses the thread pool stays an indirect call per element (measured 16×
    // slower than the inlined loop), while a generic function type is specialised into the
    // body, inlined and vectorised. Closure-taking overloads below wrap their closure for the
    // call sites that are not hot.

    @inline(__always)
    static func map<F: ElementFunction1>(_ a: Tensor, into out: Tensor, _ f: F) {
        let pa = a.pointer(as: F.A.self), po = out.pointer(as: F.R.self)
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
    static func map<F: ElementFunction2>(_ a: Tensor, _ b: Tensor, into out: Tensor, _ f: F) {
        let pa = a.pointer(as: F.A.self), pb = b.pointer(as: F.B.self), po = out.pointer(as: F.R.self)
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
            } else if so == 1 && sa == 0 && sb == 1 {
                let c = x[0]
                for i in 0..<n { o[i] = f(c, y[i]) }
            } else {
                for i in 0..<n { o[i * so] = f(x[i * sa], y[i * sb]) }
            }
        }
    }

    @inline(__always)
    static func map<F: ElementFunction3>(_ a: Tensor, _ b: Tensor, _ c: Tensor, into out: Tensor, _ f: F) {
        let pa = a.pointer(as: F.A.self), pb = b.pointer(as: F.B.self), pc = c.pointer(as: F.C.self)
        let po = out.pointer(as: F.R.self)
        let loop = StridedLoop(
            shape: out.shape,
            strides: [
                out.strides,
                Shape.broadcastStrides(shape: a.shape, strides: a.strides, to: out.shape),
                Shape.broadcastStrides(shape: b.shape, strides: b.strides, to: out.shape),
                Shape.broadcastStrides(shape: c.shape, strides: c.strides, to: out.shape),
            ])
        let s = loop.innerStrides
        let (so, sa, sb, sc) = (s[0], s[1], s[2], s[3])
        loop.forEachRun(anyOrder: true) { offsets, n in
            let o = po + offsets[0], x = pa + offsets[1], y = pb + offsets[2], z = pc + offsets[3]
            if so == 1 && sa == 1 && sb == 1 && sc == 1 {
                for i in 0..<n { o[i] = f(x[i], y[i], z[i]) }
            } else {
                for i in 0..<n { o[i * so] = f(x[i * sa], y[i * sb], z[i * sc]) }
            }
        }
    }

    @inline(__always)
    static func map<A: TensorElement, R: TensorElement>(_ a: Tensor, into out: Tensor, _ f: (A) -> R) {
        withoutActuallyEscaping(f) { map(a, into: out, ClosureFunction1(body: $0)) }
    }

    @inline(__always)
    static func map<A: TensorElement, B: TensorElement, R: TensorElement>(
        _ a: Tensor, _ b: Tensor, into out: Tensor, _ f: (A, B) -> R
    ) {
        withoutActuallyEscaping(f) { map(a, b, into: out, ClosureFunction2(body: $0)) }
    }

    @inline(__always)
    static func map<A: TensorElement, B: TensorElement, C: TensorElement, R: TensorElement>(
        _ a: Tensor, _ b: Tensor, _ c: Tensor, into out: Tensor, _ f: (A, B, C) -> R
    ) {
        withoutActuallyEscaping(f) { map(a, b, c, into: out, ClosureFunction3(body: $0)) }
    }
}

/// A function of one element, as a type (see `Elementwise.map`).
protocol ElementFunction1 {
    associatedtype A: TensorElement
    associatedtype R: TensorElement
    func callAsFunction(_ a: A) -> R
}

/// A function of two elements, as a type.
protocol ElementFunction2 {
    associatedtype A: TensorElement
    associatedtype B: TensorElement
    associatedtype R: TensorElement
    func callAsFunction(_ a: A, _ b: B) -> R
}

/// A function of three elements, as a type.
protocol ElementFunction3 {
    associatedtype A: TensorElement
    associatedtype B: TensorElement
    associatedtype C: TensorElement
    associatedtype R: TensorElement
    func callAsFunction(_ a: A, _ b: B, _ c: C) -> R
}

struct ClosureFunction1<A: TensorElement, R: TensorElement>: ElementFunction1 {
    let body: (A) -> R
    @inline(__always) func callAsFunction(_ a: A) -> R { body(a) }
}

struct ClosureFunction2<A: TensorElement, B: TensorElement, R: TensorElement>: ElementFunction2 {
    let body: (A, B) -> R
    @inline(__always) func callAsFunction(_ a: A, _ b: B) -> R { body(a, b) }
}

struct ClosureFunction3<A: TensorElement, B: TensorElement, C: TensorElement, R: TensorElement>: ElementFunction3 {
    let body: (A, B, C) -> R
    @inline(__always) func callAsFunction(_ a: A, _ b: B, _ c: C) -> R { body(a, b, c) }
}

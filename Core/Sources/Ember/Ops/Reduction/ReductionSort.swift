/// sort, argsort and topk along a dim.
///
/// Order is total: NaN sorts above +inf (last ascending, first descending), as in PyTorch, and
/// equal values keep their original order, so every sort is stable.
extension Tensor {
    /// `torch.sort(self, dim, descending, stable)`: sorted values and their int64 indices.
    /// Ember's sort is always stable; `stable` is accepted for PyTorch parity.
    public func sort(dim: Int = -1, descending: Bool = false, stable: Bool = false) -> (values: Tensor, indices: Tensor) {
        Sorting.sort(self, dim: dim, descending: descending, k: nil, op: "sort", node: stable ? "SortBackward1" : "SortBackward0")
    }

    /// `torch.argsort(self, dim, descending, stable)`: the indices that sort `self` along `dim`.
    public func argsort(dim: Int = -1, descending: Bool = false, stable: Bool = false) -> Tensor {
        sort(dim: dim, descending: descending, stable: stable).indices
    }

    /// `torch.topk(self, k, dim, largest, sorted)`: the `k` largest (or, with `largest: false`,
    /// smallest) values along `dim` and their indices.
    ///
    /// With `sorted: true` they come best first (ties in index order). With `sorted: false`
    /// PyTorch leaves the order unspecified; Ember gives the same `k` elements in their order
    /// along `dim` (ascending index), which spares nothing but is deterministic.
    public func topk(_ k: Int, dim: Int = -1, largest: Bool = true, sorted: Bool = true) -> (values: Tensor, indices: Tensor) {
        Sorting.sort(self, dim: dim, descending: largest, k: k, op: "topk", node: "TopkBackward0", sortedOutput: sorted)
    }
}

enum Sorting {
    /// True when `a` sorts before `b` ascending, with NaN above everything.
    @inline(__always)
    static func ascending<T: Comparable>(_ a: T, _ b: T) -> Bool {
        a < b || (b != b && a == a)
    }

    /// sort / topk; the values record `node`, whose gradient goes back to the picked indices.
    static func sort(
        _ input: Tensor, dim: Int, descending: Bool, k: Int?, op: String, node: String, sortedOutput: Bool = true
    ) -> (values: Tensor, indices: Tensor) {
        func forward() -> (values: Tensor, indices: Tensor) {
            sortForward(input, dim: dim, descending: descending, k: k, op: op, sortedOutput: sortedOutput)
        }
        guard Autograd.needsGrad(input) else { return forward() }
        let (values, indices) = withNoGrad { forward() }
        return (recordSelection(node, input: input, values: values, indices: indices, dim: dim, keepDim: true, op: op), indices)
    }

    /// Records `values`, picked from `input` along `dim` at `indices`, as `node`
    /// (`value_selecting_reduction_backward`).
    static func recordSelection(
        _ node: String, input: Tensor, values: Tensor, indices: Tensor, dim: Int, keepDim: Bool, op: String
    ) -> Tensor {
        let axis = Shape.normalize(dim, rank: input.dim, op: op)
        let shape = input.shape
        return Autograd.record(node, inputs: [input], output: values, saving: [indices]) { grad, saved in
            [ReductionGrad.valueSelecting(grad, dim: axis, indices: saved[0], shape: shape, keepDim: keepDim)]
        }
    }

    /// With `sortedOutput: false` the `k` selected elements keep their order along `dim`.
    static func sortForward(
        _ input: Tensor, dim: Int, descending: Bool, k: Int?, op: String, sortedOutput: Bool = true
    ) -> (values: Tensor, indices: Tensor) {
        // PyTorch sorts uint16/32/64 but has no topk, kthvalue or median kernel for them.
        if op != "sort" { UnsignedSupport.reject(input, op) }
        let axis = Shape.normalize(dim, rank: input.dim, op: op)
        let n = input.dim == 0 ? 1 : input.shape[axis]
        let keep = k ?? n
        precondition(
            keep >= 0 && keep <= n,
            "\(op): selected index k out of range (k = \(keep), dim \(dim) of size \(n), input shape \(input.shape))")
        // Unsigned values compare as UInt64 (exact for all three; uint64 above 2^63 would not
        // survive int64).
        let x = input.to(input.dtype.isBarebonesUnsigned ? .uint64 : Reduction.accumulateDType(input.dtype))
        var outShape = x.shape
        if x.dim > 0 { outShape[axis] = keep }
        let values = Tensor(empty: outShape, dtype: x.dtype)
        let indices = Tensor(empty: outShape, dtype: .int64)
        if values.count == 0 { return (values.to(input.dtype), indices) }
        let xs = x.dim == 0 ? 1 : x.strides[axis]
        let vs = x.dim == 0 ? 1 : values.strides[axis]
        let xOffsets = rowOffsets(x, excluding: axis), oOffsets = rowOffsets(values, excluding: axis)
        func run<T: ArithmeticElement>(_: T.Type) {
            let px = UnsafePointer(x.storage.data.assumingMemoryBound(to: T.self))
            let pv = values.pointer(as: T.self), pi = indices.pointer(as: Int64.self)
            parallelFor(xOffsets.count, grain: Swift.max(1, 4096 / Swift.max(n, 1))) { range in
                var order = [Int](repeating: 0, count: n)
                var row = [T](repeating: 0, count: n)
                for r in range {
                    let source = px + xOffsets[r]
                    for i in 0..<n {
                        row[i] = source[i * xs]
                        order[i] = i
                    }
                    row.withUnsafeBufferPointer { row in
                        if descending {
                            order.sort { a, b in
                                let (u, v) = (row[a], row[b])
                                if ascending(v, u) { return true }
                                if ascending(u, v) { return false }
                                return a < b
                            }
                        } else {
                            order.sort { a, b in
                                let (u, v) = (row[a], row[b])
                                if ascending(u, v) { return true }
                                if ascending(v, u) { return false }
                                return a < b
                            }
                        }
                    }
                    if !sortedOutput { order[0..<keep].sort() }
                    let (v, ix) = (pv + oOffsets[r], pi + oOffsets[r])
                    for j in 0..<keep {
                        v[j * vs] = row[order[j]]
                        ix[j * vs] = Int64(order[j])
                    }
                }
            }
        }
        switch x.dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        case .uint64: run(UInt64.self)
        default: run(Int64.self)
        }
        return (values.to(input.dtype), indices)
    }
}

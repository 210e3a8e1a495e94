/// unique over the flattened tensor.

/// The result of `Tensor.unique`: the distinct values and, when asked for, the inverse
/// indices (shape of the input) and the count of each value.
public struct UniqueResult: Sendable {
    /// The distinct values, ascending, 1-D.
    public let values: Tensor
    /// For each input element, the index of its value in `values` (int64, the input's shape).
    public let inverse: Tensor?
    /// How often each value occurs (int64, the shape of `values`).
    public let counts: Tensor?
}

extension Tensor {
    /// `torch.unique(self, sorted, return_inverse, return_counts)` with `dim=None`. Values come
    /// sorted whatever `sorted` says (PyTorch's CPU kernel sorts as well); each NaN is distinct.
    public func unique(sorted: Bool = true, returnInverse: Bool = false, returnCounts: Bool = false) -> UniqueResult {
        let flat = reshape([count])
        let (values, order) = flat.sort(dim: 0, stable: true)
        let n = count
        let compute = values.to(Reduction.accumulateDType(dtype))
        // Marks where a new run of equal values starts (NaN never equals anything).
        var starts: [Int] = []
        func scan<T: ArithmeticElement>(_: T.Type) {
            let p = compute.pointer(as: T.self)
            for i in 0..<n where i == 0 || p[i] != p[i - 1] { starts.append(i) }
        }
        switch compute.dtype {
        case .float32: scan(Float.self)
        case .float64: scan(Double.self)
        default: scan(Int64.self)
        }
        let firstIndices = Tensor(starts.map { Int64($0) }, shape: [starts.count])
        let uniqueValues = Reduction.gatherFlat(values, firstIndices)
        var inverse: Tensor?
        if returnInverse {
            var result = [Int64](repeating: 0, count: n)
            let sortedOrder = order.toArray(Int64.self)
            var group = -1
            var next = 0
            for i in 0..<n {
                if next < starts.count && starts[next] == i {
                    group += 1
                    next += 1
                }
                result[Int(sortedOrder[i])] = Int64(group)
            }
            inverse = Tensor(result, shape: shape)
        }
        var counts: Tensor?
        if returnCounts {
            let ends = starts.dropFirst() + [n]
            counts = Tensor(zip(starts, ends).map { Int64($1 - $0) }, shape: [starts.count])
        }
        return UniqueResult(values: uniqueValues, inverse: inverse, counts: counts)
    }
}

extension Reduction {
    /// Elements of a contiguous 1-D tensor at `indices` (a small gather private to the reductions).
    static func gatherFlat(_ values: Tensor, _ indices: Tensor) -> Tensor {
        let source = values.contiguous()
        let idx = indices.toArray(Int64.self)
        let out = Tensor(empty: [idx.count], dtype: values.dtype)
        let size = values.dtype.itemSize
        let (from, to) = (source.dataPointer, out.dataPointer)
        for (j, i) in idx.enumerated() { (to + j * size).copyMemory(from: from + Int(i) * size, byteCount: size) }
        return out
    }
}

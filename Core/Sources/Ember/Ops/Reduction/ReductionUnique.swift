/// unique and unique_consecutive, over the flattened tensor or over slices along a dim.

/// The result of `Tensor.unique` and `Tensor.uniqueConsecutive`: the distinct values (or
/// slices) and, when asked for, the inverse indices and the count of each.
public struct UniqueResult: Sendable {
    /// The distinct values: 1-D without `dim`; with `dim`, the distinct slices stacked along it.
    public let values: Tensor
    /// For each input element (the input's shape), or each slice along `dim` (1-D), the index
    /// of its value in `values` (int64).
    public let inverse: Tensor?
    /// How often each value or slice occurs (int64, 1-D).
    public let counts: Tensor?
}

extension Tensor {
    /// `torch.unique(self, sorted, return_inverse, return_counts, dim)`.
    ///
    /// Without `dim`, the distinct elements, ascending, whatever `sorted` says (PyTorch's CPU
    /// kernel sorts as well); each NaN is distinct. With `dim`, the distinct slices along `dim`
    /// (`self.select(dim, i)`), sorted lexicographically by their row-major elements, as
    /// PyTorch's `unique_dim`; slices holding NaN never equal another slice. The results carry
    /// no gradient (PyTorch's backward for unique is not implemented either).
    public func unique(sorted: Bool = true, returnInverse: Bool = false, returnCounts: Bool = false, dim: Int? = nil) -> UniqueResult {
        if let dim { return Uniqueness.slices(self, dim: dim, consecutive: false, returnInverse: returnInverse, returnCounts: returnCounts) }
        ComplexSupport.reject(self, "unique")
        let flat = withNoGrad { detach().reshape([count]) }
        let (values, order) = flat.sort(dim: 0, stable: true)
        let starts = Uniqueness.runStarts(values)
        let uniqueValues = Reduction.gatherFlat(values, Tensor(starts.map { Int64($0) }, shape: [starts.count]))
        var inverse: Tensor?
        if returnInverse {
            var result = [Int64](repeating: 0, count: count)
            let sortedOrder = order.toArray(Int64.self)
            var group = -1
            var next = 0
            for i in 0..<count {
                if next < starts.count && starts[next] == i {
                    group += 1
                    next += 1
                }
                result[Int(sortedOrder[i])] = Int64(group)
            }
            inverse = Tensor(result, shape: shape)
        }
        let counts = returnCounts ? Uniqueness.runLengths(starts, total: count) : nil
        return UniqueResult(values: uniqueValues, inverse: inverse, counts: counts)
    }

    /// `torch.unique_consecutive(self, return_inverse, return_counts, dim)`: drops every
    /// element (or, with `dim`, slice) equal to the one before it, keeping the order. Without
    /// `dim` the values are 1-D and the inverse has the input's shape; NaN never equals NaN.
    public func uniqueConsecutive(returnInverse: Bool = false, returnCounts: Bool = false, dim: Int? = nil) -> UniqueResult {
        if let dim { return Uniqueness.slices(self, dim: dim, consecutive: true, returnInverse: returnInverse, returnCounts: returnCounts) }
        ComplexSupport.reject(self, "unique_consecutive")
        let flat = withNoGrad { detach().reshape([count]) }.contiguous()
        let starts = Uniqueness.runStarts(flat)
        let values = Reduction.gatherFlat(flat, Tensor(starts.map { Int64($0) }, shape: [starts.count]))
        let inverse = returnInverse ? Uniqueness.groupIndices(starts, total: count).reshape(shape) : nil
        let counts = returnCounts ? Uniqueness.runLengths(starts, total: count) : nil
        return UniqueResult(values: values, inverse: inverse, counts: counts)
    }
}

enum Uniqueness {
    /// The dtype equal runs are found in: exact for every real dtype (unsigned values as
    /// UInt64, so that uint64 above 2^63 stays itself).
    static func compareDType(_ dtype: DType) -> DType {
        if dtype.isFloatingPoint { return .float64 }
        return dtype.isBarebonesUnsigned ? .uint64 : .int64
    }

    /// Calls `body` with the contiguous elements of `t` converted to the compare dtype.
    static func withElements<R>(_ t: Tensor, _ body: (ElementsVisitor) -> R) -> R {
        let compute = t.to(compareDType(t.dtype)).contiguous()
        return withExtendedLifetime(compute) { body(ElementsVisitor(tensor: compute)) }
    }

    /// Hands a contiguous float64/int64/uint64 tensor's elements to generic code.
    struct ElementsVisitor {
        let tensor: Tensor
        func run<R>(_ body: (UnsafePointer<Double>) -> R, _ int: (UnsafePointer<Int64>) -> R, _ unsigned: (UnsafePointer<UInt64>) -> R) -> R {
            switch tensor.dtype {
            case .float64: return body(tensor.pointer(as: Double.self))
            case .uint64: return unsigned(tensor.pointer(as: UInt64.self))
            default: return int(tensor.pointer(as: Int64.self))
            }
        }
    }

    /// Where each run of equal elements of the 1-D `values` starts (NaN never equals anything).
    static func runStarts(_ values: Tensor) -> [Int] {
        let n = values.count
        func scan<T: Comparable>(_ p: UnsafePointer<T>) -> [Int] {
            var starts: [Int] = []
            for i in 0..<n where i == 0 || p[i] != p[i - 1] { starts.append(i) }
            return starts
        }
        return withElements(values) { $0.run(scan, scan, scan) }
    }

    /// The run index of every position (`inverse` of a consecutive unique).
    static func groupIndices(_ starts: [Int], total: Int) -> Tensor {
        var result = [Int64](repeating: 0, count: total)
        for (group, start) in starts.enumerated() {
            let end = group + 1 < starts.count ? starts[group + 1] : total
            for i in start..<end { result[i] = Int64(group) }
        }
        return Tensor(result, shape: [total])
    }

    static func runLengths(_ starts: [Int], total: Int) -> Tensor {
        let ends = starts.dropFirst() + [total]
        return Tensor(zip(starts, ends).map { Int64($1 - $0) }, shape: [starts.count])
    }

    /// unique / unique_consecutive over the slices along `dim`.
    static func slices(_ input: Tensor, dim: Int, consecutive: Bool, returnInverse: Bool, returnCounts: Bool) -> UniqueResult {
        let op = consecutive ? "unique_consecutive" : "unique_dim"
        ComplexSupport.reject(input, op)
        precondition(input.dim > 0, "\(op): Dimension specified as \(dim) but tensor has no dimensions")
        let axis = Shape.normalize(dim, rank: input.dim, op: op)
        let n = input.shape[axis]
        let width = n == 0 ? 0 : input.count / n
        precondition(
            n == 0 || width > 0 || input.dim == 1,
            "\(op): There are 0 sized dimensions, and they aren't selected, so unique cannot be applied (input shape \(input.shape), dim \(dim))")
        let source = withNoGrad { input.detach() }
        // Row i of `rows` is slice i, its elements in row-major order.
        let rows = source.permute([axis] + (0..<input.dim).filter { $0 != axis }).reshape([n, width])
        let (order, starts): ([Int], [Int]) = withElements(rows) { elements in
            func group<T: Comparable>(_ p: UnsafePointer<T>) -> ([Int], [Int]) {
                func equal(_ a: Int, _ b: Int) -> Bool {
                    for j in 0..<width where p[a * width + j] != p[b * width + j] { return false }
                    return true
                }
                var order = Array(0..<n)
                if !consecutive {
                    // Lexicographic over the slice's elements, NaN above every number; ties
                    // keep their order, so the result does not depend on the sort algorithm.
                    order.sort { a, b in
                        for j in 0..<width {
                            let (u, v) = (p[a * width + j], p[b * width + j])
                            if Sorting.ascending(u, v) { return true }
                            if Sorting.ascending(v, u) { return false }
                        }
                        return a < b
                    }
                }
                var starts: [Int] = []
                for i in 0..<n where i == 0 || !equal(order[i], order[i - 1]) { starts.append(i) }
                return (order, starts)
            }
            return elements.run(group, group, group)
        }
        let firsts = Tensor(starts.map { Int64(order[$0]) }, shape: [starts.count])
        let values = withNoGrad { source.indexSelect(axis, firsts) }
        var inverse: Tensor?
        if returnInverse {
            var result = [Int64](repeating: 0, count: n)
            for (group, start) in starts.enumerated() {
                let end = group + 1 < starts.count ? starts[group + 1] : n
                for i in start..<end { result[order[i]] = Int64(group) }
            }
            inverse = Tensor(result, shape: [n])
        }
        let counts = returnCounts ? runLengths(starts, total: n) : nil
        return UniqueResult(values: values, inverse: inverse, counts: counts)
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

/// One entry of a subscript, like one item of a Python index tuple in PyTorch's `__getitem__`.
public enum TensorIndex: Sendable {
    /// An integer: selects one position and removes the dimension; negative counts from the end.
    case i(Int)
    /// A slice `start:end:step` (`.range(1, nil, step: 2)` in a subscript); nil bounds mean the start / end of the dimension. Negative
    /// bounds count from the end and out-of-range bounds are clamped, as in Python.
    case slice(Int?, Int?, step: Int)
    /// `...`: as many full slices as the other entries leave dimensions.
    case ellipsis
    /// `None`: inserts a dimension of size 1.
    case newAxis
    /// An integer (int64, int32) or boolean tensor: advanced indexing, which copies.
    case tensor(Tensor)

    /// `:`, the whole dimension.
    public static let all = TensorIndex.slice(nil, nil, step: 1)

}

/// Values usable directly inside a tensor subscript: `Int`, the range types, `Tensor`, `TensorIndex`.
public protocol TensorIndexConvertible {
    var tensorIndex: TensorIndex { get }
}

extension TensorIndex: TensorIndexConvertible {
    public var tensorIndex: TensorIndex { self }
}

/// The spelling of subscript entries inside a subscript: `t[.ellipsis, 0]`, `t[.newAxis]`,
/// `t[.range(1, nil, step: 2)]`. (A separate type, so that these names do not collide with
/// `TensorIndex`'s own cases.)
public struct TensorIndexEntry: TensorIndexConvertible {
    public let tensorIndex: TensorIndex
}

extension TensorIndexConvertible where Self == TensorIndexEntry {
    public static var ellipsis: TensorIndexEntry { TensorIndexEntry(tensorIndex: .ellipsis) }
    public static var newAxis: TensorIndexEntry { TensorIndexEntry(tensorIndex: .newAxis) }
    public static var all: TensorIndexEntry { TensorIndexEntry(tensorIndex: TensorIndex.all) }
    public static func range(_ start: Int? = nil, _ end: Int? = nil, step: Int = 1) -> TensorIndexEntry {
        TensorIndexEntry(tensorIndex: .slice(start, end, step: step))
    }
}

extension Int: TensorIndexConvertible {
    public var tensorIndex: TensorIndex { .i(self) }
}

extension Range: TensorIndexConvertible where Bound == Int {
    public var tensorIndex: TensorIndex { .slice(lowerBound, upperBound, step: 1) }
}

/// `a...b` includes `b`; `-3 ... -1` means up to the last element, so `-1` becomes an open end.
extension ClosedRange: TensorIndexConvertible where Bound == Int {
    public var tensorIndex: TensorIndex { .slice(lowerBound, upperBound == -1 ? nil : upperBound + 1, step: 1) }
}

extension PartialRangeFrom: TensorIndexConvertible where Bound == Int {
    public var tensorIndex: TensorIndex { .slice(lowerBound, nil, step: 1) }
}

extension PartialRangeUpTo: TensorIndexConvertible where Bound == Int {
    public var tensorIndex: TensorIndex { .slice(nil, upperBound, step: 1) }
}

extension PartialRangeThrough: TensorIndexConvertible where Bound == Int {
    public var tensorIndex: TensorIndex { .slice(nil, upperBound == -1 ? nil : upperBound + 1, step: 1) }
}

extension Tensor: TensorIndexConvertible {
    public var tensorIndex: TensorIndex { .tensor(self) }
}

extension Tensor {
    /// PyTorch's `tensor[...]`: integers, ranges (`1..<5`, `2...`, `.range(0, nil, step: 2)`),
    /// `.ellipsis`, `.newAxis`, and integer or boolean tensors. Without tensor entries the
    /// result is a view; with them it is a copy (advanced indexing). Assigning writes into
    /// this tensor's storage (`copy_` into the view, or `index_put_`), visible through every view.
    public subscript(_ indices: any TensorIndexConvertible...) -> Tensor {
        get { index(indices.map(\.tensorIndex)) }
        nonmutating set { indexPut_(indices.map(\.tensorIndex), newValue) }
    }

    /// `tensor[..., i]`: Swift's `...` stands for Python's ellipsis when it comes first.
    public subscript(_ ellipsis: UnboundedRange, _ rest: any TensorIndexConvertible...) -> Tensor {
        get { index([.ellipsis] + rest.map(\.tensorIndex)) }
        nonmutating set { indexPut_([.ellipsis] + rest.map(\.tensorIndex), newValue) }
    }

    /// `tensor[indices] = value` for a Swift number (`tensor[mask] = 0`).
    public func indexFill_(_ indices: [any TensorIndexConvertible], _ value: Scalar) {
        indexPut_(indices.map(\.tensorIndex), Tensor(scalar: value, dtype: dtype))
    }

    /// The view that the basic entries (integers, ranges, ellipsis, new axes) describe, and the
    /// index tensors left for advanced indexing, one slot per dimension of that view (nil where
    /// none). Boolean masks become the int64 positions of their true elements.
    func applyBasicIndexing(_ indices: [TensorIndex]) -> (view: Tensor, advanced: [Tensor?]) {
        var consumed = 0
        var ellipses = 0
        for index in indices {
            switch index {
            case .i, .slice: consumed += 1
            case .tensor(let t): consumed += (t.dtype == .bool || t.dtype == .uint8) ? Swift.max(t.dim, 1) : 1
            case .ellipsis: ellipses += 1
            case .newAxis: break
            }
        }
        precondition(ellipses <= 1, "index: an index can only have a single ellipsis ('...')")
        precondition(consumed <= dim, "index: too many indices for tensor of dimension \(dim) (shape \(shape))")

        var view = self
        var advanced: [Tensor?] = []
        var d = 0  // current dimension of `view`
        var source = 0  // dimension of `self` that the next entry indexes, for messages
        for index in indices {
            switch index {
            case .i(let k):
                let size = view.shape[d]
                precondition(
                    k >= -size && k < size, "index \(k) is out of bounds for dimension \(source) with size \(size)")
                view = view.select(d, k)
                source += 1
            case .slice(let start, let end, let step):
                view = view.slice(d, start, end, step: step)
                advanced.append(nil)
                d += 1
                source += 1
            case .newAxis:
                view = view.unsqueeze(d)
                advanced.append(nil)
                d += 1
            case .ellipsis:
                let span = dim - consumed
                advanced += [Tensor?](repeating: nil, count: span)
                d += span
                source += span
            case .tensor(let t):
                if t.dtype == .bool || t.dtype == .uint8 {
                    if t.dim == 0 {
                        // A 0-dim mask adds a dimension of size 1, kept (true) or emptied (false).
                        view = view.unsqueeze(d)
                        let keep = t.item(Bool.self)
                        advanced.append(Tensor([Int64](repeating: 0, count: keep ? 1 : 0), shape: [keep ? 1 : 0]))
                        d += 1
                        continue
                    }
                    for j in 0..<t.dim {
                        precondition(
                            d + j < view.dim && t.shape[j] == view.shape[d + j],
                            "index: The shape of the mask \(t.shape) at index \(j) does not match the shape of the indexed tensor \(view.shape) at index \(d + j)")
                    }
                    for column in t.nonzero(asTuple: true) { advanced.append(column) }
                    d += t.dim
                    source += t.dim
                } else {
                    precondition(
                        t.dtype.isIntegral,
                        "index: tensors used as indices must be long, int, byte or bool tensors; got \(t.dtype)")
                    if t.dim == 0 {
                        // PyTorch treats a 0-dim integer tensor like a Python int.
                        let k = Int(t.item(Int64.self))
                        let size = view.shape[d]
                        precondition(
                            k >= -size && k < size, "index \(k) is out of bounds for dimension \(source) with size \(size)")
                        view = view.select(d, k)
                    } else {
                        advanced.append(t)
                        d += 1
                    }
                    source += 1
                }
            }
        }
        advanced += [Tensor?](repeating: nil, count: view.dim - advanced.count)
        return (view, advanced)
    }

    /// `tensor[start:end:step]` along `dim` as a view, with Python's clamping of the bounds.
    func slice(_ dim: Int, _ start: Int?, _ end: Int?, step: Int) -> Tensor {
        precondition(step > 0, "slice: step must be greater than zero, got \(step)")
        let axis = Shape.normalize(dim, rank: self.dim, op: "slice")
        let size = shape[axis]
        func clamp(_ value: Int?, _ fallback: Int) -> Int {
            guard var v = value else { return fallback }
            if v < 0 { v += size }
            return Swift.min(Swift.max(v, 0), size)
        }
        let begin = clamp(start, 0)
        let stop = Swift.max(clamp(end, size), begin)
        var newShape = shape, newStrides = strides
        newShape[axis] = (stop - begin + step - 1) / step
        newStrides[axis] = strides[axis] * step
        let view = withLayout(newShape, newStrides, offset: storageOffset + begin * strides[axis])
        guard Autograd.needsGrad(self) else { return view }
        // Backward (`SliceBackward0`): the gradient written into zeros through the same slice.
        let inputShape = shape
        return Autograd.record("SliceBackward0", inputs: [self], output: view) { grad, _ in
            [Tensor.scatterIntoZeros(grad, shape: inputShape) { $0.slice(axis, begin, stop, step: step) }]
        }
    }
}

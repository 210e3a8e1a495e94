/// Advanced indexing (`tensor[idx]` with index tensors) and its assignment, `index_put_`.
///
/// PyTorch's placement rule: the index tensors broadcast to one shape B; when the indexed
/// dimensions are adjacent, B replaces them in place, otherwise B goes first and the
/// remaining dimensions follow in order.
extension Tensor {
    /// `tensor[indices]` for a list of subscript entries; a view unless an entry is a tensor.
    /// Backward of the advanced part (`IndexBackward0`): the gradient accumulated into zeros
    /// at the indexed positions (repeated indices add up).
    public func index(_ indices: [TensorIndex]) -> Tensor {
        let (view, advanced) = applyBasicIndexing(indices)
        if advanced.allSatisfy({ $0 == nil }) { return view }
        let plan = Self.advancedPlan(view, advanced, op: "index")
        let out = Tensor(empty: plan.shape, dtype: dtype)
        IndexKernels.gather(plan, from: view, into: out)
        guard Autograd.needsGrad(view) else { return out }
        let positions = advanced.indices.filter { advanced[$0] != nil }
        let viewShape = view.shape
        return Autograd.record("IndexBackward0", inputs: [view], output: out, saving: positions.map { advanced[$0]! }) {
            grad, saved in
            var entries = [TensorIndex](repeating: .all, count: viewShape.count)
            for (k, p) in positions.enumerated() { entries[p] = .tensor(saved[k]) }
            return [Tensor.zeros(viewShape, dtype: grad.dtype).indexPut(entries, grad, accumulate: true)]
        }
    }

    /// `tensor[indices] = values`: copies `values` (broadcast, converted to this dtype) into the
    /// indexed elements; with `accumulate`, adds to them instead (repeated indices add up).
    /// With autograd, gradients flow to `values` and to the tensor (or the base it views) as
    /// for `indexPut`.
    public func indexPut_(_ indices: [TensorIndex], _ values: Tensor, accumulate: Bool = false) {
        guard IndexingAutograd.neededInPlace(self, values) else {
            rawIndexPut_(indices, values, accumulate: accumulate)
            return
        }
        if !accumulate && Self.selectsView(indices) {
            // Basic entries only: a write through a view, which `copy_` records on the base.
            applyBasicIndexing(indices).view.copy_(values)
            return
        }
        Autograd.inPlace(
            self, others: [values], name: "index_put_",
            inPlace: { rawIndexPut_(indices, values, accumulate: accumulate) },
            outOfPlace: { $0.indexPut(indices, values, accumulate: accumulate) })
    }

    /// `torch.index_put_(tensor, indices, values, accumulate)`: one optional index tensor per
    /// leading dimension (nil is a full slice).
    public func indexPut_(indices: [Tensor?], values: Tensor, accumulate: Bool = false) {
        indexPut_(indices.map { $0.map(TensorIndex.tensor) ?? .all }, values, accumulate: accumulate)
    }

    /// `torch.index_put(tensor, indices, values, accumulate)`: a copy with the indexed elements
    /// replaced by (or, with `accumulate`, increased by) `values`.
    ///
    /// Backward (`IndexPutBackward0`): the tensor's gradient passes through, zeroed at the
    /// replaced positions unless accumulating; the values' gradient is the gradient read at
    /// the indexed positions (summed over broadcast dims).
    public func indexPut(_ indices: [TensorIndex], _ values: Tensor, accumulate: Bool = false) -> Tensor {
        guard Autograd.needsGrad(self, values) else {
            let out = clone()
            out.rawIndexPut_(indices, values, accumulate: accumulate)
            return out
        }
        let out = withNoGrad { () -> Tensor in
            let out = clone()
            out.rawIndexPut_(indices, values, accumulate: accumulate)
            return out
        }
        // The entries without their tensors (saved separately, so that edits are detected).
        let template = indices.map { entry -> TensorIndex? in
            if case .tensor = entry { return nil }
            return entry
        }
        let tensors = indices.compactMap { entry -> Tensor? in
            if case .tensor(let t) = entry { return t }
            return nil
        }
        return Autograd.record("IndexPutBackward0", inputs: [self, values], output: out, saving: tensors) { grad, saved in
            var next = 0
            let entries = template.map { entry -> TensorIndex in
                if let entry { return entry }
                defer { next += 1 }
                return .tensor(saved[next])
            }
            let gradSelf = accumulate ? grad : grad.indexPut(entries, Tensor.zeros([], dtype: grad.dtype), accumulate: false)
            return [gradSelf, grad.index(entries)]
        }
    }

    /// `torch.index_put(tensor, indices, values, accumulate)` with one optional index tensor per
    /// leading dimension.
    public func indexPut(indices: [Tensor?], values: Tensor, accumulate: Bool = false) -> Tensor {
        indexPut(indices.map { $0.map(TensorIndex.tensor) ?? .all }, values, accumulate: accumulate)
    }

    /// True when `indices` describe a view: no index tensors (a 0-d integer tensor acts as
    /// an integer).
    static func selectsView(_ indices: [TensorIndex]) -> Bool {
        indices.allSatisfy { entry in
            guard case .tensor(let t) = entry else { return true }
            return t.dim == 0 && t.dtype != .bool && t.dtype != .uint8
        }
    }

    /// `index_put_` without autograd.
    func rawIndexPut_(_ indices: [TensorIndex], _ values: Tensor, accumulate: Bool) {
        let (view, advanced) = applyBasicIndexing(indices)
        if advanced.allSatisfy({ $0 == nil }) && !accumulate {
            view.copy_(values)
            return
        }
        let plan = advanced.allSatisfy({ $0 == nil })
            ? IndexPlan(
                shape: view.shape, dataStrides: view.strides, indices: [], indexStrides: [], dimSizes: [],
                dimStrides: [], dimNames: [])
            : Self.advancedPlan(view, advanced, op: "index_put_")
        precondition(
            Shape.broadcast(values.shape, plan.shape, op: "index_put_") == plan.shape,
            "index_put_: shape mismatch: value tensor of shape \(values.shape) cannot be broadcast to indexing result of shape \(plan.shape)")
        var source = values.to(dtype)
        if source.storage === storage { source = source.clone() }
        IndexKernels.scatter(
            plan, into: view, from: source,
            sourceStrides: Shape.broadcastStrides(shape: source.shape, strides: source.strides, to: plan.shape),
            reduce: accumulate ? .add : nil)
        storage.bumpVersion()
    }

    /// The gather plan for `view[advanced]`, where `advanced` has one optional index per dim.
    static func advancedPlan(_ view: Tensor, _ advanced: [Tensor?], op: String) -> IndexPlan {
        let positions = advanced.indices.filter { advanced[$0] != nil }
        let indices = positions.map { advanced[$0]!.to(.int64) }
        let broadcastShape = indices.dropFirst().reduce(indices[0].shape) {
            Shape.broadcast($0, $1.shape, op: op)
        }
        let adjacent = positions.last! - positions.first! + 1 == positions.count
        var order = Array(0..<view.dim)
        var slots = positions
        if !adjacent {
            // Indexed dimensions first, the others after them.
            order = positions + order.filter { advanced[$0] == nil }
            slots = Array(0..<positions.count)
        }
        let shapeOf = order.map { view.shape[$0] }, strideOf = order.map { view.strides[$0] }
        let first = slots[0], afterLast = slots[slots.count - 1] + 1
        let b = broadcastShape.count
        let shape = Array(shapeOf[..<first]) + broadcastShape + Array(shapeOf[afterLast...])
        let dataStrides = Array(strideOf[..<first]) + [Int](repeating: 0, count: b) + Array(strideOf[afterLast...])
        var indexStrides: [[Int]] = []
        for k in indices.indices {
            let s = Shape.broadcastStrides(shape: indices[k].shape, strides: indices[k].strides, to: broadcastShape)
            indexStrides.append(
                [Int](repeating: 0, count: first) + s + [Int](repeating: 0, count: shapeOf.count - afterLast))
        }
        return IndexPlan(
            shape: shape, dataStrides: dataStrides, indices: indices, indexStrides: indexStrides,
            dimSizes: positions.map { view.shape[$0] }, dimStrides: positions.map { view.strides[$0] },
            dimNames: positions, allowsNegative: true)
    }
}

/// How ops enter the graph. Every differentiable op computes its result without autograd and
/// then calls `Autograd.record` with a backward closure written in differentiable tensor ops
/// (so that `createGraph` gives second derivatives for free).
///
/// Backward closures must not capture tensors: pass them in `saving:` and read them from the
/// `saved` argument. Saved tensors are checked against in-place edits, and saving an output
/// through a capture would make a reference cycle.
extension Autograd {
    /// True when an op on `inputs` records history: grad mode is on and an input requires grad.
    @inline(__always)
    public static func needsGrad(_ inputs: Tensor...) -> Bool { needsGrad(inputs) }

    @inline(__always)
    public static func needsGrad(_ inputs: [Tensor]) -> Bool {
        guard GradMode.isEnabled else { return false }
        for input in inputs where input.impl.autograd != nil && input.impl.requiresGrad { return true }
        return false
    }

    /// Attaches a backward node to `output` when `inputs` need grad; returns `output`.
    ///
    /// `backward` receives the gradient of `output` and the `saving` tensors, and returns one
    /// gradient (or nil) per input. A gradient may have a broadcast shape: the engine sums it
    /// back to the input's shape and casts it to the input's dtype. This is also the way to
    /// define a custom differentiable function (PyTorch's `autograd.Function`).
    @discardableResult
    public static func record(
        _ name: String, inputs: [Tensor], output: Tensor, saving: [Tensor] = [],
        backward: @escaping (_ grad: Tensor, _ saved: [Tensor]) -> [Tensor?]
    ) -> Tensor {
        guard needsGrad(inputs), output.dtype.isDifferentiable,
            !inputs.contains(where: { $0.impl === output.impl })
        else { return output }
        attach(name, inputs: inputs, outputs: [output], saving: saving) { grads, saved in backward(grads[0], saved) }
        return output
    }

    /// The multi-output form: `backward` receives one gradient per output (zeros for outputs
    /// that received none).
    @discardableResult
    public static func record(
        _ name: String, inputs: [Tensor], outputs: [Tensor], saving: [Tensor] = [],
        backward: @escaping (_ grads: [Tensor], _ saved: [Tensor]) -> [Tensor?]
    ) -> [Tensor] {
        guard needsGrad(inputs), outputs.contains(where: { $0.dtype.isDifferentiable }),
            !outputs.contains(where: { out in inputs.contains { $0.impl === out.impl } })
        else { return outputs }
        attach(name, inputs: inputs, outputs: outputs, saving: saving, backward: backward)
        return outputs
    }

    private static func attach(
        _ name: String, inputs: [Tensor], outputs: [Tensor], saving: [Tensor],
        backward: @escaping FunctionNode.Backward
    ) {
        let saved = saving.map { tensor in
            SavedTensor(tensor, isOutput: outputs.contains { $0.impl === tensor.impl })
        }
        let node = FunctionNode(
            name: name, nextEdges: inputs.map { $0.impl.gradientEdge() },
            inputMeta: inputs.map { ($0.shape, $0.dtype) }, outputMeta: outputs.map { ($0.shape, $0.dtype) },
            saved: saved, backward: backward)
        for (nr, output) in outputs.enumerated() where output.dtype.isDifferentiable {
            let meta = output.impl.autogradMeta
            meta.gradFn = node
            meta.outputNr = nr
        }
    }

    /// Runs an in-place op with autograd: `outOfPlace` computes the new value of `target`
    /// differentiably from a copy of its old value; the result is written into `target`,
    /// which takes over its history. Without grad, runs `inPlace` instead.
    ///
    /// When `target` is a view, its base's history is rewritten as well (PyTorch's
    /// `CopySlices`), so gradients flow through the base to the edited region.
    @discardableResult
    public static func inPlace(
        _ target: Tensor, others: [Tensor] = [], name: String,
        inPlace: () -> Void, outOfPlace: (Tensor) -> Tensor
    ) -> Tensor {
        let base = target.impl.viewBase.map { Tensor(impl: $0) }
        guard needsGrad([target] + others + (base.map { [$0] } ?? [])) else {
            inPlace()
            return target
        }
        precondition(
            !(target.isLeaf && target.requiresGrad),
            "a leaf Variable that requires grad is being used in an in-place operation. (\(name))")
        if let base {
            precondition(
                !(base.isLeaf && base.requiresGrad),
                "a view of a leaf Variable that requires grad is being used in an in-place operation. (\(name))")
        }
        var result = outOfPlace(target.clone())
        if result.dtype != target.dtype { result = result.to(target.dtype) }
        precondition(
            result.shape == target.shape,
            "\(name): output with shape \(target.shape) doesn't match the broadcast shape \(result.shape)")
        withNoGrad { _ = target.copy_(result) }
        guard result.requiresGrad else { return target }
        if let base {
            rewriteBaseHistory(base: base, view: target, result: result)
        } else {
            let meta = target.impl.autogradMeta
            meta.gradFn = result.impl.autograd?.gradFn
            meta.outputNr = result.impl.autograd?.outputNr ?? 0
        }
        return target
    }

    /// After `view` (of `base`) was overwritten by `result`: the base's new history takes the
    /// old base outside the view and `result` inside it; the view's history reads the base's.
    private static func rewriteBaseHistory(base: Tensor, view: Tensor, result: Tensor) {
        let elements = base.storage.byteCount / base.dtype.itemSize
        let baseGeometry = (shape: base.shape, strides: base.strides, offset: base.storageOffset)
        let viewGeometry = (shape: view.shape, strides: view.strides, offset: view.storageOffset)
        let dtype = base.dtype
        func scratch() -> Tensor { Tensor.zeros([elements], dtype: dtype) }

        let baseNode = FunctionNode(
            name: "CopySlices", nextEdges: [base.impl.gradientEdge(), result.impl.gradientEdge()],
            inputMeta: [(base.shape, base.dtype), (result.shape, result.dtype)],
            outputMeta: [(base.shape, base.dtype)], saved: []
        ) { grads, _ in
            let buffer = scratch()
            let gradBase = buffer.asStrided(baseGeometry.shape, baseGeometry.strides, storageOffset: baseGeometry.offset)
            let gradView = buffer.asStrided(viewGeometry.shape, viewGeometry.strides, storageOffset: viewGeometry.offset)
            withNoGrad { _ = gradBase.copy_(grads[0]) }
            let gradResult = gradView.clone()
            withNoGrad { _ = gradView.fill_(0) }
            return [gradBase.clone(), gradResult]
        }
        let baseMeta = base.impl.autogradMeta
        baseMeta.gradFn = baseNode
        baseMeta.outputNr = 0

        let viewNode = FunctionNode(
            name: "AsStridedBackward0", nextEdges: [Edge(node: baseNode, inputNr: 0)],
            inputMeta: [(base.shape, base.dtype)], outputMeta: [(view.shape, view.dtype)], saved: []
        ) { grads, _ in
            let buffer = scratch()
            let gradView = buffer.asStrided(viewGeometry.shape, viewGeometry.strides, storageOffset: viewGeometry.offset)
            withNoGrad { _ = gradView.copy_(grads[0]) }
            return [buffer.asStrided(baseGeometry.shape, baseGeometry.strides, storageOffset: baseGeometry.offset)]
        }
        let viewMeta = view.impl.autogradMeta
        viewMeta.gradFn = viewNode
        viewMeta.outputNr = 0
    }
}

extension Tensor {
    /// Sums a broadcast gradient back to `shape` (`tensor.sum_to_size`).
    public func sumToSize(_ shape: [Int]) -> Tensor {
        if self.shape == shape { return self }
        precondition(
            Shape.isExpandable(shape, to: self.shape),
            "sum_to_size: size \(shape) is not expandable to size \(self.shape)")
        let lead = dim - shape.count
        var dims = Array(0..<lead)
        for i in 0..<shape.count where shape[i] == 1 && self.shape[lead + i] != 1 { dims.append(lead + i) }
        var reduced = dims.isEmpty ? self : sum(dims: dims, keepDim: true)
        if lead > 0 { reduced = reduced.reshape(shape) }
        return reduced
    }
}

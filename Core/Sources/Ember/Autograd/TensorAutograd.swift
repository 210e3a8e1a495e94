/// The autograd surface of `Tensor`: requiresGrad, grad, backward, detach, hooks.
extension Tensor {
    /// True when gradients flow to or through this tensor (`tensor.requires_grad`).
    public var requiresGrad: Bool {
        get { impl.requiresGrad }
        nonmutating set { requiresGrad_(newValue) }
    }

    /// Marks a leaf as needing gradients (`tensor.requires_grad_()`); returns `self`.
    @discardableResult
    public func requiresGrad_(_ value: Bool = true) -> Tensor {
        precondition(
            isLeaf || value,
            "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use detach().")
        precondition(
            !value || dtype.isDifferentiable,
            "only Tensors of floating point and complex dtype can require gradients (got \(dtype))")
        if value || impl.autograd != nil { impl.autogradMeta.requiresGradLeaf = value }
        return self
    }

    /// The accumulated gradient (`tensor.grad`); nil until a backward reaches this leaf.
    public var grad: Tensor? {
        get { impl.autograd?.grad }
        nonmutating set {
            if let newValue {
                precondition(
                    newValue.shape == shape,
                    "assigned grad has data of a different size: got \(newValue.shape), expected \(shape)")
            }
            if newValue != nil || impl.autograd != nil { impl.autogradMeta.grad = newValue }
        }
    }

    /// The backward node that produced this tensor (`tensor.grad_fn`); nil for leaves.
    public var gradFn: Node? { impl.autograd?.gradFn }

    /// True for tensors not produced by a recorded op (`tensor.is_leaf`).
    public var isLeaf: Bool { impl.autograd?.gradFn == nil }

    /// The same data without history (`tensor.detach()`): shares storage and version counter.
    public func detach() -> Tensor {
        let detached = TensorImpl(storage: storage, dtype: dtype, shape: shape, strides: strides, offset: storageOffset)
        detached.viewBase = impl.viewBase
        return Tensor(impl: detached)
    }

    /// Detaches in place (`tensor.detach_()`): this tensor becomes a leaf that needs no grad.
    @discardableResult
    public func detach_() -> Tensor {
        if let meta = impl.autograd {
            meta.gradFn = nil
            meta.requiresGradLeaf = false
        }
        return self
    }

    /// Keeps the gradient of a non-leaf tensor in `.grad` during backward (`retain_grad()`).
    public func retainGrad() {
        precondition(requiresGrad, "can't retain_grad on Tensor that has requires_grad=False")
        guard let meta = impl.autograd, let fn = meta.gradFn, !meta.retainsGrad else { return }
        meta.retainsGrad = true
        fn.preHooks[meta.outputNr, default: []].append { [weak impl] grad in
            guard let meta = impl?.autograd else { return nil }
            meta.grad = meta.grad.map { $0.add(grad) } ?? grad.detach().clone()
            return nil
        }
    }

    /// True when `retainGrad()` was called on this non-leaf tensor.
    public var retainsGrad: Bool { impl.autograd?.retainsGrad ?? false }

    /// Registers `hook` on the gradient of this tensor (`tensor.register_hook`): it runs when
    /// the gradient is computed and may return a replacement.
    public func registerHook(_ hook: @escaping (Tensor) -> Tensor?) {
        precondition(requiresGrad, "cannot register a hook on a tensor that doesn't require gradient")
        let meta = impl.autogradMeta
        if let fn = meta.gradFn {
            fn.preHooks[meta.outputNr, default: []].insert(hook, at: 0)
        } else {
            meta.leafHooks.append(hook)
        }
    }

    /// Computes the gradient of this tensor with respect to the graph leaves
    /// (`tensor.backward(gradient, retain_graph, create_graph, inputs)`).
    ///
    /// `gradient` may be omitted only for a one-element tensor. Without `inputs`, gradients
    /// are accumulated into the `.grad` of every leaf that requires grad; with `inputs`, only
    /// into those. The graph is freed afterwards unless `retainGraph` (which defaults to
    /// `createGraph`).
    public func backward(
        _ gradient: Tensor? = nil, retainGraph: Bool? = nil, createGraph: Bool = false, inputs: [Tensor]? = nil
    ) {
        let seed = Autograd.seedGradients(outputs: [self], gradOutputs: gradient.map { [$0] })
        guard let inputs else {
            _ = Engine.run(
                roots: [Autograd.rootEdge(self, index: 0)], grads: seed, retainGraph: retainGraph ?? createGraph,
                createGraph: createGraph)
            return
        }
        let grads = Autograd.grad(
            outputs: [self], inputs: inputs, gradOutputs: seed, retainGraph: retainGraph, createGraph: createGraph,
            allowUnused: true)
        GradMode.with(enabled: createGraph) {
            for (input, grad) in zip(inputs, grads) {
                guard let grad else { continue }
                if let existing = input.grad {
                    input.grad = createGraph ? existing.add(grad) : existing.add_(grad)
                } else {
                    input.grad = createGraph ? grad : grad.detach()
                }
            }
        }
    }
}

/// Functions of the autograd engine that are not methods of a tensor.
public enum Autograd {
    /// Gradients of `outputs` with respect to `inputs` (`torch.autograd.grad`), without
    /// touching any `.grad`. An input the outputs do not depend on gets nil when `allowUnused`
    /// and stops otherwise.
    public static func grad(
        outputs: [Tensor], inputs: [Tensor], gradOutputs: [Tensor]? = nil, retainGraph: Bool? = nil,
        createGraph: Bool = false, allowUnused: Bool = false
    ) -> [Tensor?] {
        let seed = seedGradients(outputs: outputs, gradOutputs: gradOutputs)
        let captures = inputs.enumerated().map { index, input -> Edge in
            guard let edge = input.impl.gradientEdge() else {
                preconditionFailure("grad: One of the differentiated Tensors (input \(index)) does not require grad")
            }
            return edge
        }
        let grads = Engine.run(
            roots: outputs.enumerated().map { rootEdge($1, index: $0) }, grads: seed,
            retainGraph: retainGraph ?? createGraph, createGraph: createGraph, captures: captures)
        if !allowUnused {
            for (index, grad) in grads.enumerated() {
                precondition(
                    grad != nil,
                    "grad: One of the differentiated Tensors (input \(index)) appears to not have been used in the graph. Set allowUnused: true if this is the desired behavior.")
            }
        }
        return grads
    }

    static func rootEdge(_ output: Tensor, index: Int) -> Edge {
        guard let edge = output.impl.gradientEdge() else {
            preconditionFailure("element \(index) of tensors does not require grad and does not have a grad_fn")
        }
        return edge
    }

    static func seedGradients(outputs: [Tensor], gradOutputs: [Tensor]?) -> [Tensor] {
        if let gradOutputs {
            precondition(
                gradOutputs.count == outputs.count,
                "grad: got \(gradOutputs.count) gradients for \(outputs.count) outputs")
            for (output, grad) in zip(outputs, gradOutputs) {
                precondition(
                    grad.shape == output.shape,
                    "Mismatch in shape: grad_output[0] has a shape of \(grad.shape) and output[0] has a shape of \(output.shape).")
            }
            return gradOutputs
        }
        return outputs.map { output in
            precondition(output.count == 1, "grad can be implicitly created only for scalar outputs (shape \(output.shape))")
            precondition(!output.dtype.isComplex, "grad can be implicitly created only for real scalar outputs (got \(output.dtype))")
            return Tensor.onesLike(output)
        }
    }
}

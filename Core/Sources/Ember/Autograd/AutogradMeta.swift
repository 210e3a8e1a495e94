/// Per-tensor autograd state, allocated only for tensors that take part in autograd.
final class AutogradMeta: @unchecked Sendable {
    /// Set on leaves by `requiresGrad_`; non-leaves require grad through their `gradFn`.
    var requiresGradLeaf = false
    var grad: Tensor?
    /// The node that produced this tensor; nil for leaves.
    var gradFn: Node?
    /// Which output of `gradFn` this tensor is.
    var outputNr = 0
    /// The leaf's gradient sink, shared by every op that uses the leaf while it lives.
    weak var accumulator: AccumulateGrad?
    var retainsGrad = false
    /// Hooks of a leaf, run on its gradient before accumulation.
    var leafHooks: [(Tensor) -> Tensor?] = []
}

extension TensorImpl {
    /// The autograd state, created on first use.
    var autogradMeta: AutogradMeta {
        if let meta = autograd { return meta }
        let meta = AutogradMeta()
        autograd = meta
        return meta
    }

    var requiresGrad: Bool {
        guard let meta = autograd else { return false }
        return meta.requiresGradLeaf || meta.gradFn != nil
    }

    /// The edge a gradient for this tensor travels along, or nil when it needs none.
    func gradientEdge() -> Edge? {
        guard let meta = autograd else { return nil }
        if let fn = meta.gradFn { return Edge(node: fn, inputNr: meta.outputNr) }
        guard meta.requiresGradLeaf else { return nil }
        if let existing = meta.accumulator { return Edge(node: existing, inputNr: 0) }
        let sink = AccumulateGrad(leaf: self)
        meta.accumulator = sink
        return Edge(node: sink, inputNr: 0)
    }
}

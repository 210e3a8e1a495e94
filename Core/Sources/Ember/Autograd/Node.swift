import Foundation

/// The autograd graph: nodes created by differentiable ops, the edges between them, and the
/// tensors they saved for backward.

/// Where a gradient flows: input `inputNr` of `node` (the output number of the tensor that
/// produced it).
struct Edge {
    let node: Node
    let inputNr: Int
}

/// A backward function in the graph (PyTorch's `grad_fn`, e.g. `MulBackward0`).
///
/// A node receives one gradient per output of the op that created it and returns one per
/// differentiable input; `nextEdges` says where each of those goes.
public class Node: @unchecked Sendable {
    /// PyTorch's name for the backward function, such as `"AddBackward0"`.
    public let name: String
    let nextEdges: [Edge?]
    /// Shape and dtype of each input, to validate and reduce the gradients returned for it.
    let inputMeta: [(shape: [Int], dtype: DType)]
    /// Shape and dtype of each output, to stand in zeros for outputs that got no gradient.
    let outputMeta: [(shape: [Int], dtype: DType)]
    var outputCount: Int { outputMeta.count }
    /// Order of creation: later nodes run first when several are ready (as PyTorch does).
    let sequenceNr: Int
    /// Hooks on the gradient arriving for an output (tensor hooks of non-leaf tensors).
    var preHooks: [Int: [(Tensor) -> Tensor?]] = [:]

    private nonisolated(unsafe) static var nextSequenceNr = 0
    private static let sequenceLock = NSLock()

    init(
        name: String, nextEdges: [Edge?], inputMeta: [(shape: [Int], dtype: DType)],
        outputMeta: [(shape: [Int], dtype: DType)]
    ) {
        self.name = name
        self.nextEdges = nextEdges
        self.inputMeta = inputMeta
        self.outputMeta = outputMeta
        sequenceNr = Node.sequenceLock.withLock {
            Node.nextSequenceNr += 1
            return Node.nextSequenceNr
        }
    }

    /// Gradients of the inputs from gradients of the outputs.
    func apply(_ grads: [Tensor]) -> [Tensor?] { fatalError("\(name): apply is abstract") }

    /// Frees what the node saved for backward (after a backward without `retainGraph`).
    func releaseSaved() {}
}

/// A node whose backward is a closure over the tensors the op saved.
final class FunctionNode: Node, @unchecked Sendable {
    typealias Backward = (_ grads: [Tensor], _ saved: [Tensor]) -> [Tensor?]
    private var backward: Backward?
    private var saved: [SavedTensor]

    init(
        name: String, nextEdges: [Edge?], inputMeta: [(shape: [Int], dtype: DType)],
        outputMeta: [(shape: [Int], dtype: DType)], saved: [SavedTensor], backward: @escaping Backward
    ) {
        self.saved = saved
        self.backward = backward
        super.init(name: name, nextEdges: nextEdges, inputMeta: inputMeta, outputMeta: outputMeta)
    }

    override func apply(_ grads: [Tensor]) -> [Tensor?] {
        guard let backward else {
            preconditionFailure(
                "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retainGraph: true if you need to backward through the graph a second time or if you need to access saved tensors after calling backward. (\(name))")
        }
        let values = saved.map { $0.unpack(owner: self) }
        return backward(grads, values)
    }

    override func releaseSaved() {
        backward = nil
        saved = []
    }
}

/// The sink of a leaf's gradient: adds what arrives into `leaf.grad`.
final class AccumulateGrad: Node, @unchecked Sendable {
    /// Strong: the graph keeps the leaf alive while it can still receive gradients.
    let leaf: TensorImpl

    init(leaf: TensorImpl) {
        self.leaf = leaf
        super.init(name: "AccumulateGrad", nextEdges: [], inputMeta: [], outputMeta: [(leaf.shape, leaf.dtype)])
    }

    override func apply(_ grads: [Tensor]) -> [Tensor?] {
        var grad = grads[0]
        for hook in leaf.autograd?.leafHooks ?? [] {
            if let replaced = hook(grad) { grad = replaced }
        }
        let meta = leaf.autogradMeta
        if let existing = meta.grad {
            if GradMode.isEnabled {
                // createGraph: keep the accumulated gradient differentiable.
                meta.grad = existing.add(grad)
            } else {
                existing.add_(grad)
            }
        } else {
            // A copy, so that later in-place accumulation cannot write into a gradient
            // another node still holds.
            meta.grad = GradMode.isEnabled ? grad.clone() : grad.detach().clone()
        }
        return []
    }
}

/// A tensor saved for backward, with the version of its storage at that moment.
///
/// An op's own output is saved without its `gradFn` (which is the saving node: keeping it
/// would make a reference cycle) and gets it back when unpacked.
struct SavedTensor {
    private let impl: TensorImpl
    private let version: Int
    private let isOutputOfOwner: Bool
    private let outputNr: Int

    init(_ tensor: Tensor, isOutput: Bool) {
        version = tensor.storage.version
        isOutputOfOwner = isOutput
        outputNr = tensor.impl.autograd?.outputNr ?? 0
        impl = isOutput ? tensor.detach().impl : tensor.impl
    }

    func unpack(owner: Node) -> Tensor {
        let current = impl.storage.version
        precondition(
            current == version,
            "one of the variables needed for gradient computation has been modified by an inplace operation: [\(impl.dtype) tensor of shape \(impl.shape)], which is used by \(owner.name), is at version \(current); expected version \(version) instead. Hint: the backtrace further above may show the operation that failed to compute its gradient.")
        guard isOutputOfOwner else { return Tensor(impl: impl) }
        let restored = TensorImpl(
            storage: impl.storage, dtype: impl.dtype, shape: impl.shape, strides: impl.strides, offset: impl.offset)
        let meta = restored.autogradMeta
        meta.gradFn = owner
        meta.outputNr = outputNr
        return Tensor(impl: restored)
    }
}

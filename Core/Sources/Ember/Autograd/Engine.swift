/// Runs backward over the graph: nodes in dependency order, gradients summed per input.
enum Engine {
    /// The graph's entry: hands the root gradients to the roots' nodes.
    private final class GraphRoot: Node, @unchecked Sendable {
        let rootGrads: [Tensor]
        init(edges: [Edge], grads: [Tensor]) {
            rootGrads = grads
            super.init(name: "GraphRoot", nextEdges: edges, inputMeta: grads.map { ($0.shape, $0.dtype) }, outputMeta: [])
        }
        override func apply(_ grads: [Tensor]) -> [Tensor?] { rootGrads }
    }

    /// Propagates `grads` from `roots`. With `captures`, returns the gradient arriving at each
    /// captured edge and leaves `.grad` untouched (`autograd.grad`); otherwise accumulates
    /// into leaves (`backward`).
    static func run(
        roots: [Edge], grads: [Tensor], retainGraph: Bool, createGraph: Bool, captures: [Edge]? = nil
    ) -> [Tensor?] {
        let root = GraphRoot(edges: roots, grads: grads)
        var dependencies: [ObjectIdentifier: Int] = [:]
        var seen: Set<ObjectIdentifier> = [ObjectIdentifier(root)]
        var stack: [Node] = [root]
        while let node = stack.popLast() {
            for case let edge? in node.nextEdges {
                let id = ObjectIdentifier(edge.node)
                dependencies[id, default: 0] += 1
                if seen.insert(id).inserted { stack.append(edge.node) }
            }
        }

        var captured = [Tensor?](repeating: nil, count: captures?.count ?? 0)
        var captureIndex: [ObjectIdentifier: [(inputNr: Int, slot: Int)]] = [:]
        for (slot, edge) in (captures ?? []).enumerated() {
            captureIndex[ObjectIdentifier(edge.node), default: []].append((edge.inputNr, slot))
        }

        var buffers: [ObjectIdentifier: [Tensor?]] = [:]
        var ready = ReadyQueue()
        ready.push(root)
        GradMode.with(enabled: createGraph) {
            while let node = ready.pop() {
                let id = ObjectIdentifier(node)
                var incoming = buffers.removeValue(forKey: id) ?? []
                if incoming.count < node.outputCount {
                    incoming += [Tensor?](repeating: nil, count: node.outputCount - incoming.count)
                }
                for (nr, hooks) in node.preHooks {
                    guard var grad = incoming[nr] else { continue }
                    for hook in hooks {
                        if let replaced = hook(grad) { grad = replaced }
                    }
                    incoming[nr] = grad
                }
                if let wanted = captureIndex[id] {
                    for (nr, slot) in wanted { captured[slot] = incoming[nr] }
                }
                let isSink = node is AccumulateGrad
                let outputs: [Tensor?]
                if node !== root && incoming.allSatisfy({ $0 == nil }) || (isSink && captures != nil) {
                    outputs = []
                } else {
                    let materialised = incoming.enumerated().map { nr, grad in
                        grad ?? Tensor.zeros(node.outputMeta[nr].shape, dtype: node.outputMeta[nr].dtype)
                    }
                    outputs = node.apply(materialised)
                    if !retainGraph { node.releaseSaved() }
                }
                for (index, edge) in node.nextEdges.enumerated() {
                    guard let edge else { continue }
                    let nextID = ObjectIdentifier(edge.node)
                    if index < outputs.count, let grad = outputs[index] {
                        let checked = validate(grad, for: node, input: index)
                        var buffer = buffers[nextID] ?? [Tensor?](repeating: nil, count: edge.node.outputCount)
                        if let existing = buffer[edge.inputNr] {
                            buffer[edge.inputNr] = existing.add(checked)
                        } else {
                            buffer[edge.inputNr] = checked
                        }
                        buffers[nextID] = buffer
                    }
                    let remaining = dependencies[nextID]! - 1
                    dependencies[nextID] = remaining
                    if remaining == 0 { ready.push(edge.node) }
                }
            }
        }
        return captured
    }

    /// Brings a gradient to the shape and dtype of the input it is for: gradients of broadcast
    /// inputs are summed back to the input's shape, and cast to its dtype.
    private static func validate(_ grad: Tensor, for node: Node, input index: Int) -> Tensor {
        let meta = node.inputMeta[index]
        var grad = grad
        if grad.shape != meta.shape {
            precondition(
                Shape.isExpandable(meta.shape, to: grad.shape),
                "Function \(node.name) returned an invalid gradient at index \(index) - got \(grad.shape) but expected shape compatible with \(meta.shape)")
            grad = grad.sumToSize(meta.shape)
        }
        if grad.dtype != meta.dtype { grad = grad.to(meta.dtype) }
        return grad
    }
}

/// Nodes whose dependencies are all met, latest-created first (PyTorch's order on one device).
private struct ReadyQueue {
    private var heap: [Node] = []

    mutating func push(_ node: Node) {
        heap.append(node)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].sequenceNr > heap[parent].sequenceNr else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Node? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var largest = parent
            if left < heap.count && heap[left].sequenceNr > heap[largest].sequenceNr { largest = left }
            if right < heap.count && heap[right].sequenceNr > heap[largest].sequenceNr { largest = right }
            if largest == parent { break }
            heap.swapAt(parent, largest)
            parent = largest
        }
        return top
    }
}

import Foundation

/// A module's state as ordered (key, tensor) pairs (`module.state_dict()`), with lookup by key.
public struct StateDict: RandomAccessCollection, CustomStringConvertible {
    public typealias Element = (key: String, tensor: Tensor)

    /// The entries in order.
    public private(set) var entries: [Element]
    private var positions: [String: Int]

    public init(_ entries: [Element] = []) {
        self.entries = []
        positions = [:]
        for (key, tensor) in entries { self[key] = tensor }
    }

    /// The entries of a dictionary, in sorted key order.
    public init(_ dictionary: [String: Tensor]) {
        self.init(dictionary.sorted { $0.key < $1.key }.map { (key: $0.key, tensor: $0.value) })
    }

    public var startIndex: Int { entries.startIndex }
    public var endIndex: Int { entries.endIndex }
    public subscript(position: Int) -> Element { entries[position] }

    /// The keys in order.
    public var keys: [String] { entries.map(\.key) }

    /// The tensor under `key`; assigning replaces it in place or appends a new entry, and nil
    /// removes it.
    public subscript(key: String) -> Tensor? {
        get { positions[key].map { entries[$0].tensor } }
        set {
            if let newValue {
                if let index = positions[key] {
                    entries[index].tensor = newValue
                } else {
                    positions[key] = entries.count
                    entries.append((key, newValue))
                }
            } else if let index = positions.removeValue(forKey: key) {
                entries.remove(at: index)
                for position in index..<entries.count { positions[entries[position].key] = position }
            }
        }
    }

    /// The entries as a dictionary.
    public var dictionary: [String: Tensor] { Dictionary(entries.map { ($0.key, $0.tensor) }, uniquingKeysWith: { a, _ in a }) }

    public var description: String {
        "StateDict(" + entries.map { "\($0.key): \($0.tensor.dtype) \($0.tensor.shape)" }.joined(separator: ", ") + ")"
    }

    /// Writes the state dict: safetensors when `path` ends in `.safetensors`, otherwise a
    /// `torch.save` checkpoint that `torch.load` reads as an `OrderedDict` in this order.
    public func save(to path: String) throws {
        if StateDict.isSafetensors(path) {
            try Safetensors.save(dictionary, to: path)
        } else {
            try TorchCheckpoint.save(entries.map { ($0.key, $0.tensor) }, to: path)
        }
    }

    /// Reads a state dict from a safetensors file (by the `.safetensors` extension) or a
    /// PyTorch checkpoint (`.pt`, `.pth`, `.bin`; a nested checkpoint's tensors get dotted
    /// keys). Keys are sorted: neither format records the module's order reliably.
    public init(contentsOf path: String) throws {
        self.init(StateDict.isSafetensors(path) ? try Safetensors.load(path) : try TorchCheckpoint.loadStateDict(path))
    }

    static func isSafetensors(_ path: String) -> Bool { path.lowercased().hasSuffix(".safetensors") }
}

/// Why `loadStateDict` refused a state dict: every missing, unexpected and mis-shaped key.
/// The description is PyTorch's message.
public struct StateDictError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A key whose tensor's shape differs from the module's.
    public struct SizeMismatch: Equatable, Sendable {
        public let key: String
        public let checkpointShape: [Int]
        public let modelShape: [Int]
    }

    /// The type of the module being loaded.
    public let moduleName: String
    /// Keys the module has and the state dict lacks (reported in strict mode).
    public let missingKeys: [String]
    /// Keys the state dict has and the module lacks (reported in strict mode).
    public let unexpectedKeys: [String]
    /// Keys present on both sides with different shapes (reported in every mode).
    public let sizeMismatches: [SizeMismatch]

    public var description: String {
        var lines: [String] = []
        func quoted(_ keys: [String]) -> String { keys.map { "\"\($0)\"" }.joined(separator: ", ") }
        if !unexpectedKeys.isEmpty { lines.append("Unexpected key(s) in state_dict: \(quoted(unexpectedKeys)). ") }
        if !missingKeys.isEmpty { lines.append("Missing key(s) in state_dict: \(quoted(missingKeys)). ") }
        for mismatch in sizeMismatches {
            lines.append(
                "size mismatch for \(mismatch.key): copying a param with shape \(mismatch.checkpointShape) from checkpoint, the shape in current model is \(mismatch.modelShape).")
        }
        return "Error(s) in loading state_dict for \(moduleName):\n\t" + lines.joined(separator: "\n\t")
    }
}

extension Module {
    /// The module's persistent state (`state_dict()`): each module's parameters, then its
    /// persistent buffers, then each child's state under `childName.`, depth first. Absent
    /// (nil) tensors are left out; tensors are detached views of the module's own, so editing
    /// them in place edits the module.
    public func stateDict(prefix: String = "") -> StateDict {
        var result = StateDict()
        // A module shared under two names appears under both, as in PyTorch; only a cycle
        // (a module holding one of its ancestors) is cut.
        var ancestors: [ObjectIdentifier] = []
        func visit(_ module: Module, _ prefix: String) {
            guard !ancestors.contains(ObjectIdentifier(module)) else { return }
            ancestors.append(ObjectIdentifier(module))
            defer { ancestors.removeLast() }
            for (name, slot) in module.ownParameterSlots() {
                if let tensor = slot.storedTensor { result[prefix + name] = tensor.detach() }
            }
            for (name, slot) in module.ownBufferSlots() where slot.persistent {
                if let tensor = slot.storedTensor { result[prefix + name] = tensor.detach() }
            }
            for (name, child) in module.allNamedChildren() { visit(child, prefix + name + ".") }
        }
        visit(self, prefix)
        return result
    }

    /// Copies `stateDict`'s tensors into the module's parameters and buffers
    /// (`load_state_dict(state_dict, strict)`), converting dtypes. The tensors keep their
    /// identity, so an optimizer built earlier still holds them.
    ///
    /// Nothing is copied when the load fails: mis-shaped keys always throw, and in strict mode
    /// (the default) missing and unexpected keys throw too; the `StateDictError` names every
    /// key. Without `strict`, the missing and unexpected keys are returned.
    @discardableResult
    public func loadStateDict(
        _ stateDict: [String: Tensor], strict: Bool = true
    ) throws -> (missingKeys: [String], unexpectedKeys: [String]) {
        try loadStateDict(StateDict(stateDict), strict: strict)
    }

    /// `loadStateDict` for an ordered state dict (unexpected keys are reported in its order).
    @discardableResult
    public func loadStateDict(
        _ stateDict: StateDict, strict: Bool = true
    ) throws -> (missingKeys: [String], unexpectedKeys: [String]) {
        var available = stateDict.dictionary
        var missing: [String] = []
        var mismatches: [StateDictError.SizeMismatch] = []
        var consumed = Set<String>()
        var copies: [(target: Tensor, source: Tensor)] = []
        var ancestors: [ObjectIdentifier] = []

        func visit(_ module: Module, _ prefix: String) {
            guard !ancestors.contains(ObjectIdentifier(module)) else { return }
            ancestors.append(ObjectIdentifier(module))
            defer { ancestors.removeLast() }
            module.willLoadStateDict(&available, prefix: prefix)
            var slots: [(String, Tensor)] = module.ownParameterSlots().compactMap { entry in entry.slot.storedTensor.map { (entry.name, $0) } }
            slots += module.ownBufferSlots().compactMap { entry in
                entry.slot.persistent ? entry.slot.storedTensor.map { (entry.name, $0) } : nil
            }
            for (name, target) in slots {
                let key = prefix + name
                guard let source = available[key] else {
                    missing.append(key)
                    continue
                }
                consumed.insert(key)
                if source.shape != target.shape {
                    mismatches.append(.init(key: key, checkpointShape: source.shape, modelShape: target.shape))
                } else {
                    copies.append((target, source))
                }
            }
            for (name, child) in module.allNamedChildren() { visit(child, prefix + name + ".") }
        }
        visit(self, "")

        // Keys a hook added come after the given ones, in sorted order.
        var unexpected = stateDict.keys.filter { available[$0] != nil && !consumed.contains($0) }
        let given = Set(stateDict.keys)
        unexpected += available.keys.filter { !given.contains($0) && !consumed.contains($0) }.sorted()
        if !mismatches.isEmpty || (strict && !(missing.isEmpty && unexpected.isEmpty)) {
            throw StateDictError(
                moduleName: typeName, missingKeys: strict ? missing : [], unexpectedKeys: strict ? unexpected : [],
                sizeMismatches: mismatches)
        }
        withNoGrad {
            for (target, source) in copies { target.copy_(source) }
        }
        return (missing, unexpected)
    }

    /// Writes the state dict to `path`: safetensors for a `.safetensors` path, otherwise a
    /// `torch.save` checkpoint (`torch.save(model.state_dict(), path)`).
    public func save(to path: String) throws {
        try stateDict().save(to: path)
    }

    /// Loads a state dict from a safetensors file or a PyTorch checkpoint (see
    /// `StateDict(contentsOf:)`) into the module, as `loadStateDict(_:strict:)` does.
    @discardableResult
    public func loadStateDict(
        contentsOf path: String, strict: Bool = true
    ) throws -> (missingKeys: [String], unexpectedKeys: [String]) {
        try loadStateDict(try StateDict(contentsOf: path), strict: strict)
    }
}

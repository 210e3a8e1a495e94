/// An optimizer's state dict in PyTorch's layout:
/// `{"state": {0: {"step": tensor(3.), "exp_avg": ...}, ...}, "param_groups": [{"lr": 0.001, ..., "params": [0, 1]}]}`.
///
/// Parameters are numbered across all groups in order; `state` has an entry for each
/// parameter that has state. `save(to:)` writes a `.pt` file that
/// `torch.optim.Adam(...).load_state_dict(torch.load(path))` accepts, and
/// `init(contentsOf:)` reads one that PyTorch wrote.
public struct OptimizerStateDict: @unchecked Sendable {
    /// One `param_groups` entry: the options (and scheduler values) under PyTorch's keys, in
    /// order, and the indices of the group's parameters.
    public struct Group: @unchecked Sendable {
        public var entries: [(key: String, value: PickleValue)]
        public var params: [Int]

        public init(entries: [(key: String, value: PickleValue)], params: [Int]) {
            self.entries = entries
            self.params = params
        }

        /// The value under `key` (`group["lr"]`); setting nil removes it.
        public subscript(key: String) -> PickleValue? {
            get { entries.first { $0.key == key }?.value }
            set {
                if let index = entries.firstIndex(where: { $0.key == key }) {
                    if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
                } else if let newValue {
                    entries.append((key, newValue))
                }
            }
        }
    }

    /// Per-parameter state by parameter index.
    public var state: [Int: [String: Tensor]]
    public var paramGroups: [Group]

    public init(state: [Int: [String: Tensor]], paramGroups: [Group]) {
        self.state = state
        self.paramGroups = paramGroups
    }

    /// The keys of a parameter's state in the order PyTorch's optimizers create them.
    static let stateKeyOrder = [
        "step", "momentum_buffer", "exp_avg", "exp_avg_sq", "max_exp_avg_sq", "square_avg", "grad_avg", "sum",
    ]

    /// The state dict as the value tree `torch.save` writes (plain dicts, as PyTorch's are).
    public var pickleValue: PickleValue {
        let states = state.keys.sorted().map { index -> (key: PickleValue, value: PickleValue) in
            let entries = state[index]!
            let known = Self.stateKeyOrder.filter { entries[$0] != nil }
            let others = entries.keys.filter { !Self.stateKeyOrder.contains($0) }.sorted()
            let items = (known + others).map { (key: PickleValue.string($0), value: PickleValue.tensor(entries[$0]!)) }
            return (.int(Int64(index)), .dict(items))
        }
        let groups = paramGroups.map { group -> PickleValue in
            .dict(
                group.entries.map { (key: PickleValue.string($0.key), value: $0.value) }
                    + [(key: .string("params"), value: .list(group.params.map { .int(Int64($0)) }))])
        }
        return .dict([(.string("state"), .dict(states)), (.string("param_groups"), .list(groups))])
    }

    /// Reads a state dict from the value tree `TorchCheckpoint.load` returns. A `step` stored
    /// as a plain number (PyTorch before 1.12) becomes a float32 0-d tensor.
    public init(_ value: PickleValue) throws {
        guard case .dict = value, let stateValue = value["state"], let groupsValue = value["param_groups"] else {
            throw OptimizerStateError.malformed("expected a dict with 'state' and 'param_groups'")
        }
        guard case .dict(let stateItems) = stateValue else { throw OptimizerStateError.malformed("'state' is not a dict") }
        var state: [Int: [String: Tensor]] = [:]
        for item in stateItems {
            guard case .int(let index) = item.key else {
                throw OptimizerStateError.malformed("state key \(item.key) is not a parameter index")
            }
            guard case .dict(let entries) = item.value else {
                throw OptimizerStateError.malformed("state of parameter \(index) is not a dict")
            }
            var tensors: [String: Tensor] = [:]
            for entry in entries {
                guard case .string(let key) = entry.key else {
                    throw OptimizerStateError.malformed("state key \(entry.key) of parameter \(index) is not a string")
                }
                switch entry.value {
                case .tensor(let t): tensors[key] = t
                case .int, .float: tensors[key] = Tensor(scalar: Float(entry.value.doubleValue!))
                case .none: continue  // SGD's momentum_buffer before its first step in old files
                default: throw OptimizerStateError.invalidValue(key: key, detail: "expected a tensor, got \(entry.value)")
                }
            }
            state[Int(index)] = tensors
        }
        guard case .list(let groupValues) = groupsValue else {
            throw OptimizerStateError.malformed("'param_groups' is not a list")
        }
        var groups: [Group] = []
        for (number, groupValue) in groupValues.enumerated() {
            guard case .dict(let items) = groupValue else {
                throw OptimizerStateError.malformed("param_groups[\(number)] is not a dict")
            }
            var entries: [(key: String, value: PickleValue)] = []
            var params: [Int]?
            for item in items {
                guard case .string(let key) = item.key else {
                    throw OptimizerStateError.malformed("param_groups[\(number)] has a key that is not a string")
                }
                if key == "params" {
                    let indices: [PickleValue]
                    switch item.value {
                    case .list(let values), .tuple(let values): indices = values
                    default: throw OptimizerStateError.invalidValue(key: "params", detail: "expected a list of indices")
                    }
                    let values = indices.compactMap { $0.intValue }
                    guard values.count == indices.count else {
                        throw OptimizerStateError.invalidValue(key: "params", detail: "expected a list of indices")
                    }
                    params = values.map { Int($0) }
                } else {
                    entries.append((key, item.value))
                }
            }
            guard let params else { throw OptimizerStateError.missingKey("params", context: "param_groups[\(number)]") }
            groups.append(Group(entries: entries, params: params))
        }
        self.init(state: state, paramGroups: groups)
    }

    /// Writes the state dict as a `.pt` file (`torch.save(optimizer.state_dict(), path)`).
    public func save(to path: String) throws {
        try TorchCheckpoint.save(pickleValue, to: path)
    }

    /// Reads a state dict from a `.pt` file written by `save(to:)` or by `torch.save`.
    public init(contentsOf path: String) throws {
        try self.init(TorchCheckpoint.load(path))
    }
}

/// Typed reads of state-dict entries, throwing `OptimizerStateError.invalidValue`.
extension Dictionary where Key == String, Value == PickleValue {
    func optimDouble(_ key: String) throws -> Double? {
        guard let value = self[key] else { return nil }
        switch value {
        case .float(let v): return v
        case .int(let v): return Double(v)
        case .bool(let b): return b ? 1 : 0
        case .tensor(let t) where t.count == 1: return t.item(Double.self)
        default: throw OptimizerStateError.invalidValue(key: key, detail: "expected a number, got \(value)")
        }
    }

    func optimInt(_ key: String) throws -> Int? {
        guard let value = self[key] else { return nil }
        switch value {
        case .int(let v): return Int(v)
        case .float(let v) where v.rounded() == v && abs(v) < 9e15: return Int(v)
        default: throw OptimizerStateError.invalidValue(key: key, detail: "expected an integer, got \(value)")
        }
    }

    func optimBool(_ key: String) throws -> Bool? {
        guard let value = self[key] else { return nil }
        switch value {
        case .bool(let b): return b
        case .int(let v): return v != 0
        default: throw OptimizerStateError.invalidValue(key: key, detail: "expected a bool, got \(value)")
        }
    }

    func optimPair(_ key: String) throws -> (Double, Double)? {
        guard let value = self[key] else { return nil }
        switch value {
        case .tuple(let items), .list(let items):
            guard items.count == 2, let a = items[0].optimNumber, let b = items[1].optimNumber else { break }
            return (a, b)
        default: break
        }
        throw OptimizerStateError.invalidValue(key: key, detail: "expected a pair of numbers, got \(value)")
    }

    func optimDoubles(_ key: String) throws -> [Double]? {
        guard let value = self[key] else { return nil }
        switch value {
        case .tuple(let items), .list(let items):
            let numbers = items.compactMap { $0.optimNumber }
            if numbers.count == items.count { return numbers }
        default: break
        }
        throw OptimizerStateError.invalidValue(key: key, detail: "expected a list of numbers, got \(value)")
    }
}

extension PickleValue {
    /// A number as a double: Python ints, floats and one-element tensors.
    var optimNumber: Double? {
        switch self {
        case .float(let v): return v
        case .int(let v): return Double(v)
        case .tensor(let t) where t.count == 1: return t.item(Double.self)
        default: return nil
        }
    }
}

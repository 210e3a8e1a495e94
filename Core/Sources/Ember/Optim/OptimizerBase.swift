/// The machinery every optimizer shares: parameter groups, per-parameter state, the step loop,
/// `zeroGrad`, state dicts. An algorithm is an `Options` type (its hyperparameters) and a
/// `State` type (what it keeps per parameter and how it updates one); `SGD`, `Adam`, `AdamW`,
/// `RMSprop` and `Adagrad` are thin subclasses that add PyTorch's constructors.
open class OptimizerBase<Options: OptimizerOptions, State: OptimizerParameterState>: Optimizer
where State.Options == Options {
    /// The parameter groups (`optimizer.param_groups`); options may be changed between steps.
    public var paramGroups: [ParamGroup<Options>]
    /// The options new groups start from (`optimizer.defaults`).
    public let defaults: Options
    /// State by parameter identity; the parameter is kept so that the identifier stays unique.
    private var states: [ObjectIdentifier: (param: Tensor, state: State)] = [:]

    /// An optimizer over `groups`; `defaults` are the options `addParamGroup(_:configure:)`
    /// starts from.
    public init(groups: [ParamGroup<Options>], defaults: Options) {
        defaults.validate()
        self.defaults = defaults
        paramGroups = []
        precondition(!groups.isEmpty, "optimizer got an empty parameter list")
        for group in groups { addParamGroup(group) }
    }

    /// Adds a group (`optimizer.add_param_group`). A parameter may belong to one group only,
    /// and must be a leaf (gradients accumulate only in leaves).
    public func addParamGroup(_ group: ParamGroup<Options>) {
        group.options.validate()
        precondition(!group.params.isEmpty, "optimizer got an empty parameter list")
        var seen = Set<ObjectIdentifier>()
        for existing in paramGroups { for p in existing.params { seen.insert(ObjectIdentifier(p.impl)) } }
        for param in group.params {
            precondition(param.isLeaf || param.retainsGrad, "can't optimize a non-leaf Tensor")
            precondition(
                seen.insert(ObjectIdentifier(param.impl)).inserted,
                "some parameters appear in more than one parameter group")
        }
        paramGroups.append(group)
        if State.initializesEagerly {
            for param in group.params { states[ObjectIdentifier(param.impl)] = (param, State(for: param, options: group.options)) }
        }
    }

    /// Adds a group whose options are the optimizer's defaults changed by `configure`:
    /// `optimizer.addParamGroup(head.parameters()) { $0.lr = 1e-3 }`.
    public func addParamGroup(_ params: [Tensor], configure: (inout Options) -> Void = { _ in }) {
        var options = defaults
        configure(&options)
        addParamGroup(ParamGroup(params, options: options))
    }

    /// The state kept for `param` (`optimizer.state[param]`); nil before its first step.
    public func state(for param: Tensor) -> State? { states[ObjectIdentifier(param.impl)]?.state }

    public func step() {
        withNoGrad {
            for group in paramGroups {
                for param in group.params {
                    guard let grad = param.grad else { continue }
                    let id = ObjectIdentifier(param.impl)
                    var state = states[id]?.state ?? State(for: param, options: group.options)
                    state.update(param, grad: grad, options: group.options)
                    states[id] = (param, state)
                }
            }
        }
    }

    public func zeroGrad(setToNone: Bool = true) {
        for group in paramGroups {
            for param in group.params {
                guard let grad = param.grad else { continue }
                if setToNone {
                    param.grad = nil
                } else {
                    if grad.gradFn != nil { grad.detach_() } else if grad.requiresGrad { grad.requiresGrad_(false) }
                    withNoGrad { _ = grad.fill_(0) }
                }
            }
        }
    }

    // MARK: Scheduler access

    public var learningRates: [Double] {
        get { paramGroups.map(\.options.lr) }
        set {
            precondition(newValue.count == paramGroups.count, "learningRates: expected \(paramGroups.count) values, got \(newValue.count)")
            for (i, lr) in newValue.enumerated() { paramGroups[i].options.lr = lr }
        }
    }

    public var momenta: [Double]? {
        get {
            let values = paramGroups.compactMap(\.options.cyclicMomentum)
            return values.count == paramGroups.count ? values : nil
        }
        set {
            guard let newValue else { return }
            precondition(newValue.count == paramGroups.count, "momenta: expected \(paramGroups.count) values, got \(newValue.count)")
            for (i, m) in newValue.enumerated() { paramGroups[i].options.cyclicMomentum = m }
        }
    }

    public var schedulerValues: [[String: Double]] {
        get { paramGroups.map(\.schedulerValues) }
        set {
            precondition(newValue.count == paramGroups.count, "schedulerValues: expected \(paramGroups.count) groups, got \(newValue.count)")
            for (i, values) in newValue.enumerated() { paramGroups[i].schedulerValues = values }
        }
    }

    // MARK: State dicts

    /// The keys of scheduler values in the order PyTorch's schedulers add them.
    private static var schedulerKeyOrder: [String] { ["initial_lr", "max_lr", "min_lr", "max_momentum", "base_momentum"] }

    public func stateDict() -> OptimizerStateDict {
        var indices: [ObjectIdentifier: Int] = [:]
        var groups: [OptimizerStateDict.Group] = []
        for group in paramGroups {
            var params: [Int] = []
            for param in group.params {
                let id = ObjectIdentifier(param.impl)
                if indices[id] == nil { indices[id] = indices.count }
                params.append(indices[id]!)
            }
            var entries = group.options.stateDictEntries().map { (key: $0.0, value: $0.1) }
            let known = Self.schedulerKeyOrder.filter { group.schedulerValues[$0] != nil }
            let others = group.schedulerValues.keys.filter { !Self.schedulerKeyOrder.contains($0) }.sorted()
            for key in known + others { entries.append((key, .float(group.schedulerValues[key]!))) }
            groups.append(OptimizerStateDict.Group(entries: entries, params: params))
        }
        var state: [Int: [String: Tensor]] = [:]
        for (id, entry) in states {
            guard let index = indices[id] else { continue }
            let entries = entry.state.stateDictEntries
            if entries.isEmpty { continue }
            state[index] = Dictionary(uniqueKeysWithValues: entries.map { ($0.0, $0.1.clone()) })
        }
        return OptimizerStateDict(state: state, paramGroups: groups)
    }

    open func loadStateDict(_ stateDict: OptimizerStateDict) throws {
        guard stateDict.paramGroups.count == paramGroups.count else {
            throw OptimizerStateError.groupCountMismatch(expected: paramGroups.count, saved: stateDict.paramGroups.count)
        }
        var byIndex: [Int: (param: Tensor, group: Int)] = [:]
        var newGroups = paramGroups
        for (g, saved) in stateDict.paramGroups.enumerated() {
            let group = paramGroups[g]
            guard saved.params.count == group.params.count else {
                throw OptimizerStateError.groupSizeMismatch(group: g, expected: group.params.count, saved: saved.params.count)
            }
            for (index, param) in zip(saved.params, group.params) { byIndex[index] = (param, g) }
            let entries = Dictionary(saved.entries.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
            try newGroups[g].options.load(entries)
            newGroups[g].options.validate()
            var values: [String: Double] = [:]
            for key in Self.schedulerKeyOrder { if let v = try entries.optimDouble(key) { values[key] = v } }
            newGroups[g].schedulerValues = values
        }
        var newStates: [ObjectIdentifier: (param: Tensor, state: State)] = [:]
        for (index, saved) in stateDict.state.sorted(by: { $0.key < $1.key }) {
            // PyTorch keeps state of unknown indices untouched but never uses it; so do we not.
            guard let (param, g) = byIndex[index] else { continue }
            var tensors: [String: Tensor] = [:]
            for (key, value) in saved.sorted(by: { $0.key < $1.key }) {
                if key == "step" {
                    guard value.count == 1 else {
                        throw OptimizerStateError.invalidValue(key: "step", detail: "expected one element, got shape \(value.shape)")
                    }
                    tensors[key] = value
                    continue
                }
                guard value.shape == param.shape else {
                    throw OptimizerStateError.shapeMismatch(key: key, parameter: index, expected: param.shape, saved: value.shape)
                }
                guard value.dtype.isFloatingPoint else {
                    throw OptimizerStateError.invalidValue(key: key, detail: "expected a floating-point tensor, got \(value.dtype)")
                }
                // Cast to the parameter's dtype (PyTorch's rule) into memory the optimizer owns.
                let owned = Tensor(empty: param.shape, dtype: param.dtype)
                withNoGrad { _ = owned.copy_(value) }
                tensors[key] = owned
            }
            let state = try State(stateDictEntries: tensors, for: param, options: newGroups[g].options)
            newStates[ObjectIdentifier(param.impl)] = (param, state)
        }
        if State.initializesEagerly {
            for group in newGroups {
                for param in group.params where newStates[ObjectIdentifier(param.impl)] == nil {
                    newStates[ObjectIdentifier(param.impl)] = (param, State(for: param, options: group.options))
                }
            }
        }
        paramGroups = newGroups
        states = newStates
    }
}

extension OptimizerParameterState {
    /// The step count stored under `step` (a one-element tensor).
    static func loadedStep(_ entries: [String: Tensor], context: String) throws -> Double {
        guard let step = entries["step"] else { throw OptimizerStateError.missingKey("step", context: context) }
        return step.item(Double.self)
    }

    /// A required state tensor.
    static func loaded(_ key: String, _ entries: [String: Tensor], context: String) throws -> Tensor {
        guard let tensor = entries[key] else { throw OptimizerStateError.missingKey(key, context: context) }
        return tensor
    }
}

/// PyTorch keeps `step` in a float32 tensor and increments it there, so counts past 2^24 stop
/// growing exactly as PyTorch's do; the value is read back as a double for the maths.
@inline(__always) func incrementedStep(_ step: Double) -> Double { Double(Float(step) + 1) }

/// `step` as PyTorch stores it: a float32 0-d tensor.
@inline(__always) func stepTensor(_ step: Double) -> Tensor { Tensor(scalar: Float(step)) }

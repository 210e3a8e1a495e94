/// Learning-rate schedulers (`torch.optim.lr_scheduler`). A scheduler changes the learning
/// rates of an optimizer's groups each time `step()` is called, after `optimizer.step()`:
///
/// ```swift
/// let scheduler = StepLR(optimizer: optimizer, stepSize: 30, gamma: 0.1)
/// for epoch in 0..<100 {
///     train(epoch)              // optimizer.step() inside
///     scheduler.step()
/// }
/// ```
///
/// Schedules follow PyTorch's chainable (recursive) forms: each step multiplies or adjusts the
/// group's current learning rate, so learning rates set by hand or by another scheduler on the
/// same optimizer carry over, and the numbers are PyTorch's to the last bit.

/// The base of the epoch-driven schedulers (`torch.optim.lr_scheduler.LRScheduler`).
///
/// A subclass sets its own properties, calls `super.init(optimizer:lastEpoch:)` (which makes
/// the initial step, as PyTorch's constructor does) and overrides `getLR()`, and
/// `closedFormLR()` when the schedule has a closed form.
open class LRScheduler {
    public let optimizer: any Optimizer
    /// The index of the last step taken (`last_epoch`); -1 before the initial step.
    public internal(set) var lastEpoch: Int
    /// Each group's learning rate at the start (`base_lrs`, from the group's `initial_lr`).
    public internal(set) var baseLRs: [Double]
    /// The number of `step()` calls including the initial one (`_step_count`).
    public internal(set) var stepCount = 0
    /// True while the initializer makes its initial step (`_is_initial`).
    public internal(set) var isInitial = false
    var lastLR: [Double] = []

    /// Records each group's `initial_lr` (when `lastEpoch` is -1; a resumed schedule needs it
    /// in the groups already) and makes the initial step.
    public init(optimizer: any Optimizer, lastEpoch: Int = -1) {
        self.optimizer = optimizer
        var values = optimizer.schedulerValues
        if lastEpoch == -1 {
            let lrs = optimizer.learningRates
            for i in values.indices where values[i]["initial_lr"] == nil { values[i]["initial_lr"] = lrs[i] }
            optimizer.schedulerValues = values
        } else {
            for (i, group) in values.enumerated() {
                precondition(
                    group["initial_lr"] != nil,
                    "param 'initial_lr' is not specified in param_groups[\(i)] when resuming scheduler with last_epoch >= 0")
            }
        }
        baseLRs = values.map { $0["initial_lr"]! }
        self.lastEpoch = lastEpoch
        initialStep()
    }

    /// For schedulers that manage other schedulers (SequentialLR): no initial step.
    init(managing optimizer: any Optimizer, lastEpoch: Int) {
        self.optimizer = optimizer
        self.lastEpoch = lastEpoch
        baseLRs = optimizer.schedulerValues.map { $0["initial_lr"] ?? 0 }
    }

    func initialStep() {
        stepCount = 0
        isInitial = true
        step()
        isInitial = false
    }

    /// The learning rates for the step `lastEpoch` was just advanced to, computed from the
    /// groups' current learning rates (PyTorch's `get_lr`). Subclasses must override it.
    open func getLR() -> [Double] {
        preconditionFailure("\(type(of: self)) must override getLR()")
    }

    /// The learning rates at `lastEpoch` from the base learning rates alone (PyTorch's
    /// `_get_closed_form_lr`), or nil when the schedule has no closed form.
    open func closedFormLR() -> [Double]? { nil }

    /// Advances the schedule one step and sets the groups' learning rates.
    open func step() {
        stepCount += 1
        updateLR(epoch: nil)
    }

    /// PyTorch's `_update_lr`: with an epoch, jumps there using the closed form when there is one.
    func updateLR(epoch: Int?) {
        let values: [Double]
        if let epoch {
            lastEpoch = epoch
            values = closedFormLR() ?? getLR()
        } else {
            lastEpoch += 1
            values = getLR()
        }
        optimizer.learningRates = values
        lastLR = optimizer.learningRates
    }

    /// The learning rates the last step set (`get_last_lr()`).
    public func getLastLR() -> [Double] { lastLR }

    /// The group learning rates as they are now.
    var currentLRs: [Double] { optimizer.learningRates }

    // MARK: State dicts

    /// The schedule's state under PyTorch's attribute names; subclasses add their own to
    /// `super`'s.
    open func stateEntries() -> [(String, PickleValue)] {
        [
            ("base_lrs", .list(baseLRs.map { .float($0) })), ("last_epoch", .int(Int64(lastEpoch))),
            ("_step_count", .int(Int64(stepCount))), ("_is_initial", .bool(isInitial)),
            ("_get_lr_called_within_step", .bool(false)), ("_last_lr", .list(lastLR.map { .float($0) })),
        ]
    }

    /// Restores what `stateEntries()` saved; keys that are absent keep their value.
    open func loadStateEntries(_ entries: [String: PickleValue]) throws {
        baseLRs = try entries.optimDoubles("base_lrs") ?? baseLRs
        lastEpoch = try entries.optimInt("last_epoch") ?? lastEpoch
        stepCount = try entries.optimInt("_step_count") ?? stepCount
        isInitial = try entries.optimBool("_is_initial") ?? isInitial
        lastLR = try entries.optimDoubles("_last_lr") ?? lastLR
    }

    /// The scheduler's state (`scheduler.state_dict()`), a dict that `TorchCheckpoint.save`
    /// writes and PyTorch's `load_state_dict` reads. Closures (LambdaLR's) are not saved.
    public func stateDict() -> PickleValue { schedulerStateDict(stateEntries()) }

    /// Restores a state saved by `stateDict()` (or by PyTorch).
    public func loadStateDict(_ stateDict: PickleValue) throws {
        try loadStateEntries(schedulerEntries(stateDict))
    }
}

/// A scheduler state dict from entries: a dict with the keys in sorted order.
func schedulerStateDict(_ entries: [(String, PickleValue)]) -> PickleValue {
    .dict(entries.sorted { $0.0 < $1.0 }.map { (key: .string($0.0), value: $0.1) })
}

/// The entries of a scheduler state dict.
func schedulerEntries(_ value: PickleValue) throws -> [String: PickleValue] {
    guard case .dict(let items) = value else { throw OptimizerStateError.malformed("a scheduler state dict must be a dict") }
    var entries: [String: PickleValue] = [:]
    for item in items {
        guard case .string(let key) = item.key else {
            throw OptimizerStateError.malformed("scheduler state key \(item.key) is not a string")
        }
        entries[key] = item.value
    }
    return entries
}

/// Python's `bisect.bisect_right`: the number of elements of the sorted `values` that are <= `x`.
func bisectRight(_ values: [Int], _ x: Int) -> Int {
    var low = 0, high = values.count
    while low < high {
        let mid = (low + high) / 2
        if x < values[mid] { high = mid } else { low = mid + 1 }
    }
    return low
}

/// One value per group: a single value repeated, or exactly one per group (PyTorch's
/// `_format_param`).
func perGroup(_ values: [Double], groups: Int, name: String) -> [Double] {
    if values.count == 1 { return Array(repeating: values[0], count: groups) }
    precondition(
        values.count == groups,
        "\(name) must have the same length as optimizer.param_groups. \(name) has \(values.count) values, param_groups has \(groups).")
    return values
}

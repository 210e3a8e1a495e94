/// Reduces the learning rates when a metric stops improving
/// (`torch.optim.lr_scheduler.ReduceLROnPlateau`): after more than `patience` steps without
/// improvement the rates are multiplied by `factor` (not below `minLRs`), then `cooldown`
/// steps pass before bad steps count again.
///
/// ```swift
/// let scheduler = ReduceLROnPlateau(optimizer: optimizer, mode: .min, patience: 3)
/// scheduler.step(validationLoss)
/// ```
public final class ReduceLROnPlateau {
    /// Whether lower (`.min`, a loss) or higher (`.max`, an accuracy) is better.
    public enum Mode: String, Sendable { case min, max }
    /// Whether `threshold` is relative to the best value (`.rel`) or absolute (`.abs`).
    public enum ThresholdMode: String, Sendable { case rel, abs }

    public let optimizer: any Optimizer
    public private(set) var mode: Mode
    public private(set) var factor: Double
    public private(set) var patience: Int
    public private(set) var threshold: Double
    public private(set) var thresholdMode: ThresholdMode
    public private(set) var cooldown: Int
    /// The lower bound of each group's learning rate.
    public private(set) var minLRs: [Double]
    /// The minimum given as one value for all groups (extended when groups are added).
    private var defaultMinLR: Double?
    /// Reductions smaller than this are skipped.
    public private(set) var eps: Double
    public private(set) var best: Double
    public private(set) var numBadEpochs = 0
    public private(set) var cooldownCounter = 0
    public private(set) var lastEpoch = 0
    private var lastLR: [Double]

    /// `minLRs` holds one value for every group or one value for all.
    public init(
        optimizer: any Optimizer, mode: Mode = .min, factor: Double = 0.1, patience: Int = 10, threshold: Double = 1e-4,
        thresholdMode: ThresholdMode = .rel, cooldown: Int = 0, minLRs: [Double] = [0], eps: Double = 1e-8
    ) {
        precondition(factor < 1.0, "Factor should be < 1.0.")
        let groups = optimizer.learningRates.count
        self.optimizer = optimizer
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.thresholdMode = thresholdMode
        self.cooldown = cooldown
        defaultMinLR = minLRs.count == 1 ? minLRs[0] : nil
        self.minLRs = perGroup(minLRs, groups: groups, name: "min_lr")
        self.eps = eps
        best = mode == .min ? .infinity : -.infinity
        lastLR = optimizer.learningRates
    }

    /// One lower bound for every group.
    public convenience init(
        optimizer: any Optimizer, mode: Mode = .min, factor: Double = 0.1, patience: Int = 10, threshold: Double = 1e-4,
        thresholdMode: ThresholdMode = .rel, cooldown: Int = 0, minLR: Double, eps: Double = 1e-8
    ) {
        self.init(
            optimizer: optimizer, mode: mode, factor: factor, patience: patience, threshold: threshold,
            thresholdMode: thresholdMode, cooldown: cooldown, minLRs: [minLR], eps: eps)
    }

    /// True while the scheduler waits after a reduction.
    public var inCooldown: Bool { cooldownCounter > 0 }

    private var modeWorse: Double { mode == .min ? .infinity : -.infinity }

    private func isBetter(_ a: Double, than best: Double) -> Bool {
        switch (mode, thresholdMode) {
        case (.min, .rel): return a < best * (1.0 - threshold)
        case (.min, .abs): return a < best - threshold
        case (.max, .rel): return a > best * (threshold + 1.0)
        case (.max, .abs): return a > best + threshold
        }
    }

    /// Records the metric of one epoch and reduces the learning rates when it has plateaued.
    public func step(_ metric: Double) {
        lastEpoch += 1
        if isBetter(metric, than: best) {
            best = metric
            numBadEpochs = 0
        } else {
            numBadEpochs += 1
        }
        if inCooldown {
            cooldownCounter -= 1
            numBadEpochs = 0  // bad epochs in cooldown do not count
        }
        if numBadEpochs > patience {
            reduceLR()
            cooldownCounter = cooldown
            numBadEpochs = 0
        }
        lastLR = optimizer.learningRates
    }

    private func reduceLR() {
        var lrs = optimizer.learningRates
        if lrs.count != minLRs.count {
            guard let defaultMinLR else {
                preconditionFailure(
                    "The number of param groups in the `optimizer` (\(lrs.count)) differs from when `ReduceLROnPlateau` was initialized (\(minLRs.count)), usually due to a new param group being added to the optimizer.")
            }
            minLRs = Array(repeating: defaultMinLR, count: lrs.count)
        }
        for i in lrs.indices {
            let old = lrs[i]
            let new = Swift.max(old * factor, minLRs[i])
            if old - new > eps { lrs[i] = new }
        }
        optimizer.learningRates = lrs
    }

    /// The learning rates after the last step (`get_last_lr()`).
    public func getLastLR() -> [Double] { lastLR }

    /// The scheduler's state under PyTorch's attribute names.
    public func stateDict() -> PickleValue {
        schedulerStateDict([
            ("factor", .float(factor)), ("min_lrs", .list(minLRs.map { .float($0) })),
            ("default_min_lr", defaultMinLR.map { .float($0) } ?? .none), ("patience", .int(Int64(patience))),
            ("cooldown", .int(Int64(cooldown))), ("eps", .float(eps)), ("last_epoch", .int(Int64(lastEpoch))),
            ("_last_lr", .list(lastLR.map { .float($0) })), ("mode", .string(mode.rawValue)),
            ("threshold", .float(threshold)), ("threshold_mode", .string(thresholdMode.rawValue)),
            ("best", .float(best)), ("cooldown_counter", .int(Int64(cooldownCounter))),
            ("num_bad_epochs", .int(Int64(numBadEpochs))), ("mode_worse", .float(modeWorse)),
        ])
    }

    /// Restores a state saved by `stateDict()` (or by PyTorch).
    public func loadStateDict(_ stateDict: PickleValue) throws {
        let entries = try schedulerEntries(stateDict)
        factor = try entries.optimDouble("factor") ?? factor
        minLRs = try entries.optimDoubles("min_lrs") ?? minLRs
        if let value = entries["default_min_lr"] {
            if case .none = value { defaultMinLR = nil } else { defaultMinLR = try entries.optimDouble("default_min_lr") }
        }
        patience = try entries.optimInt("patience") ?? patience
        cooldown = try entries.optimInt("cooldown") ?? cooldown
        eps = try entries.optimDouble("eps") ?? eps
        lastEpoch = try entries.optimInt("last_epoch") ?? lastEpoch
        lastLR = try entries.optimDoubles("_last_lr") ?? lastLR
        threshold = try entries.optimDouble("threshold") ?? threshold
        best = try entries.optimDouble("best") ?? best
        cooldownCounter = try entries.optimInt("cooldown_counter") ?? cooldownCounter
        numBadEpochs = try entries.optimInt("num_bad_epochs") ?? numBadEpochs
        if let value = entries["mode"] {
            guard let text = value.stringValue, let parsed = Mode(rawValue: text) else {
                throw OptimizerStateError.invalidValue(key: "mode", detail: "mode \(value) is unknown!")
            }
            mode = parsed
        }
        if let value = entries["threshold_mode"] {
            guard let text = value.stringValue, let parsed = ThresholdMode(rawValue: text) else {
                throw OptimizerStateError.invalidValue(key: "threshold_mode", detail: "threshold mode \(value) is unknown!")
            }
            thresholdMode = parsed
        }
    }
}

/// Runs schedulers one after another (`torch.optim.lr_scheduler.SequentialLR`): the first
/// until `milestones[0]`, the second until `milestones[1]`, and so on; each one starts from
/// its own beginning when its turn comes. The usual warm-up then decay:
///
/// ```swift
/// let warmup = LinearLR(optimizer: optimizer, startFactor: 0.1, totalIters: 5)
/// let decay = CosineAnnealingLR(optimizer: optimizer, tMax: 95)
/// let scheduler = SequentialLR(optimizer: optimizer, schedulers: [warmup, decay], milestones: [5])
/// ```
public final class SequentialLR: LRScheduler {
    public let schedulers: [LRScheduler]
    public private(set) var milestones: [Int]

    public init(optimizer: any Optimizer, schedulers: [LRScheduler], milestones: [Int], lastEpoch: Int = -1) {
        precondition(!schedulers.isEmpty, "SequentialLR expects at least one scheduler, but got no scheduler.")
        for (index, scheduler) in schedulers.enumerated() {
            precondition(
                scheduler.optimizer === optimizer,
                "SequentialLR expects all schedulers to belong to the same optimizer, but got scheduler \(type(of: scheduler)) at index \(index) with a different optimizer")
        }
        precondition(
            milestones.count == schedulers.count - 1,
            "Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers \(schedulers.count) and the number of milestones to be equal to \(milestones.count)")
        self.schedulers = schedulers
        self.milestones = milestones
        super.init(managing: optimizer, lastEpoch: lastEpoch + 1)
        // Undo the initial steps the schedulers made when they were built, then restart the first.
        optimizer.learningRates = optimizer.schedulerValues.enumerated().map { i, values in
            guard let initial = values["initial_lr"] else {
                preconditionFailure("SequentialLR: param_groups[\(i)] has no 'initial_lr'")
            }
            return initial
        }
        Self.undoStep(self)
        schedulers[0].initialStep()
        lastLR = schedulers[0].getLastLR()
    }

    /// PyTorch's `recursive_undo`: every scheduler below goes back one step.
    private static func undoStep(_ scheduler: LRScheduler) {
        if let sequence = scheduler as? SequentialLR {
            for child in sequence.schedulers { undoStep(child) }
        } else {
            scheduler.lastEpoch -= 1
        }
    }

    public override func getLR() -> [Double] { schedulers[currentIndex].getLastLR() }

    private var currentIndex: Int { bisectRight(milestones, lastEpoch) }

    public override func step() {
        lastEpoch += 1
        let index = currentIndex
        let scheduler = schedulers[index]
        if index > 0 && milestones[index - 1] == lastEpoch {
            scheduler.updateLR(epoch: 0)
        } else {
            scheduler.step()
        }
        lastLR = scheduler.getLastLR()
    }

    /// PyTorch's keys: `_schedulers` (each one's state), `_milestones`, `last_epoch`, `_last_lr`.
    public override func stateEntries() -> [(String, PickleValue)] {
        [
            ("_schedulers", .list(schedulers.map { $0.stateDict() })),
            ("_milestones", .list(milestones.map { .int(Int64($0)) })), ("last_epoch", .int(Int64(lastEpoch))),
            ("_last_lr", .list(lastLR.map { .float($0) })),
        ]
    }

    public override func loadStateEntries(_ entries: [String: PickleValue]) throws {
        lastEpoch = try entries.optimInt("last_epoch") ?? lastEpoch
        lastLR = try entries.optimDoubles("_last_lr") ?? lastLR
        if let values = try entries.optimDoubles("_milestones") { milestones = values.map { Int($0) } }
        if let value = entries["_schedulers"] {
            guard case .list(let states) = value, states.count == schedulers.count else {
                throw OptimizerStateError.invalidValue(key: "_schedulers", detail: "expected \(schedulers.count) scheduler states")
            }
            for (scheduler, state) in zip(schedulers, states) { try scheduler.loadStateDict(state) }
        }
    }
}

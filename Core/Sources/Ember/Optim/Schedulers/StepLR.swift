import Foundation

/// Multiplies the learning rates by `gamma` every `stepSize` steps
/// (`torch.optim.lr_scheduler.StepLR`): lr = base_lr · gamma^⌊epoch / stepSize⌋.
public final class StepLR: LRScheduler {
    public private(set) var stepSize: Int
    public private(set) var gamma: Double

    public init(optimizer: any Optimizer, stepSize: Int, gamma: Double = 0.1, lastEpoch: Int = -1) {
        precondition(stepSize > 0, "StepLR: step_size must be positive, got \(stepSize)")
        self.stepSize = stepSize
        self.gamma = gamma
        super.init(optimizer: optimizer, lastEpoch: lastEpoch)
    }

    public override func getLR() -> [Double] {
        if lastEpoch == 0 || lastEpoch % stepSize != 0 { return currentLRs }
        return currentLRs.map { $0 * gamma }
    }

    public override func closedFormLR() -> [Double]? {
        baseLRs.map { $0 * pow(gamma, Double(floorDivide(lastEpoch, stepSize))) }
    }

    public override func stateEntries() -> [(String, PickleValue)] {
        super.stateEntries() + [("step_size", .int(Int64(stepSize))), ("gamma", .float(gamma))]
    }

    public override func loadStateEntries(_ entries: [String: PickleValue]) throws {
        try super.loadStateEntries(entries)
        stepSize = try entries.optimInt("step_size") ?? stepSize
        guard stepSize > 0 else { throw OptimizerStateError.invalidValue(key: "step_size", detail: "must be positive") }
        gamma = try entries.optimDouble("gamma") ?? gamma
    }
}

/// Multiplies the learning rates by `gamma` at each milestone (`MultiStepLR`); a milestone
/// listed twice multiplies by gamma² there.
public final class MultiStepLR: LRScheduler {
    /// Each milestone with the number of times it was given (PyTorch's `Counter`).
    public private(set) var milestones: [Int: Int]
    public private(set) var gamma: Double

    public init(optimizer: any Optimizer, milestones: [Int], gamma: Double = 0.1, lastEpoch: Int = -1) {
        self.milestones = milestones.reduce(into: [:]) { $0[$1, default: 0] += 1 }
        self.gamma = gamma
        super.init(optimizer: optimizer, lastEpoch: lastEpoch)
    }

    public override func getLR() -> [Double] {
        guard let count = milestones[lastEpoch] else { return currentLRs }
        return currentLRs.map { $0 * pow(gamma, Double(count)) }
    }

    public override func closedFormLR() -> [Double]? {
        let sorted = milestones.flatMap { Array(repeating: $0.key, count: $0.value) }.sorted()
        let passed = bisectRight(sorted, lastEpoch)
        return baseLRs.map { $0 * pow(gamma, Double(passed)) }
    }

    public override func stateEntries() -> [(String, PickleValue)] {
        let counter = milestones.keys.sorted().map { (key: PickleValue.int(Int64($0)), value: PickleValue.int(Int64(milestones[$0]!))) }
        return super.stateEntries() + [("milestones", .dict(counter)), ("gamma", .float(gamma))]
    }

    public override func loadStateEntries(_ entries: [String: PickleValue]) throws {
        try super.loadStateEntries(entries)
        gamma = try entries.optimDouble("gamma") ?? gamma
        if let value = entries["milestones"] {
            guard case .dict(let items) = value else {
                throw OptimizerStateError.invalidValue(key: "milestones", detail: "expected a dict of milestone counts")
            }
            var counts: [Int: Int] = [:]
            for item in items {
                guard let milestone = item.key.intValue, let count = item.value.intValue else {
                    throw OptimizerStateError.invalidValue(key: "milestones", detail: "expected integer milestones and counts")
                }
                counts[Int(milestone)] = Int(count)
            }
            milestones = counts
        }
    }
}

/// Multiplies the learning rates by `gamma` every step (`ExponentialLR`).
public final class ExponentialLR: LRScheduler {
    public private(set) var gamma: Double

    public init(optimizer: any Optimizer, gamma: Double, lastEpoch: Int = -1) {
        self.gamma = gamma
        super.init(optimizer: optimizer, lastEpoch: lastEpoch)
    }

    public override func getLR() -> [Double] {
        if isInitial { return currentLRs }
        return currentLRs.map { $0 * gamma }
    }

    public override func closedFormLR() -> [Double]? { baseLRs.map { $0 * pow(gamma, Double(lastEpoch)) } }

    public override func stateEntries() -> [(String, PickleValue)] { super.stateEntries() + [("gamma", .float(gamma))] }

    public override func loadStateEntries(_ entries: [String: PickleValue]) throws {
        try super.loadStateEntries(entries)
        gamma = try entries.optimDouble("gamma") ?? gamma
    }
}

/// Python's floor division for ints.
func floorDivide(_ a: Int, _ b: Int) -> Int {
    let q = a / b
    return (a % b != 0) && ((a < 0) != (b < 0)) ? q - 1 : q
}

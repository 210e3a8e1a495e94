import Foundation

/// Scales the learning rates by a factor that moves linearly from `startFactor` to
/// `endFactor` over `totalIters` steps, then stays (`torch.optim.lr_scheduler.LinearLR`); the
/// usual warm-up.
public final class LinearLR: LRScheduler {
    public private(set) var startFactor: Double
    public private(set) var endFactor: Double
    public private(set) var totalIters: Int

    public init(
        optimizer: any Optimizer, startFactor: Double = 1.0 / 3, endFactor: Double = 1.0, totalIters: Int = 5,
        lastEpoch: Int = -1
    ) {
        precondition(
            startFactor <= 1 && startFactor > 0,
            "Starting multiplicative factor expected to be greater than 0 and less or equal to 1.")
        precondition(endFactor <= 1 && endFactor >= 0, "Ending multiplicative factor expected to be between 0 and 1.")
        self.startFactor = startFactor
        self.endFactor = endFactor
        self.totalIters = totalIters
        super.init(optimizer: optimizer, lastEpoch: lastEpoch)
    }

    public override func getLR() -> [Double] {
        if lastEpoch == 0 { return currentLRs.map { $0 * startFactor } }
        if isInitial || lastEpoch > totalIters { return currentLRs }
        let factor =
            1.0 + (endFactor - startFactor)
            / (Double(totalIters) * startFactor + Double(lastEpoch - 1) * (endFactor - startFactor))
        return currentLRs.map { $0 * factor }
    }

    public override func closedFormLR() -> [Double]? {
        baseLRs.map {
            $0 * (startFactor + (endFactor - startFactor) * Double(min(totalIters, lastEpoch)) / Double(totalIters))
        }
    }

    public override func stateEntries() -> [(String, PickleValue)] {
        super.stateEntries() + [
            ("start_factor", .float(startFactor)), ("end_factor", .float(endFactor)),
            ("total_iters", .int(Int64(totalIters))),
        ]
    }

    public override func loadStateEntries(_ entries: [String: PickleValue]) throws {
        try super.loadStateEntries(entries)
        startFactor = try entries.optimDouble("start_factor") ?? startFactor
        endFactor = try entries.optimDouble("end_factor") ?? endFactor
        totalIters = try entries.optimInt("total_iters") ?? totalIters
    }
}

/// Multiplies the learning rates by `factor` until step `totalIters`, then restores them
/// (`torch.optim.lr_scheduler.ConstantLR`).
public final class ConstantLR: LRScheduler {
    public private(set) var factor: Double
    public private(set) var totalIters: Int

    public init(optimizer: any Optimizer, factor: Double = 1.0 / 3, totalIters: Int = 5, lastEpoch: Int = -1) {
        precondition(factor <= 1 && factor >= 0, "Constant multiplicative factor expected to be between 0 and 1.")
        self.factor = factor
        self.totalIters = totalIters
        super.init(optimizer: optimizer, lastEpoch: lastEpoch)
    }

    public override func getLR() -> [Double] {
        if lastEpoch == 0 { return currentLRs.map { $0 * factor } }
        if lastEpoch != totalIters { return currentLRs }
        return currentLRs.map { $0 * (1.0 / factor) }
    }

    public override func closedFormLR() -> [Double]? {
        baseLRs.map { $0 * (factor + (lastEpoch >= totalIters ? 1 : 0) * (1 - factor)) }
    }

    public override func stateEntries() -> [(String, PickleValue)] {
        super.stateEntries() + [("factor", .float(factor)), ("total_iters", .int(Int64(totalIters)))]
    }

    public override func loadStateEntries(_ entries: [String: PickleValue]) throws {
        try super.loadStateEntries(entries)
        factor = try entries.optimDouble("factor") ?? factor
        totalIters = try entries.optimInt("total_iters") ?? totalIters
    }
}

/// Decays the learning rates polynomially to zero over `totalIters` steps
/// (`torch.optim.lr_scheduler.PolynomialLR`): lr = base_lr · (1 − t/totalIters)^power.
public final class PolynomialLR: LRScheduler {
    public private(set) var totalIters: Int
    public private(set) var power: Double

    public init(optimizer: any Optimizer, totalIters: Int = 5, power: Double = 1.0, lastEpoch: Int = -1) {
        self.totalIters = totalIters
        self.power = power
        super.init(optimizer: optimizer, lastEpoch: lastEpoch)
    }

    public override func getLR() -> [Double] {
        if isInitial || lastEpoch > totalIters { return currentLRs }
        let t = Double(lastEpoch), n = Double(totalIters)
        let decay = pow((1.0 - t / n) / (1.0 - (t - 1) / n), power)
        return currentLRs.map { $0 * decay }
    }

    public override func closedFormLR() -> [Double]? {
        baseLRs.map { $0 * pow(1.0 - Double(min(totalIters, lastEpoch)) / Double(totalIters), power) }
    }

    public override func stateEntries() -> [(String, PickleValue)] {
        super.stateEntries() + [("total_iters", .int(Int64(totalIters))), ("power", .float(power))]
    }

    public override func loadStateEntries(_ entries: [String: PickleValue]) throws {
        try super.loadStateEntries(entries)
        totalIters = try entries.optimInt("total_iters") ?? totalIters
        power = try entries.optimDouble("power") ?? power
    }
}

import Foundation

/// The 1cycle policy (`torch.optim.lr_scheduler.OneCycleLR`): the learning rate rises from
/// `maxLR / divFactor` to `maxLR`, then falls to `initial_lr / finalDivFactor`, while the
/// momentum (SGD's and RMSprop's `momentum`, Adam's β₁) moves the opposite way between
/// `maxMomentum` and `baseMomentum`. Step it after every batch; `totalSteps` steps in all.
///
/// With `threePhase`, the rise is mirrored back down to `initial_lr` before the final
/// annihilation phase (fastai's schedule).
public final class OneCycleLR: LRScheduler {
    public enum AnnealStrategy: String, Sendable {
        case cos, linear
    }

    /// One phase: it ends at step `endStep` and moves between the group values under these keys.
    struct Phase {
        var endStep: Double
        var startLR: String, endLR: String
        var startMomentum: String, endMomentum: String
    }

    public private(set) var totalSteps: Int
    public private(set) var annealStrategy: AnnealStrategy
    public private(set) var cycleMomentum: Bool
    private var phases: [Phase]
    /// PyTorch's `use_beta1`: the cycled momentum is Adam's β₁ rather than a `momentum` option.
    private let usesBeta1: Bool

    /// `maxLRs`, `baseMomenta` and `maxMomenta` hold one value for every group, or one value
    /// for all. Give `totalSteps`, or `epochs` and `stepsPerEpoch`.
    public init(
        optimizer: any Optimizer, maxLRs: [Double], totalSteps: Int? = nil, epochs: Int? = nil,
        stepsPerEpoch: Int? = nil, pctStart: Double = 0.3, annealStrategy: AnnealStrategy = .cos,
        cycleMomentum: Bool = true, baseMomenta: [Double] = [0.85], maxMomenta: [Double] = [0.95],
        divFactor: Double = 25, finalDivFactor: Double = 1e4, threePhase: Bool = false, lastEpoch: Int = -1
    ) {
        if let totalSteps {
            precondition(totalSteps > 0, "Expected positive integer total_steps, but got \(totalSteps)")
            self.totalSteps = totalSteps
        } else if let epochs, let stepsPerEpoch {
            precondition(epochs > 0, "Expected positive integer epochs, but got \(epochs)")
            precondition(stepsPerEpoch > 0, "Expected positive integer steps_per_epoch, but got \(stepsPerEpoch)")
            self.totalSteps = epochs * stepsPerEpoch
        } else {
            preconditionFailure("You must define either total_steps OR (epochs AND steps_per_epoch)")
        }
        precondition(pctStart >= 0 && pctStart <= 1, "Expected float between 0 and 1 pct_start, but got \(pctStart)")
        let total = Double(self.totalSteps)
        if threePhase {
            phases = [
                Phase(endStep: pctStart * total - 1, startLR: "initial_lr", endLR: "max_lr",
                      startMomentum: "max_momentum", endMomentum: "base_momentum"),
                Phase(endStep: 2 * pctStart * total - 2, startLR: "max_lr", endLR: "initial_lr",
                      startMomentum: "base_momentum", endMomentum: "max_momentum"),
                Phase(endStep: total - 1, startLR: "initial_lr", endLR: "min_lr",
                      startMomentum: "max_momentum", endMomentum: "max_momentum"),
            ]
        } else {
            phases = [
                Phase(endStep: pctStart * total - 1, startLR: "initial_lr", endLR: "max_lr",
                      startMomentum: "max_momentum", endMomentum: "base_momentum"),
                Phase(endStep: total - 1, startLR: "max_lr", endLR: "min_lr",
                      startMomentum: "base_momentum", endMomentum: "max_momentum"),
            ]
        }
        self.annealStrategy = annealStrategy
        self.cycleMomentum = cycleMomentum
        usesBeta1 = optimizer is OptimizerBase<Adam.Options, Adam.State>

        let groups = optimizer.learningRates.count
        var values = optimizer.schedulerValues
        if lastEpoch == -1 {
            for (i, maxLR) in perGroup(maxLRs, groups: groups, name: "max_lr").enumerated() {
                values[i]["initial_lr"] = maxLR / divFactor
                values[i]["max_lr"] = maxLR
                values[i]["min_lr"] = values[i]["initial_lr"]! / finalDivFactor
            }
        }
        if cycleMomentum {
            precondition(optimizer.momenta != nil, "optimizer must support momentum or beta1 with `cycle_momentum` option enabled")
            if lastEpoch == -1 {
                let maxima = perGroup(maxMomenta, groups: groups, name: "max_momentum")
                let bases = perGroup(baseMomenta, groups: groups, name: "base_momentum")
                optimizer.momenta = maxima
                for i in 0..<groups {
                    values[i]["max_momentum"] = maxima[i]
                    values[i]["base_momentum"] = bases[i]
                }
            }
        }
        optimizer.schedulerValues = values
        super.init(optimizer: optimizer, lastEpoch: lastEpoch)
    }

    /// One maximum learning rate (and momentum range) for every group.
    public convenience init(
        optimizer: any Optimizer, maxLR: Double, totalSteps: Int? = nil, epochs: Int? = nil, stepsPerEpoch: Int? = nil,
        pctStart: Double = 0.3, annealStrategy: AnnealStrategy = .cos, cycleMomentum: Bool = true,
        baseMomentum: Double = 0.85, maxMomentum: Double = 0.95, divFactor: Double = 25, finalDivFactor: Double = 1e4,
        threePhase: Bool = false, lastEpoch: Int = -1
    ) {
        self.init(
            optimizer: optimizer, maxLRs: [maxLR], totalSteps: totalSteps, epochs: epochs, stepsPerEpoch: stepsPerEpoch,
            pctStart: pctStart, annealStrategy: annealStrategy, cycleMomentum: cycleMomentum,
            baseMomenta: [baseMomentum], maxMomenta: [maxMomentum], divFactor: divFactor,
            finalDivFactor: finalDivFactor, threePhase: threePhase, lastEpoch: lastEpoch)
    }

    private func anneal(_ start: Double, _ end: Double, _ pct: Double) -> Double {
        switch annealStrategy {
        case .cos: return end + (start - end) / 2.0 * (cos(Double.pi * pct) + 1)
        case .linear: return (end - start) * pct + start
        }
    }

    public override func getLR() -> [Double] {
        let stepNumber = Double(lastEpoch)
        precondition(
            lastEpoch <= totalSteps, "Tried to step \(lastEpoch) times. The specified number of total steps is \(totalSteps)")
        let groups = optimizer.schedulerValues
        var lrs: [Double] = [], momenta: [Double] = []
        for values in groups {
            func value(_ key: String) -> Double {
                guard let v = values[key] else { preconditionFailure("OneCycleLR: param group has no '\(key)'") }
                return v
            }
            var startStep = 0.0
            for (i, phase) in phases.enumerated() {
                if stepNumber <= phase.endStep || i == phases.count - 1 {
                    let pct = (stepNumber - startStep) / (phase.endStep - startStep)
                    lrs.append(anneal(value(phase.startLR), value(phase.endLR), pct))
                    if cycleMomentum { momenta.append(anneal(value(phase.startMomentum), value(phase.endMomentum), pct)) }
                    break
                }
                startStep = phase.endStep
            }
        }
        if cycleMomentum { optimizer.momenta = momenta }
        return lrs
    }

    public override func stateEntries() -> [(String, PickleValue)] {
        let phaseValues = phases.map { phase -> PickleValue in
            .dict([
                (.string("end_step"), .float(phase.endStep)), (.string("start_lr"), .string(phase.startLR)),
                (.string("end_lr"), .string(phase.endLR)), (.string("start_momentum"), .string(phase.startMomentum)),
                (.string("end_momentum"), .string(phase.endMomentum)),
            ])
        }
        var entries = super.stateEntries() + [
            ("total_steps", .int(Int64(totalSteps))), ("_schedule_phases", .list(phaseValues)),
            ("_anneal_func_type", .string(annealStrategy.rawValue)), ("cycle_momentum", .bool(cycleMomentum)),
        ]
        if cycleMomentum { entries.append(("use_beta1", .bool(usesBeta1))) }
        return entries
    }

    public override func loadStateEntries(_ entries: [String: PickleValue]) throws {
        try super.loadStateEntries(entries)
        totalSteps = try entries.optimInt("total_steps") ?? totalSteps
        cycleMomentum = try entries.optimBool("cycle_momentum") ?? cycleMomentum
        if let name = entries["_anneal_func_type"] {
            guard let text = name.stringValue, let strategy = AnnealStrategy(rawValue: text) else {
                throw OptimizerStateError.invalidValue(key: "_anneal_func_type", detail: "expected 'cos' or 'linear', got \(name)")
            }
            annealStrategy = strategy
        }
        if let value = entries["_schedule_phases"] {
            guard case .list(let items) = value else {
                throw OptimizerStateError.invalidValue(key: "_schedule_phases", detail: "expected a list of phases")
            }
            phases = try items.map { item in
                guard let end = item["end_step"]?.optimNumber, let startLR = item["start_lr"]?.stringValue,
                    let endLR = item["end_lr"]?.stringValue, let startMomentum = item["start_momentum"]?.stringValue,
                    let endMomentum = item["end_momentum"]?.stringValue
                else { throw OptimizerStateError.invalidValue(key: "_schedule_phases", detail: "malformed phase \(item)") }
                return Phase(endStep: end, startLR: startLR, endLR: endLR, startMomentum: startMomentum, endMomentum: endMomentum)
            }
            guard !phases.isEmpty else { throw OptimizerStateError.invalidValue(key: "_schedule_phases", detail: "no phases") }
        }
    }
}

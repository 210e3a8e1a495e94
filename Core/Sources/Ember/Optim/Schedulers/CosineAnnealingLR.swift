import Foundation

/// Anneals the learning rates along a cosine from their base values to `etaMin` over `tMax`
/// steps (`torch.optim.lr_scheduler.CosineAnnealingLR`), continuing as a cosine wave after
/// `tMax`. PyTorch's recursive form:
/// lr ← etaMin + (lr − etaMin)·(1 + cos(π·t/tMax)) / (1 + cos(π·(t−1)/tMax)).
public final class CosineAnnealingLR: LRScheduler {
    public private(set) var tMax: Int
    public private(set) var etaMin: Double

    public init(optimizer: any Optimizer, tMax: Int, etaMin: Double = 0, lastEpoch: Int = -1) {
        self.tMax = tMax
        self.etaMin = etaMin
        super.init(optimizer: optimizer, lastEpoch: lastEpoch)
    }

    public override func getLR() -> [Double] {
        let t = Double(lastEpoch), n = Double(tMax)
        if isInitial { return currentLRs }
        if stepCount == 1 && lastEpoch > 0 {
            return baseLRs.map { etaMin + ($0 - etaMin) * (1 + cos(t * Double.pi / n)) / 2 }
        }
        if (lastEpoch - 1 - tMax) % (2 * tMax) == 0 {
            return zip(baseLRs, currentLRs).map { base, lr in lr + (base - etaMin) * (1 - cos(Double.pi / n)) / 2 }
        }
        let ratio = (1 + cos(Double.pi * t / n)) / (1 + cos(Double.pi * (t - 1) / n))
        return currentLRs.map { ratio * ($0 - etaMin) + etaMin }
    }

    public override func closedFormLR() -> [Double]? {
        baseLRs.map { etaMin + ($0 - etaMin) * (1 + cos(Double.pi * Double(lastEpoch) / Double(tMax))) / 2 }
    }

    public override func stateEntries() -> [(String, PickleValue)] {
        super.stateEntries() + [("T_max", .int(Int64(tMax))), ("eta_min", .float(etaMin))]
    }

    public override func loadStateEntries(_ entries: [String: PickleValue]) throws {
        try super.loadStateEntries(entries)
        tMax = try entries.optimInt("T_max") ?? tMax
        etaMin = try entries.optimDouble("eta_min") ?? etaMin
    }
}

/// Cosine annealing with warm restarts (SGDR, `CosineAnnealingWarmRestarts`): the learning
/// rates follow a cosine from their base values to `etaMin` over `t0` steps, then restart;
/// each period is `tMult` times longer than the one before.
///
/// `step()` advances one step; `step(epoch:)` jumps to a (possibly fractional) epoch, e.g.
/// `scheduler.step(epoch: Double(epoch) + Double(batch) / Double(batches))` per batch.
public final class CosineAnnealingWarmRestarts: LRScheduler {
    public private(set) var t0: Int
    public private(set) var tMult: Int
    public private(set) var etaMin: Double
    /// The length of the current period (`T_i`).
    public private(set) var tI: Int
    /// Steps since the last restart (`T_cur`); fractional after `step(epoch:)`.
    public private(set) var tCur: Double

    public init(optimizer: any Optimizer, t0: Int, tMult: Int = 1, etaMin: Double = 0, lastEpoch: Int = -1) {
        precondition(t0 > 0, "Expected positive integer T_0, but got \(t0)")
        precondition(tMult >= 1, "Expected integer T_mult >= 1, but got \(tMult)")
        self.t0 = t0
        self.tI = t0
        self.tMult = tMult
        self.etaMin = etaMin
        self.tCur = Double(lastEpoch)
        super.init(optimizer: optimizer, lastEpoch: lastEpoch)
    }

    public override func getLR() -> [Double] {
        baseLRs.map { etaMin + ($0 - etaMin) * (1 + cos(Double.pi * tCur / Double(tI))) / 2 }
    }

    public override func step() { advance(to: nil) }

    /// Sets the schedule to `epoch` (a non-negative, possibly fractional epoch).
    public func step(epoch: Double) { advance(to: epoch) }

    private func advance(to requested: Double?) {
        var epoch = requested
        if epoch == nil && lastEpoch < 0 { epoch = 0 }
        if let epoch {
            precondition(epoch >= 0, "Expected non-negative epoch, but got \(epoch)")
            if epoch >= Double(t0) {
                if tMult == 1 {
                    tCur = epoch.truncatingRemainder(dividingBy: Double(t0))
                } else {
                    let m = Double(tMult)
                    let n = Int(log(epoch / Double(t0) * (m - 1) + 1) / log(m))
                    tCur = epoch - Double(t0) * (pow(m, Double(n)) - 1) / (m - 1)
                    tI = t0 * Int(pow(m, Double(n)))
                }
            } else {
                tI = t0
                tCur = epoch
            }
            lastEpoch = Int(epoch.rounded(.down))
        } else {
            lastEpoch += 1
            tCur += 1
            if tCur >= Double(tI) {
                tCur = tCur.truncatingRemainder(dividingBy: Double(tI))
                tI *= tMult
            }
        }
        optimizer.learningRates = getLR()
        lastLR = optimizer.learningRates
    }

    public override func stateEntries() -> [(String, PickleValue)] {
        let tCurValue: PickleValue = tCur == tCur.rounded() && abs(tCur) < 1e15 ? .int(Int64(tCur)) : .float(tCur)
        return super.stateEntries() + [
            ("T_0", .int(Int64(t0))), ("T_i", .int(Int64(tI))), ("T_mult", .int(Int64(tMult))),
            ("eta_min", .float(etaMin)), ("T_cur", tCurValue),
        ]
    }

    public override func loadStateEntries(_ entries: [String: PickleValue]) throws {
        try super.loadStateEntries(entries)
        t0 = try entries.optimInt("T_0") ?? t0
        tI = try entries.optimInt("T_i") ?? tI
        tMult = try entries.optimInt("T_mult") ?? tMult
        etaMin = try entries.optimDouble("eta_min") ?? etaMin
        tCur = try entries.optimDouble("T_cur") ?? tCur
    }
}

import Foundation
import XCTest
@testable import Ember

/// Learning-rate schedulers against PyTorch (`Scripts/fixtures/core_optim.py`): the learning
/// rates (and OneCycleLR's momenta) of two parameter groups (lr 0.1 and 0.05) after
/// construction and after each step.
///
/// Tolerance: 1e-12 relative. The schedules are float64 arithmetic in PyTorch's order with
/// glibc's cos/pow, so the values are expected to be identical; the margin allows a libm that
/// rounds cos differently.
final class SchedulerTests: XCTestCase {
    static let rtol = 1e-12

    /// The optimizer of the fixtures: SGD (momentum 0.9) or Adam (betas 0.9, 0.999), groups at lr 0.1 and 0.05.
    static func makeOptimizer(_ kind: String) -> any Optimizer {
        let a = Tensor.zeros([2]).requiresGrad_(), b = Tensor.zeros([2]).requiresGrad_()
        if kind == "Adam" {
            let optimizer = Adam([a], lr: 0.1)
            optimizer.addParamGroup([b]) { $0.lr = 0.05 }
            return optimizer
        }
        let optimizer = SGD([a], lr: 0.1, momentum: 0.9)
        optimizer.addParamGroup([b]) { $0.lr = 0.05 }
        return optimizer
    }

    enum Made {
        case epochs(LRScheduler)
        case plateau(ReduceLROnPlateau, metrics: [Double])

        func step(_ i: Int) {
            switch self {
            case .epochs(let s): s.step()
            case .plateau(let s, let metrics): s.step(metrics[i])
            }
        }

        var lastLR: [Double] {
            switch self {
            case .epochs(let s): return s.getLastLR()
            case .plateau(let s, _): return s.getLastLR()
            }
        }
    }

    /// The scheduler a fixture case describes.
    static func makeScheduler(_ name: String, _ c: [String: Any], _ o: any Optimizer) -> Made {
        func number(_ key: String) -> Double { Fixtures.double(c[key]!) }
        func int(_ key: String) -> Int { (c[key] as! NSNumber).intValue }
        func numbers(_ key: String) -> [Double] { (c[key] as! [Any]).map(Fixtures.double) }
        if name.hasPrefix("OneCycleLR") {
            return .epochs(OneCycleLR(
                optimizer: o, maxLRs: numbers("max_lr"), totalSteps: c["total_steps"].map { ($0 as! NSNumber).intValue },
                epochs: c["epochs"].map { ($0 as! NSNumber).intValue },
                stepsPerEpoch: c["steps_per_epoch"].map { ($0 as! NSNumber).intValue },
                pctStart: c["pct_start"].map(Fixtures.double) ?? 0.3,
                annealStrategy: c["anneal_strategy"].map { OneCycleLR.AnnealStrategy(rawValue: $0 as! String)! } ?? .cos,
                cycleMomentum: (c["cycle_momentum"] as? Bool) ?? true, divFactor: c["div_factor"].map(Fixtures.double) ?? 25,
                finalDivFactor: c["final_div_factor"].map(Fixtures.double) ?? 1e4,
                threePhase: (c["three_phase"] as? Bool) ?? false))
        }
        if name.hasPrefix("ReduceLROnPlateau") {
            let s = ReduceLROnPlateau(
                optimizer: o, mode: .init(rawValue: c["mode"] as! String)!, factor: number("factor"),
                patience: int("patience"), threshold: number("threshold"),
                thresholdMode: .init(rawValue: c["threshold_mode"] as! String)!, cooldown: int("cooldown"),
                minLRs: numbers("min_lr"))
            return .plateau(s, metrics: numbers("metrics"))
        }
        switch name {
        case "StepLR": return .epochs(StepLR(optimizer: o, stepSize: int("step_size"), gamma: number("gamma")))
        case "MultiStepLR":
            return .epochs(MultiStepLR(optimizer: o, milestones: (c["milestones"] as! [Int]), gamma: number("gamma")))
        case "ExponentialLR": return .epochs(ExponentialLR(optimizer: o, gamma: number("gamma")))
        case "CosineAnnealingLR": return .epochs(CosineAnnealingLR(optimizer: o, tMax: int("T_max"), etaMin: number("eta_min")))
        case "CosineAnnealingWarmRestarts":
            return .epochs(CosineAnnealingWarmRestarts(optimizer: o, t0: int("T_0"), tMult: int("T_mult"), etaMin: number("eta_min")))
        case "CosineAnnealingWarmRestartsEpochs", "CosineAnnealingWarmRestartsEpochsMult1":
            return .epochs(EpochWarmRestarts(
                optimizer: o, t0: int("T_0"), tMult: int("T_mult"), etaMin: c["eta_min"].map(Fixtures.double) ?? 0,
                epochStep: number("epoch_step")))
        case "LinearLR", "LinearLRDecay":
            return .epochs(LinearLR(
                optimizer: o, startFactor: number("start_factor"), endFactor: number("end_factor"), totalIters: int("total_iters")))
        case "ConstantLR": return .epochs(ConstantLR(optimizer: o, factor: number("factor"), totalIters: int("total_iters")))
        case "PolynomialLR": return .epochs(PolynomialLR(optimizer: o, totalIters: int("total_iters"), power: number("power")))
        case "LambdaLR":
            let base = number("base")
            return .epochs(LambdaLR(optimizer: o, lrLambda: { pow(base, Double($0)) }))
        case "SequentialLR":
            return .epochs(SequentialLR(
                optimizer: o,
                schedulers: [LinearLR(optimizer: o, startFactor: 0.1, totalIters: 5), CosineAnnealingLR(optimizer: o, tMax: 20)],
                milestones: c["milestones"] as! [Int]))
        case "SequentialLR3":
            return .epochs(SequentialLR(
                optimizer: o,
                schedulers: [
                    ConstantLR(optimizer: o, factor: 0.5, totalIters: 3), ExponentialLR(optimizer: o, gamma: 0.8),
                    StepLR(optimizer: o, stepSize: 4, gamma: 0.5),
                ], milestones: c["milestones"] as! [Int]))
        default: fatalError("unknown scheduler case \(name)")
        }
    }

    func assertRates(_ actual: [Double], _ expected: [Any], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        let expected = expected.map(Fixtures.double)
        XCTAssertEqual(actual.count, expected.count, message, file: file, line: line)
        for (a, e) in zip(actual, expected) where !(abs(a - e) <= Self.rtol * abs(e)) {
            XCTFail("\(message): \(actual) vs expected \(expected)", file: file, line: line)
            return
        }
    }

    func testSchedulesMatchPyTorch() throws {
        let cases = try Fixtures.cases("Core/optim_schedulers.json")
        XCTAssertEqual(cases.count, 27)
        for c in cases {
            let name = c["name"] as! String
            let optimizer = Self.makeOptimizer(c["optimizer"] as! String)
            let scheduler = Self.makeScheduler(name, c["config"] as! [String: Any], optimizer)
            let lrs = c["lrs"] as! [[Any]], last = c["last_lrs"] as! [[Any]]
            let momenta = c["momenta"] as? [[Any]]
            assertRates(optimizer.learningRates, lrs[0], "\(name) after construction")
            assertRates(scheduler.lastLR, last[0], "\(name) getLastLR after construction")
            if let momenta { assertRates(optimizer.momenta!, momenta[0], "\(name) momenta after construction") }
            for i in 0..<(lrs.count - 1) {
                optimizer.step()
                scheduler.step(i)
                assertRates(optimizer.learningRates, lrs[i + 1], "\(name) step \(i + 1)")
                assertRates(scheduler.lastLR, last[i + 1], "\(name) getLastLR step \(i + 1)")
                if let momenta { assertRates(optimizer.momenta!, momenta[i + 1], "\(name) momenta step \(i + 1)") }
                if i == 9, let state = c["state10"] as? [String: Any], case .epochs(let s) = scheduler {
                    XCTAssertEqual(s.lastEpoch, (state["last_epoch"] as! NSNumber).intValue, "\(name) last_epoch")
                    if let count = state["_step_count"] as? NSNumber, !(s is SequentialLR) {
                        XCTAssertEqual(s.stepCount, count.intValue, "\(name) _step_count")
                    }
                }
            }
        }
    }

    /// Optimizer and scheduler state saved together mid-schedule (as one `.pt` file) and loaded
    /// into freshly built ones continue the schedule exactly.
    func testStateDictsResumeSchedules() throws {
        let cases = try Fixtures.cases("Core/optim_schedulers.json")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ember-sched-\(UUID()).pt").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let names = [
            "StepLR", "MultiStepLR", "CosineAnnealingLR", "CosineAnnealingWarmRestarts", "LinearLR", "PolynomialLR",
            "SequentialLR", "SequentialLR3", "OneCycleLR_cos_three_Adam", "OneCycleLR_linear_two_SGD",
            "ReduceLROnPlateau_min_abs", "LambdaLR",
        ]
        for name in names {
            let c = cases.first { $0["name"] as? String == name }!
            let config = c["config"] as! [String: Any], kind = c["optimizer"] as! String
            let lrs = c["lrs"] as! [[Any]], momenta = c["momenta"] as? [[Any]]
            let optimizer = Self.makeOptimizer(kind)
            let scheduler = Self.makeScheduler(name, config, optimizer)
            for i in 0..<12 { scheduler.step(i) }
            let saved: PickleValue
            switch scheduler {
            case .epochs(let s): saved = s.stateDict()
            case .plateau(let s, _): saved = s.stateDict()
            }
            try TorchCheckpoint.save(.dict([(.string("optimizer"), optimizer.stateDict().pickleValue), (.string("scheduler"), saved)]), to: scratch)

            let checkpoint = try TorchCheckpoint.load(scratch)
            let freshOptimizer = Self.makeOptimizer(kind)
            let fresh = Self.makeScheduler(name, config, freshOptimizer)
            try freshOptimizer.loadStateDict(OptimizerStateDict(checkpoint["optimizer"]!))
            switch fresh {
            case .epochs(let s): try s.loadStateDict(checkpoint["scheduler"]!)
            case .plateau(let s, _): try s.loadStateDict(checkpoint["scheduler"]!)
            }
            assertRates(freshOptimizer.learningRates, lrs[12], "\(name) after loading")
            for i in 12..<(lrs.count - 1) {
                fresh.step(i)
                assertRates(freshOptimizer.learningRates, lrs[i + 1], "\(name) resumed step \(i + 1)")
                assertRates(fresh.lastLR, lrs[i + 1], "\(name) resumed getLastLR step \(i + 1)")
                if let momenta { assertRates(freshOptimizer.momenta!, momenta[i + 1], "\(name) resumed momenta step \(i + 1)") }
            }
        }
    }

    /// Learning rates set by hand between steps carry over (the chainable form), and the
    /// scheduler's bookkeeping lands in the optimizer's groups.
    func testChainableFormAndGroupValues() {
        let optimizer = Self.makeOptimizer("SGD")
        let scheduler = ExponentialLR(optimizer: optimizer, gamma: 0.5)
        XCTAssertEqual(optimizer.schedulerValues.map { $0["initial_lr"] }, [0.1, 0.05])
        XCTAssertEqual(optimizer.stateDict().paramGroups[0]["initial_lr"]?.doubleValue, 0.1)
        scheduler.step()
        optimizer.learningRates = [1, 1]
        scheduler.step()
        XCTAssertEqual(optimizer.learningRates, [0.5, 0.5])
        XCTAssertEqual(scheduler.closedFormLR(), [0.025, 0.0125])
        XCTAssertEqual(scheduler.lastEpoch, 2)
    }
}

/// CosineAnnealingWarmRestarts driven by fractional epochs (the fixture steps to
/// (i + 1) · epochStep), as a scheduler whose `step()` the tests can call.
private final class EpochWarmRestarts: LRScheduler {
    let inner: CosineAnnealingWarmRestarts
    let epochStep: Double
    var count = 0

    init(optimizer: any Optimizer, t0: Int, tMult: Int, etaMin: Double, epochStep: Double) {
        inner = CosineAnnealingWarmRestarts(optimizer: optimizer, t0: t0, tMult: tMult, etaMin: etaMin)
        self.epochStep = epochStep
        super.init(managing: optimizer, lastEpoch: 0)
        lastLR = inner.getLastLR()
    }

    override func step() {
        count += 1
        inner.step(epoch: Double(count) * epochStep)
        lastLR = inner.getLastLR()
        lastEpoch = inner.lastEpoch
        stepCount = inner.stepCount
    }

    override func getLR() -> [Double] { inner.getLastLR() }
}

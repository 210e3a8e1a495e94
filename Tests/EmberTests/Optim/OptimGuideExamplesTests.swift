import Foundation
import XCTest
@testable import Ember

/// The "Optimizers and schedules" examples of `Docs/Core.md`, run as written (file names go
/// to a temporary folder; `backbone`, `head` and `validationLoss` are defined here).
final class OptimGuideExamplesTests: XCTestCase {
    func testOptimizersAndSchedulesSection() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ember-guide-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

        Random.manualSeed(0)
        let model = Sequential(Linear(inFeatures: 4, outFeatures: 16), ReLU(), Linear(inFeatures: 16, outFeatures: 1))
        let optimizer = AdamW(model.parameters(), lr: 1e-2, weightDecay: 0.01)
        let scheduler = OneCycleLR(optimizer: optimizer, maxLR: 0.05, totalSteps: 200)
        let x = Tensor.randn([64, 4]), y = x.sum(dim: 1, keepDim: true)
        let initialLoss = withNoGrad { Functional.mseLoss(model(x), y).item(Double.self) }
        for _ in 0..<200 {
            optimizer.zeroGrad()
            let loss = Functional.mseLoss(model(x), y)
            loss.backward()
            try clipGradNorm_(model.parameters(), maxNorm: 1.0)
            optimizer.step()
            scheduler.step()
        }
        let finalLoss = withNoGrad { Functional.mseLoss(model(x), y).item(Double.self) }
        XCTAssertLessThan(finalLoss, initialLoss / 20, "training reduces the loss")
        // The 200th step is one past the annealing phase's end (step 199, where the rate is
        // min_lr = 0.05 / 25 / 1e4): the cosine continues a little beyond it, as in PyTorch.
        let minLR = 0.05 / 25 / 1e4, pct = (200.0 - 59) / (199 - 59)
        XCTAssertEqual(optimizer.learningRates[0], minLR + (0.05 - minLR) / 2.0 * (cos(Double.pi * pct) + 1))
        XCTAssertEqual(scheduler.lastEpoch, 200)

        let backbone = Linear(inFeatures: 4, outFeatures: 4), head = Linear(inFeatures: 4, outFeatures: 2)
        let sgd = SGD(backbone.parameters(), lr: 0.1, momentum: 0.9, nesterov: true)
        sgd.addParamGroup(head.parameters()) { $0.lr = 0.01; $0.weightDecay = 1e-4 }
        sgd.paramGroups[1].lr = 0.02
        XCTAssertEqual(sgd.learningRates, [0.1, 0.02])
        XCTAssertEqual(sgd.paramGroups[1].momentum, 0.9)
        XCTAssertEqual(sgd.paramGroups[1].weightDecay, 1e-4)
        for p in backbone.parameters() + head.parameters() { p.grad = Tensor.onesLike(p) }
        sgd.zeroGrad(setToNone: false)
        XCTAssertEqual(head.weight.grad?.sum().item(Float.self), 0)

        try optimizer.stateDict().save(to: path("optimizer.pt"))
        try optimizer.loadStateDict(OptimizerStateDict(contentsOf: path("optimizer.pt")))
        let checkpoint: PickleValue = .dict([
            (.string("optimizer"), optimizer.stateDict().pickleValue), (.string("scheduler"), scheduler.stateDict()),
        ])
        try TorchCheckpoint.save(checkpoint, to: path("checkpoint.pt"))
        let reloaded = try TorchCheckpoint.load(path("checkpoint.pt"))
        XCTAssertEqual(reloaded["scheduler"]?["total_steps"]?.intValue, 200)
        XCTAssertEqual(try OptimizerStateDict(reloaded["optimizer"]!).state.count, 4)

        let warmup = LinearLR(optimizer: sgd, startFactor: 0.1, totalIters: 5)
        let cosine = CosineAnnealingLR(optimizer: sgd, tMax: 95, etaMin: 1e-4)
        let schedule = SequentialLR(optimizer: sgd, schedulers: [warmup, cosine], milestones: [5])
        XCTAssertEqual(sgd.learningRates[0], 0.01, accuracy: 1e-15)  // warm-up starts at a tenth
        for _ in 0..<5 { schedule.step() }
        XCTAssertEqual(sgd.learningRates[0], 0.1, accuracy: 1e-15)   // cosine starts at the base rate
        let plateau = ReduceLROnPlateau(optimizer: optimizer, mode: .min, factor: 0.5, patience: 3)
        let before = optimizer.learningRates[0]
        for validationLoss in [1.0, 1.0, 1.0, 1.0, 1.0] { plateau.step(validationLoss) }
        XCTAssertEqual(optimizer.learningRates[0], before * 0.5)
    }
}

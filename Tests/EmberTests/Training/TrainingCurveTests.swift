import XCTest
@testable import Ember

/// End to end: the same models, from the same initial weights and the same batches of real
/// handwritten digits, follow PyTorch's loss curve for 50 optimizer steps
/// (`Scripts/fixtures/core_training.py`). Forward, backward and the optimizers must all agree
/// for this to hold. Tolerance: 1e-4 relative per step (float32; summation order differs from
/// PyTorch's kernels, and those differences compound over the steps).
final class TrainingCurveTests: XCTestCase {
    private static let steps = 50, batch = 32

    private func fixture() throws -> SafetensorsFile {
        try SafetensorsFile(path: Fixtures.root.appendingPathComponent("Core/training_curves.safetensors").path)
    }

    /// Loads `prefix.*` weights into `model` and replays the fixture's batches.
    private func losses(
        _ model: Module & UnaryLayer, prefix: String, optimizer: (Module) -> any Optimizer, flatten: Bool
    ) throws -> [Double] {
        let file = try fixture()
        var weights: [String: Tensor] = [:]
        for key in file.keys where key.hasPrefix(prefix + ".") {
            weights[String(key.dropFirst(prefix.count + 1))] = try file.tensor(key)
        }
        try model.loadStateDict(weights)
        let optimizer = optimizer(model)
        let images = try file.tensor("images").to(.float32) / 16
        let labels = try file.tensor("labels")
        var result: [Double] = []
        for step in 0..<Self.steps {
            let rows = images.narrow(0, start: step * Self.batch, length: Self.batch)
            let x = flatten ? rows.reshape([Self.batch, 64]) : rows.reshape([Self.batch, 1, 8, 8])
            let y = labels.narrow(0, start: step * Self.batch, length: Self.batch)
            optimizer.zeroGrad()
            let loss = Functional.crossEntropy(model(x), y)
            loss.backward()
            optimizer.step()
            result.append(loss.item(Double.self))
        }
        return result
    }

    private func assertFollows(_ actual: [Double], _ expected: Tensor, file: StaticString = #filePath, line: UInt = #line) {
        let reference = expected.toArray(Double.self)
        XCTAssertEqual(actual.count, reference.count, file: file, line: line)
        for (step, (a, e)) in zip(actual, reference).enumerated() {
            XCTAssertLessThanOrEqual(abs(a - e), 1e-4 * abs(e), "step \(step): \(a) vs PyTorch \(e)", file: file, line: line)
        }
        XCTAssertLessThan(reference.last!, reference.first! * 0.6, "the curve must actually descend", file: file, line: line)
    }

    func testMLPWithSGDMomentumFollowsPyTorch() throws {
        let model = Sequential(Linear(inFeatures: 64, outFeatures: 128), ReLU(), Linear(inFeatures: 128, outFeatures: 10))
        let curve = try losses(model, prefix: "mlp", optimizer: { SGD($0.parameters(), lr: 0.05, momentum: 0.9) }, flatten: true)
        assertFollows(curve, try fixture().tensor("mlp_losses"))
    }

    func testSmallCNNWithAdamFollowsPyTorch() throws {
        let model = Sequential(
            Conv2d(inChannels: 1, outChannels: 8, kernelSize: 3, padding: 1), ReLU(), MaxPool2d(kernelSize: 2),
            Conv2d(inChannels: 8, outChannels: 16, kernelSize: 3, padding: 1), ReLU(), MaxPool2d(kernelSize: 2),
            Flatten(), Linear(inFeatures: 64, outFeatures: 32), ReLU(), Linear(inFeatures: 32, outFeatures: 10))
        let curve = try losses(model, prefix: "cnn", optimizer: { Adam($0.parameters(), lr: 1e-2) }, flatten: false)
        assertFollows(curve, try fixture().tensor("cnn_losses"))
    }
}

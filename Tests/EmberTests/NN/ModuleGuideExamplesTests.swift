import Foundation
import XCTest
@testable import Ember

/// The examples of `Docs/Core.md`'s "Modules and layers" section, run as written (file paths
/// moved to a temporary folder).
private final class Block: Module, UnaryLayer {
    let norm: LayerNorm
    let proj: Linear
    @Parameter var scale: Tensor
    @Buffer var stepCount: Tensor

    init(width: Int) {
        norm = LayerNorm(width)
        proj = Linear(inFeatures: width, outFeatures: width)
        scale = Tensor.ones([width])
        stepCount = Tensor.zeros([], dtype: .int64)
        super.init()
    }

    func callAsFunction(_ x: Tensor) -> Tensor { x + proj(norm(x)).gelu() * scale }
}

final class ModuleGuideExamplesTests: XCTestCase {
    func testModulesAndLayersExamples() throws {
        Random.manualSeed(0)
        let model = Sequential(
            Linear(inFeatures: 4, outFeatures: 8), ReLU(),
            Linear(inFeatures: 8, outFeatures: 2))
        let y = model(Tensor.randn([3, 4]))
        XCTAssertEqual(y.shape, [3, 2])
        XCTAssertEqual(model.stateDict().keys, ["0.weight", "0.bias", "2.weight", "2.bias"])
        XCTAssertTrue(model.description.hasPrefix("Sequential(\n  (0): Linear(in_features=4, out_features=8, bias=True)"))

        let block = Block(width: 4)
        XCTAssertEqual(block.stateDict().keys, ["scale", "step_count", "norm.weight", "norm.bias", "proj.weight", "proj.bias"])
        XCTAssertEqual(block(Tensor.zeros([2, 4])).shape, [2, 4])

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ember-guide-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("block.safetensors").path
        try block.save(to: path)
        try block.loadStateDict(contentsOf: path)
        let (missing, unexpected) = try block.loadStateDict(["scale": Tensor.ones([4])], strict: false)
        XCTAssertEqual(missing, ["step_count", "norm.weight", "norm.bias", "proj.weight", "proj.bias"])
        XCTAssertEqual(unexpected, [])

        model.apply { module in
            guard let linear = module as? Linear else { return }
            Init.xavierUniform_(linear.weight, generator: Generator(seed: 1))
            if let bias = linear.bias { Init.zeros_(bias) }
        }
        XCTAssertEqual((model[2] as! Linear).bias!.abs().sum().item(Float.self), 0)
        assertClose(
            Functional.layerNorm(Tensor([[1.0, 3.0]]), normalizedShape: [2]), Tensor([[-1.0, 1.0]]), atol: 1e-4,
            "eps 1e-5 against a variance of 1")
    }
}

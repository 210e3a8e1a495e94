import XCTest
@testable import Ember

/// `nn.EmbeddingBag` / `F.embedding_bag` against PyTorch (`Scripts/fixtures/core_nn_embedding_bag.py`):
/// outputs and gradients within rtol 1e-5 / atol 1e-6 (float32 sums of at most four rows, in
/// possibly another order than PyTorch's kernel).
final class EmbeddingBagTests: XCTestCase {
    func testAgainstPyTorch() throws {
        let cases = try Fixtures.cases("Core/nn_embedding_bag.json")
        XCTAssertEqual(cases.count, 14)
        for c in cases {
            let name = c["name"] as! String
            let weight = Fixtures.tensor(c["weight"]).requiresGrad_()
            let psw = c["per_sample_weights"].map { Fixtures.tensor($0).requiresGrad_() }
            let mode = EmbeddingBagMode(rawValue: c["mode"] as! String)!
            let out = Functional.embeddingBag(
                Fixtures.tensor(c["input"]), weight: weight, offsets: c["offsets"].map { Fixtures.tensor($0) },
                mode: mode, perSampleWeights: psw, includeLastOffset: c["include_last_offset"] as! Bool,
                paddingIdx: c["padding_idx"] as? Int)
            assertClose(out, Fixtures.tensor(c["output"]), rtol: 1e-5, atol: 1e-6, "\(name) output")
            out.backward(Fixtures.tensor(c["grad_output"]))
            assertClose(weight.grad!, Fixtures.tensor(c["grad_weight"]), rtol: 1e-5, atol: 1e-6, "\(name) weight grad")
            if let psw {
                assertClose(psw.grad!, Fixtures.tensor(c["grad_per_sample_weights"]), rtol: 1e-5, atol: 1e-6, "\(name) psw grad")
            }
        }
    }

    func testModuleDefaultsAndRepr() {
        let bag = EmbeddingBag(numEmbeddings: 10, embeddingDim: 3, paddingIdx: 2, generator: Generator(seed: 0))
        XCTAssertEqual(bag.mode, .mean)
        XCTAssertEqual(Array(bag.stateDict().keys), ["weight"])
        XCTAssertEqual(bag.weight.select(0, 2).toArray(Float.self), [0, 0, 0])
        XCTAssertEqual(bag.description, "EmbeddingBag(10, 3, mode='mean', padding_idx=2)")
        let out = bag(Tensor([Int64(1), 2, 3, 4]), offsets: Tensor([Int64(0), 2]))
        XCTAssertEqual(out.shape, [2, 3])
    }

    func testGradcheckFloat64() throws {
        let weight = Tensor.randn([6, 3], dtype: .float64, generator: Generator(seed: 1)).requiresGrad_()
        let psw = Tensor.rand([5], dtype: .float64, generator: Generator(seed: 2)).requiresGrad_()
        let input = Tensor([Int64(1), 4, 4, 0, 5]), offsets = Tensor([Int64(0), 2, 2])
        for mode in EmbeddingBagMode.allCases {
            try gradcheck(inputs: [weight]) { xs in
                Functional.embeddingBag(input, weight: xs[0], offsets: offsets, mode: mode)
            }
        }
        try gradcheck(inputs: [weight, psw]) { xs in
            Functional.embeddingBag(input, weight: xs[0], offsets: offsets, mode: .sum, perSampleWeights: xs[1])
        }
    }

    #if canImport(Glibc)
    func testBadOffsetsStopWithPyTorchsMessage() {
        let weight = Tensor.zeros([4, 2])
        assertStops(containing: ["offsets[0] has to be 0"]) {
            _ = Functional.embeddingBag(Tensor([Int64(1), 2]), weight: weight, offsets: Tensor([Int64(1)]))
        }
        assertStops(containing: ["per_sample_weights is only supported for mode='sum'"]) {
            _ = Functional.embeddingBag(Tensor([[Int64(1), 2]]), weight: weight, perSampleWeights: Tensor.ones([1, 2]))
        }
    }
    #endif
}

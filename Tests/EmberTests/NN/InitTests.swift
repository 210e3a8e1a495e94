import XCTest
@testable import Ember

/// `nn.init` and the layers' default initialisation against PyTorch under the same seeds
/// (`Tests/Fixtures/Core/nn_init.json`, from `Scripts/fixtures/core_nn_layers.py`).
final class InitTests: XCTestCase {
    private typealias Scheme = (Tensor, Generator?) -> Void

    private let schemes: [String: Scheme] = [
        "uniform": { Init.uniform_($0, a: -1, b: 2, generator: $1) },
        "uniform_generator": { Init.uniform_($0, a: -1, b: 2, generator: $1) },
        "normal": { Init.normal_($0, mean: 0.5, std: 2, generator: $1) },
        "normal_small": { Init.normal_($0, mean: 0.5, std: 2, generator: $1) },
        "normal_generator_f64": { Init.normal_($0, generator: $1) },
        "trunc_normal": { Init.truncNormal_($0, mean: 0.1, std: 0.5, a: -0.6, b: 0.9, generator: $1) },
        "xavier_uniform": { Init.xavierUniform_($0, gain: 2, generator: $1) },
        "xavier_normal": { Init.xavierNormal_($0, gain: 0.5, generator: $1) },
        "kaiming_uniform": { Init.kaimingUniform_($0, a: 0.1, mode: .fanOut, nonlinearity: .relu, generator: $1) },
        "kaiming_uniform_default": { Init.kaimingUniform_($0, generator: $1) },
        "kaiming_normal": { Init.kaimingNormal_($0, a: 0.2, mode: .fanIn, nonlinearity: .leakyRelu, generator: $1) },
        "kaiming_normal_generator": { Init.kaimingNormal_($0, mode: .fanOut, nonlinearity: .tanh, generator: $1) },
        "orthogonal_tall": { Init.orthogonal_($0, generator: $1) },
        "orthogonal_wide": { Init.orthogonal_($0, gain: 1.5, generator: $1) },
        "orthogonal_4d": { Init.orthogonal_($0, generator: $1) },
        "orthogonal_square_f64": { Init.orthogonal_($0, generator: $1) },
        "eye": { t, _ in Init.eye_(t) },
        "constant": { t, _ in Init.constant_(t, 0.3) },
    ]

    func testInitSchemesMatchPyTorch() throws {
        var checked = 0
        for fixture in try Fixtures.cases("Core/nn_init.json") where fixture["kind"] as? String == "init" {
            let name = fixture["name"] as! String
            let expected = Fixtures.tensor(fixture["expected"])
            guard let scheme = schemes[name] else { XCTFail("no scheme for \(name)"); continue }
            let tensor = Tensor(empty: expected.shape, dtype: expected.dtype)
            if let seed = fixture["generator_seed"] as? Int {
                Random.manualSeed(999)  // the default generator must not be used
                scheme(tensor, Generator(seed: UInt64(seed)))
            } else {
                Random.manualSeed(Int64(fixture["seed"] as! Int))
                scheme(tensor, nil)
            }
            if name.hasPrefix("orthogonal") {
                // QR in float64 here, LAPACK sgeqrf/dgeqrf there: Q agrees to rounding.
                assertClose(tensor, expected, rtol: 1e-5, atol: 2e-6, name)
            } else if name == "trunc_normal" {
                // erfinv is computed in double and rounded here, in float there: 1 ulp apart.
                assertClose(tensor, expected, rtol: 1e-6, atol: 1e-7, name)
            } else {
                // Same draws, same float operations: exact.
                assertClose(tensor, expected, name)
            }
            checked += 1
        }
        XCTAssertEqual(checked, schemes.count)
    }

    func testGainsAndFans() throws {
        let fixture = try XCTUnwrap(try Fixtures.cases("Core/nn_init.json").first { $0["kind"] as? String == "gains" })
        let gains = fixture["gains"] as! [String: String]
        let ours: [String: Double] = [
            "linear": Init.calculateGain(.linear), "conv2d": Init.calculateGain(.conv2d),
            "sigmoid": Init.calculateGain(.sigmoid), "tanh": Init.calculateGain(.tanh), "relu": Init.calculateGain(.relu),
            "leaky_relu": Init.calculateGain(.leakyRelu), "leaky_relu:0.2": Init.calculateGain(.leakyRelu, param: 0.2),
            "selu": Init.calculateGain(.selu),
        ]
        for (key, value) in gains { XCTAssertEqual(ours[key], Double(value), key) }
        let (fanIn, fanOut) = Init.fanInAndFanOut(Tensor.zeros([6, 3, 2, 2]))
        XCTAssertEqual(fanIn, 12)
        XCTAssertEqual(fanOut, 24)
    }

    func testOrthogonalIsOrthogonal() {
        // Q has orthonormal columns (tall) or rows (wide) whatever the seed.
        let tall = Init.orthogonal_(Tensor(empty: [7, 4], dtype: .float64), generator: Generator(seed: 1))
        assertClose(tall.t().matmul(tall), Tensor.eye(4, dtype: .float64), atol: 1e-12)
        let wide = Init.orthogonal_(Tensor(empty: [3, 8], dtype: .float64), gain: 2, generator: Generator(seed: 2))
        assertClose(wide.matmul(wide.t()), Tensor.eye(3, dtype: .float64) * 4, atol: 1e-12)
    }

    func testLayerDefaultInitialisationMatchesPyTorch() throws {
        let makers: [String: () -> Module] = [
            "linear": { Linear(inFeatures: 4, outFeatures: 3) },
            "linear_nobias": { Linear(inFeatures: 5, outFeatures: 2, bias: false) },
            "bilinear": { Bilinear(in1Features: 3, in2Features: 2, outFeatures: 4) },
            "embedding": { Embedding(numEmbeddings: 6, embeddingDim: 3, paddingIdx: 1) },
            "embedding_negative_padding": { Embedding(numEmbeddings: 5, embeddingDim: 2, paddingIdx: -1) },
            "prelu": { PReLU(numParameters: 3) },
            "layernorm": { LayerNorm(4) },
            "groupnorm": { GroupNorm(numGroups: 2, numChannels: 4) },
            "rmsnorm": { RMSNorm(4) },
            "batchnorm2d": { BatchNorm2d(numFeatures: 3) },
            "instancenorm2d_affine": { InstanceNorm2d(numFeatures: 3, affine: true, trackRunningStats: true) },
            "mlp": { Sequential(Linear(inFeatures: 4, outFeatures: 8), ReLU(), Linear(inFeatures: 8, outFeatures: 2)) },
        ]
        var checked = 0
        for fixture in try Fixtures.cases("Core/nn_init.json") where fixture["kind"] as? String == "layer" {
            let name = fixture["name"] as! String
            guard let make = makers[name] else { XCTFail("no layer for \(name)"); continue }
            Random.manualSeed(Int64(fixture["seed"] as! Int))
            let state = make().stateDict()
            XCTAssertEqual(state.keys, fixture["keys"] as? [String], name)
            let expected = fixture["state"] as! [String: Any]
            for (key, tensor) in state {
                // The same draws in the same order: exact.
                assertClose(tensor, Fixtures.tensor(expected[key]), "\(name).\(key)")
            }
            checked += 1
        }
        XCTAssertEqual(checked, makers.count)
    }

    func testGeneratorArgumentLeavesTheDefaultStreamAlone() {
        Random.manualSeed(5)
        let expected = Tensor.rand([3])
        Random.manualSeed(5)
        _ = Linear(inFeatures: 3, outFeatures: 3, generator: Generator(seed: 1))
        XCTAssertTrue(Tensor.rand([3]).equal(expected))
        let a = Linear(inFeatures: 3, outFeatures: 2, generator: Generator(seed: 9))
        let b = Linear(inFeatures: 3, outFeatures: 2, generator: Generator(seed: 9))
        XCTAssertTrue(a.weight.equal(b.weight) && a.bias!.equal(b.bias!))
    }
}

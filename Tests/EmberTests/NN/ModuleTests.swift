import Foundation
import XCTest
@testable import Ember

/// A module using every way of declaring state, for the reflection tests.
private final class Declared: Module {
    @Parameter var weightHhL0: Tensor
    @Parameter var bias: Tensor?
    @Parameter var absent: Tensor?
    @Buffer var runningMean: Tensor
    @Buffer(persistent: false) var scratch: Tensor
    @Parameter(key: "in_proj_weight") var projection: Tensor
    @Child(key: "self") var attention: Linear
    let encoder: Linear
    let missing: Linear?
    let blocks: [Linear]
    var plainTensor: Tensor

    override init() {
        weightHhL0 = Tensor.ones([2])
        bias = Tensor.zeros([2])
        absent = nil
        runningMean = Tensor.zeros([2])
        encoder = Linear(inFeatures: 2, outFeatures: 2)
        missing = nil
        blocks = [Linear(inFeatures: 2, outFeatures: 1), Linear(inFeatures: 1, outFeatures: 1, bias: false)]
        plainTensor = Tensor.ones([3])
        super.init()
        scratch = Tensor.zeros([1])
        projection = Tensor.ones([3, 2])
        attention = Linear(inFeatures: 2, outFeatures: 3)
        registerParameter("extra", Tensor.ones([1]))
        registerBuffer("steps", Tensor.zeros([], dtype: .int64))
        registerModule("head", Linear(inFeatures: 3, outFeatures: 1))
    }
}

/// Children behind existential declared types, which the layout resolves at run time.
private final class Existentials: Module {
    let one: any UnaryLayer
    let maybe: (any UnaryLayer)?
    let many: [any UnaryLayer]
    let scales: [Double]
    let anything: Any

    override init() {
        one = Linear(inFeatures: 1, outFeatures: 1)
        maybe = nil
        many = [ReLU(), Linear(inFeatures: 1, outFeatures: 2, bias: false)]
        scales = [1, 2]
        anything = LayerNorm(3)
        super.init()
    }
}

final class ModuleTests: XCTestCase {
    // MARK: Reflection and traversal

    func testKeysFollowDeclarationOrderAndSnakeCase() {
        let module = Declared()
        XCTAssertEqual(
            module.stateDict().keys,
            [
                "weight_hh_l0", "bias", "in_proj_weight", "extra", "running_mean", "steps",
                "self.weight", "self.bias", "encoder.weight", "encoder.bias", "blocks.0.weight", "blocks.0.bias",
                "blocks.1.weight", "head.weight", "head.bias",
            ])
        // Non-persistent buffers are buffers but not state.
        XCTAssertEqual(module.namedBuffers().map(\.name), ["running_mean", "scratch", "steps"])
        XCTAssertEqual(module.namedChildren().map(\.name), ["self", "encoder", "blocks.0", "blocks.1", "head"])
        XCTAssertEqual(module.namedModules().map(\.name), ["", "self", "encoder", "blocks.0", "blocks.1", "head"])
        XCTAssertEqual(module.namedParameters(recurse: false).map(\.name), ["weight_hh_l0", "bias", "in_proj_weight", "extra"])
        XCTAssertTrue(module.parameter(named: "blocks.1.weight")!.isSameTensor(module.blocks[1].weight))
        XCTAssertTrue(module.module(named: "blocks.0") === module.blocks[0])
        XCTAssertNil(module.parameter(named: "absent"))
        XCTAssertNil(module.parameter(named: "blocks.1.bias"))
        XCTAssertEqual(module.buffer(named: "steps")?.dtype, .int64)
        XCTAssertEqual(Module.propertyKey("_qkvProj"), "qkv_proj")
    }

    func testFieldLayoutAgreesWithMirror() {
        for module in [Declared(), Existentials(), Sequential(Linear(inFeatures: 1, outFeatures: 1)), BatchNorm2d(numFeatures: 2)] as [Module] {
            let fast = module.reflectedEntries(), mirror = module.mirrorEntries()
            XCTAssertEqual(fast.parameters.map(\.name), mirror.parameters.map(\.name), module.typeName)
            XCTAssertEqual(fast.buffers.map(\.name), mirror.buffers.map(\.name), module.typeName)
            XCTAssertEqual(fast.children.map(\.name), mirror.children.map(\.name), module.typeName)
            XCTAssertTrue(zip(fast.children, mirror.children).allSatisfy { $0.module === $1.module }, module.typeName)
        }
        XCTAssertEqual(Existentials().stateDict().keys, ["one.weight", "one.bias", "many.1.weight", "anything.weight", "anything.bias"])
    }

    func testParametersRequireGradAndAreLeaves() {
        let module = Declared()
        XCTAssertTrue(module.namedParameters().allSatisfy { $0.tensor.requiresGrad && $0.tensor.isLeaf })
        XCTAssertFalse(module.runningMean.requiresGrad)
        // A computed tensor becomes a leaf parameter.
        let source = Tensor.ones([2]).requiresGrad_()
        module.bias = source * 2
        XCTAssertTrue(module.bias!.isLeaf)
        XCTAssertTrue(module.bias!.requiresGrad)
        XCTAssertEqual(module.bias!.toArray(Float.self), [2, 2])
    }

    func testSharedParametersAreListedOnceButStoredUnderEachKey() {
        let a = Linear(inFeatures: 3, outFeatures: 3)
        let b = Linear(inFeatures: 3, outFeatures: 3, bias: false)
        b.weight = a.weight
        let model = Sequential(a, b)
        XCTAssertEqual(model.parameters().count, 2)
        XCTAssertEqual(model.numParameters, 12)
        XCTAssertEqual(model.stateDict().keys, ["0.weight", "0.bias", "1.weight"])
        model.to(.float64)
        XCTAssertTrue(a.weight.isSameTensor(b.weight), "to(dtype) keeps tied weights tied")

        // A module shared under two names is stored under both and loads from both.
        let shared = Linear(inFeatures: 2, outFeatures: 2)
        let twice = Sequential(shared, shared)
        XCTAssertEqual(twice.stateDict().keys, ["0.weight", "0.bias", "1.weight", "1.bias"])
        XCTAssertEqual(twice.parameters().count, 2)
        XCTAssertNoThrow(try twice.loadStateDict(twice.stateDict()))
        XCTAssertEqual(b.weight.dtype, .float64)
    }

    func testContainersUsePyTorchKeys() {
        let mlp = Sequential(Linear(inFeatures: 4, outFeatures: 8), ReLU(), Linear(inFeatures: 8, outFeatures: 2))
        XCTAssertEqual(mlp.stateDict().keys, ["0.weight", "0.bias", "2.weight", "2.bias"])
        XCTAssertEqual(BatchNorm2d(numFeatures: 3).stateDict().keys, ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"])
        XCTAssertEqual(BatchNorm2d(numFeatures: 3).stateDict()["num_batches_tracked"]?.dtype, .int64)
        XCTAssertEqual(InstanceNorm2d(numFeatures: 3).stateDict().keys, [])

        let built = Sequential {
            Linear(inFeatures: 2, outFeatures: 2)
            for _ in 0..<2 { Tanh() }
        }
        XCTAssertEqual(built.count, 3)
        XCTAssertEqual(Sequential(named: [("fc", Linear(inFeatures: 2, outFeatures: 1)), ("act", ReLU())]).stateDict().keys, ["fc.weight", "fc.bias"])

        let list = ModuleList([Linear(inFeatures: 1, outFeatures: 1), Linear(inFeatures: 1, outFeatures: 2)])
        list.insert(Identity(), at: 0)
        list.append(LayerNorm(2))
        XCTAssertEqual(list.stateDict().keys, ["1.weight", "1.bias", "2.weight", "2.bias", "3.weight", "3.bias"])
        XCTAssertEqual(list.at(2, as: Linear.self).outFeatures, 2)
        XCTAssertEqual(list.count, 4)

        let dict = ModuleDict([("encoder", Linear(inFeatures: 1, outFeatures: 1)), ("norm", LayerNorm(1))])
        dict["encoder"] = nil
        dict["decoder"] = Linear(inFeatures: 1, outFeatures: 1, bias: false)
        XCTAssertEqual(dict.keys, ["norm", "decoder"])
        XCTAssertEqual(dict.stateDict().keys, ["norm.weight", "norm.bias", "decoder.weight"])
    }

    // MARK: Modes and bulk changes

    func testTrainEvalApplyZeroGradAndFreeze() {
        let inner = Sequential(Linear(inFeatures: 2, outFeatures: 2), Dropout())
        let model = Sequential(inner, Linear(inFeatures: 2, outFeatures: 1))
        model.eval()
        XCTAssertTrue(model.modules().allSatisfy { !$0.training })
        model.train()
        XCTAssertTrue(model.modules().allSatisfy { $0.training })

        var order: [String] = []
        model.apply { order.append($0.typeName) }
        XCTAssertEqual(order, ["Linear", "Dropout", "Sequential", "Linear", "Sequential"])

        for parameter in model.parameters() { parameter.grad = Tensor.onesLike(parameter) }
        model.zeroGrad(setToNone: false)
        XCTAssertTrue(model.parameters().allSatisfy { $0.grad!.abs().sum().item(Float.self) == 0 })
        model.zeroGrad()
        XCTAssertTrue(model.parameters().allSatisfy { $0.grad == nil })

        model.requiresGrad_(false)
        XCTAssertTrue(model.parameters().allSatisfy { !$0.requiresGrad })
        XCTAssertEqual(model.numParameters, 6 + 3)
    }

    func testToConvertsFloatingStateOnly() {
        let model = Sequential(Linear(inFeatures: 2, outFeatures: 2), BatchNorm1d(numFeatures: 2))
        let before = (model[0] as! Linear).weight
        before.grad = Tensor.onesLike(before)
        model.to(.float64)
        let after = (model[0] as! Linear).weight
        XCTAssertEqual(after.dtype, .float64)
        XCTAssertEqual(after.grad?.dtype, .float64)
        XCTAssertTrue(after.requiresGrad && after.isLeaf)
        assertClose(after, before.to(.float64), "values survive the cast")
        let bn = model[1] as! BatchNorm1d
        XCTAssertEqual(bn.runningVar?.dtype, .float64)
        XCTAssertEqual(bn.numBatchesTracked?.dtype, .int64)
        XCTAssertEqual(model(Tensor.ones([3, 2], dtype: .float64)).dtype, .float64)
    }

    func testDescriptionMatchesPyTorchRepr() {
        let model = Sequential(
            Linear(inFeatures: 4, outFeatures: 3), ReLU(), BatchNorm1d(numFeatures: 3),
            Sequential(LayerNorm(4), GELU(), Dropout(p: 0.1)), Embedding(numEmbeddings: 5, embeddingDim: 2, paddingIdx: 0),
            Softplus(), RMSNorm(4), GroupNorm(numGroups: 2, numChannels: 4), Flatten(), Unflatten(dim: 1, unflattenedSize: [2, 3]),
            PReLU(), Softmax(dim: 1), LeakyReLU(), ELU(inplace: true), BatchNorm2d(numFeatures: 3, momentum: nil))
        // Printed by PyTorch 2.11 for the same model.
        let expected = """
            Sequential(
              (0): Linear(in_features=4, out_features=3, bias=True)
              (1): ReLU()
              (2): BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
              (3): Sequential(
                (0): LayerNorm((4,), eps=1e-05, elementwise_affine=True)
                (1): GELU(approximate='none')
                (2): Dropout(p=0.1, inplace=False)
              )
              (4): Embedding(5, 2, padding_idx=0)
              (5): Softplus(beta=1.0, threshold=20.0)
              (6): RMSNorm((4,), eps=None, elementwise_affine=True)
              (7): GroupNorm(2, 4, eps=1e-05, affine=True)
              (8): Flatten(start_dim=1, end_dim=-1)
              (9): Unflatten(dim=1, unflattened_size=(2, 3))
              (10): PReLU(num_parameters=1)
              (11): Softmax(dim=1)
              (12): LeakyReLU(negative_slope=0.01)
              (13): ELU(alpha=1.0, inplace=True)
              (14): BatchNorm2d(3, eps=1e-05, momentum=None, affine=True, track_running_stats=True)
            )
            """
        XCTAssertEqual(model.description, expected)
    }

    // MARK: Loading state

    func testLoadStateDictCopiesIntoTheSameTensorsAndCasts() throws {
        let model = Sequential(Linear(inFeatures: 2, outFeatures: 2), BatchNorm1d(numFeatures: 2))
        let weight = (model[0] as! Linear).weight
        let source = Sequential(Linear(inFeatures: 2, outFeatures: 2), BatchNorm1d(numFeatures: 2)).to(.float64)
        (source[1] as! BatchNorm1d).numBatchesTracked?.fill_(5)
        let result = try model.loadStateDict(source.stateDict())
        XCTAssertEqual(result.missingKeys, [])
        XCTAssertEqual(result.unexpectedKeys, [])
        XCTAssertTrue((model[0] as! Linear).weight.isSameTensor(weight), "parameters keep their identity")
        XCTAssertEqual(weight.dtype, .float32)
        assertClose(weight, (source[0] as! Linear).weight.float(), rtol: 1e-7, "float64 state cast to float32")
        XCTAssertEqual((model[1] as! BatchNorm1d).numBatchesTracked?.item(Int64.self), 5)
        XCTAssertTrue(weight.requiresGrad && weight.isLeaf)
    }

    func testStrictLoadingNamesEveryBadKeyAndCopiesNothing() {
        let model = Sequential(Linear(inFeatures: 2, outFeatures: 3), Linear(inFeatures: 3, outFeatures: 1))
        let original = (model[1] as! Linear).weight.clone()
        let state: [String: Tensor] = [
            "0.weight": Tensor.zeros([3, 2]), "0.bias": Tensor.zeros([4]), "1.weight": Tensor.zeros([1, 3]),
            "2.weight": Tensor.zeros([1]), "extra": Tensor.zeros([1]),
        ]
        XCTAssertThrowsError(try model.loadStateDict(state)) { error in
            guard let error = error as? StateDictError else { return XCTFail("not a StateDictError: \(error)") }
            XCTAssertEqual(error.missingKeys, ["1.bias"])
            XCTAssertEqual(error.unexpectedKeys, ["2.weight", "extra"])
            XCTAssertEqual(error.sizeMismatches, [.init(key: "0.bias", checkpointShape: [4], modelShape: [3])])
            XCTAssertEqual(
                error.description,
                """
                Error(s) in loading state_dict for Sequential:
                \tUnexpected key(s) in state_dict: "2.weight", "extra". 
                \tMissing key(s) in state_dict: "1.bias". 
                \tsize mismatch for 0.bias: copying a param with shape [4] from checkpoint, the shape in current model is [3].
                """)
        }
        XCTAssertTrue((model[1] as! Linear).weight.equal(original), "a failed load copies nothing")

        // Without strict, mis-shaped keys still throw; missing and unexpected ones are returned.
        XCTAssertThrowsError(try model.loadStateDict(state, strict: false)) { error in
            XCTAssertEqual((error as? StateDictError)?.missingKeys, [])
            XCTAssertEqual((error as? StateDictError)?.sizeMismatches.map(\.key), ["0.bias"])
        }
        var partial = state
        partial["0.bias"] = nil
        let result = try? model.loadStateDict(partial, strict: false)
        XCTAssertEqual(result?.missingKeys, ["0.bias", "1.bias"])
        XCTAssertEqual(result?.unexpectedKeys, ["2.weight", "extra"])
        XCTAssertEqual((model[1] as! Linear).weight.abs().sum().item(Float.self), 0)
    }

    func testBatchNormAcceptsStateWithoutBatchCount() throws {
        let bn = BatchNorm1d(numFeatures: 2)
        var state = BatchNorm1d(numFeatures: 2).stateDict()
        state["num_batches_tracked"] = nil
        state["running_mean"] = Tensor([1.0, 2.0])
        let result = try bn.loadStateDict(state)
        XCTAssertEqual(result.missingKeys, [])
        XCTAssertEqual(bn.runningMean?.toArray(Float.self), [1, 2])
    }

    func testRoundTripThroughSafetensorsAndTorchFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ember-module-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        Random.manualSeed(0)
        let model = Sequential(Linear(inFeatures: 3, outFeatures: 4), BatchNorm1d(numFeatures: 4), Linear(inFeatures: 4, outFeatures: 2))
        _ = model(Tensor.randn([5, 3]))  // moves the running statistics
        for name in ["model.safetensors", "model.pt"] {
            let path = directory.appendingPathComponent(name).path
            try model.save(to: path)
            let copy = Sequential(Linear(inFeatures: 3, outFeatures: 4), BatchNorm1d(numFeatures: 4), Linear(inFeatures: 4, outFeatures: 2))
            try copy.loadStateDict(contentsOf: path)
            for ((key, a), (_, b)) in zip(model.stateDict(), copy.stateDict()) {
                XCTAssertTrue(a.equal(b), "\(name): \(key) differs after the round trip")
            }
            if name.hasSuffix(".pt") {
                XCTAssertEqual(try StateDict(contentsOf: path).keys.count, 9)
            }
        }
    }

    func testLoadsStateDictsWrittenByPyTorch() throws {
        let fixture = try XCTUnwrap(try Fixtures.cases("Core/nn_state_dict.json").first)
        for file in ["nn_state_dict.pt", "nn_state_dict.safetensors"] {
            let model = Sequential(
                Linear(inFeatures: 4, outFeatures: 3), BatchNorm1d(numFeatures: 3), ReLU(), Linear(inFeatures: 3, outFeatures: 2))
            try model.loadStateDict(contentsOf: Fixtures.root.appendingPathComponent("Core/\(file)").path)
            XCTAssertEqual(model.stateDict().keys, fixture["keys"] as? [String])
            XCTAssertEqual((model[1] as! BatchNorm1d).numBatchesTracked?.item(Int64.self), 2)
            model.eval()
            // Same parameters, same float32 ops: within float32 rounding of PyTorch's output.
            assertClose(model(Fixtures.tensor(fixture["input"])), Fixtures.tensor(fixture["output"]), rtol: 1e-5, atol: 1e-6, file)
        }
    }
}

import XCTest
@testable import Ember

/// A float64 gradcheck of each layer's functional form (finite differences against the
/// backward pass, gradcheck's default tolerances atol 1e-5 / rtol 1e-3), and the layers'
/// behaviour that needs no reference numbers.
final class LayersGradcheckTests: XCTestCase {
    /// Float64 values spread over [-2.05, 1.95]: away from the kinks of relu-like functions
    /// (0, ±1, ±3) by more than gradcheck's step.
    private func spread(_ shape: [Int], offset: Double = 0) -> Tensor {
        let count = shape.reduce(1, *)
        let values = (0..<count).map { i in -2.05 + 4 * Double(i) / Double(Swift.max(count - 1, 1)) + offset }
        // A fixed shuffle so neighbouring elements differ.
        let shuffled = values.enumerated().sorted { ($0.offset * 7919) % count < ($1.offset * 7919) % count }.map(\.element)
        return Tensor(shuffled, shape: shape).requiresGrad_()
    }

    private func random(_ shape: [Int], seed: UInt64, scale: Double = 1, shift: Double = 0) -> Tensor {
        (Tensor.randn(shape, dtype: .float64, generator: Generator(seed: seed)) * .double(scale) + .double(shift)).requiresGrad_()
    }

    func testLinearAndBilinear() throws {
        let x = random([2, 3], seed: 1), w = random([4, 3], seed: 2), b = random([4], seed: 3)
        try gradcheck(inputs: [x, w, b]) { Functional.linear($0[0], weight: $0[1], bias: $0[2]) }
        let x3 = random([2, 2, 3], seed: 4)
        try gradcheck(inputs: [x3, w]) { Functional.linear($0[0], weight: $0[1]) }
        let x1 = random([2, 3], seed: 5), x2 = random([2, 2], seed: 6), bw = random([4, 3, 2], seed: 7)
        try gradcheck(inputs: [x1, x2, bw, b]) { Functional.bilinear($0[0], $0[1], weight: $0[2], bias: $0[3]) }
    }

    func testEmbedding() throws {
        let weight = random([5, 3], seed: 8)
        let indices = Tensor([[0, 2, 2], [4, 1, 0]])
        try gradcheck(inputs: [weight]) { Functional.embedding(indices, weight: $0[0]) }
        // The padding row gets no gradient: its analytic column is zero, so the numeric one
        // must be too — gradcheck on a function that ignores it checks exactly that.
        let padded = Functional.embedding(indices, weight: weight, paddingIdx: 2)
        guard padded.requiresGrad else { return XCTFail("embedding recorded no backward") }
        padded.sum().backward()
        XCTAssertEqual(weight.grad!.select(0, 2).toArray(Double.self), [0, 0, 0])
        XCTAssertEqual(weight.grad!.select(0, 0).toArray(Double.self), [2, 2, 2])
    }

    func testNormalizations() throws {
        let x = random([2, 3, 4], seed: 9, scale: 1.5, shift: 0.3)
        let w4 = random([4], seed: 10, shift: 1), b4 = random([4], seed: 11)
        try gradcheck(inputs: [x, w4, b4]) { Functional.layerNorm($0[0], normalizedShape: [4], weight: $0[1], bias: $0[2]) }
        try gradcheck(inputs: [x]) { Functional.layerNorm($0[0], normalizedShape: [3, 4]) }

        let xg = random([2, 4, 3], seed: 12)
        try gradcheck(inputs: [xg, w4, b4]) { Functional.groupNorm($0[0], numGroups: 2, weight: $0[1], bias: $0[2]) }

        try gradcheck(inputs: [x, w4]) { Functional.rmsNorm($0[0], normalizedShape: [4], weight: $0[1]) }
        try gradcheck(inputs: [x]) { Functional.rmsNorm($0[0], normalizedShape: [4], eps: 1e-3) }

        let xb = random([4, 3, 2], seed: 13), w3 = random([3], seed: 14, shift: 1), b3 = random([3], seed: 15)
        try gradcheck(inputs: [xb, w3, b3]) {
            Functional.batchNorm($0[0], runningMean: nil, runningVar: nil, weight: $0[1], bias: $0[2], training: true)
        }
        let runningMean = Tensor([0.1, -0.2, 0.3], dtype: .float64), runningVar = Tensor([1.5, 0.5, 2.0], dtype: .float64)
        try gradcheck(inputs: [xb, w3, b3]) {
            Functional.batchNorm($0[0], runningMean: runningMean, runningVar: runningVar, weight: $0[1], bias: $0[2])
        }
        try gradcheck(inputs: [xb, w3, b3]) { Functional.instanceNorm($0[0], weight: $0[1], bias: $0[2]) }
    }

    /// Second derivatives (what a gradient penalty needs) flow through the composed forms.
    func testNormalizationSecondDerivatives() throws {
        let x = random([2, 3], seed: 18, scale: 1.5), w = random([3], seed: 19, shift: 1), b = random([3], seed: 20)
        try gradgradcheck(inputs: [x, w, b], generator: Generator(seed: 1)) {
            [Functional.layerNorm($0[0], normalizedShape: [3], weight: $0[1], bias: $0[2])]
        }
        let xb = random([3, 2], seed: 21), wb = random([2], seed: 22, shift: 1)
        try gradgradcheck(inputs: [xb, wb], generator: Generator(seed: 2)) {
            [Functional.batchNorm($0[0], runningMean: nil, runningVar: nil, weight: $0[1], training: true)]
        }
        try gradgradcheck(inputs: [x, w], generator: Generator(seed: 3)) {
            [Functional.rmsNorm($0[0], normalizedShape: [3], weight: $0[1])]
        }
    }

    func testActivations() throws {
        let x = spread([2, 6])
        let functions: [(String, (Tensor) -> Tensor)] = [
            ("relu", { Functional.relu($0) }), ("relu6", { Functional.relu6($0) }), ("gelu", { Functional.gelu($0) }),
            ("gelu_tanh", { Functional.gelu($0, approximate: .tanh) }), ("silu", { Functional.silu($0) }),
            ("sigmoid", { Functional.sigmoid($0) }), ("tanh", { Functional.tanh($0) }),
            ("softplus", { Functional.softplus($0, beta: 2, threshold: 3) }), ("elu", { Functional.elu($0, alpha: 0.7) }),
            ("selu", { Functional.selu($0) }), ("celu", { Functional.celu($0, alpha: 1.3) }),
            ("leaky_relu", { Functional.leakyRelu($0, negativeSlope: 0.2) }), ("hardswish", { Functional.hardswish($0) }),
            ("hardsigmoid", { Functional.hardsigmoid($0) }), ("hardtanh", { Functional.hardtanh($0) }),
            ("mish", { Functional.mish($0) }), ("logsigmoid", { Functional.logsigmoid($0) }),
            ("softsign", { Functional.softsign($0) }), ("tanhshrink", { Functional.tanhshrink($0) }),
            ("hardshrink", { Functional.hardshrink($0, lambda: 0.7) }), ("softshrink", { Functional.softshrink($0, lambda: 0.7) }),
            ("threshold", { Functional.threshold($0, threshold: 0.5, value: -1) }), ("glu", { Functional.glu($0) }),
            ("softmax", { Functional.softmax($0, dim: 1) }), ("log_softmax", { Functional.logSoftmax($0, dim: 0) }),
            ("softmin", { Functional.softmin($0, dim: 1) }),
        ]
        for (name, function) in functions {
            XCTAssertNoThrow(try gradcheck(inputs: [x]) { function($0[0]) }, name)
        }
        let slopes = Tensor([0.1, -0.3, 0.6], dtype: .float64).requiresGrad_()
        let x3 = spread([2, 3, 2])
        try gradcheck(inputs: [x3, slopes]) { Functional.prelu($0[0], weight: $0[1]) }
    }

    func testDropoutWithAFixedGenerator() throws {
        let x = random([3, 4], seed: 16)
        try gradcheck(inputs: [x]) { Functional.dropout($0[0], p: 0.4, generator: Generator(seed: 3)) }
        let x4 = random([2, 3, 2, 2], seed: 17)
        try gradcheck(inputs: [x4]) { Functional.dropout2d($0[0], p: 0.5, generator: Generator(seed: 4)) }
    }

    // MARK: Behaviour without reference numbers

    func testDropoutScalesInTrainingAndIsTheIdentityInEvaluation() {
        let dropout = Dropout(p: 0.25)
        let x = Tensor.ones([10_000])
        let y = dropout(x)
        let values = Set(y.toArray(Float.self))
        XCTAssertEqual(values, [0, Float(1 / 0.75)])
        let kept = Double(y.gt(0).sum().item(Int64.self)) / 10_000
        XCTAssertEqual(kept, 0.75, accuracy: 0.02, "about 1 - p of the elements survive")
        dropout.eval()
        XCTAssertTrue(dropout(x).isSameTensor(x), "evaluation returns the input itself, as PyTorch does")

        let channels = Dropout2d(p: 0.5)(Tensor.ones([4, 6, 3, 3]))
        let perChannel = channels.amax(dims: [2, 3]).eq(channels.amin(dims: [2, 3]))
        XCTAssertTrue(perChannel.all().item(Bool.self), "Dropout2d zeroes whole channels")
        XCTAssertEqual(Functional.dropout(x, p: 1).abs().sum().item(Float.self), 0)
    }

    func testReshapingLayersAndIdentity() {
        let x = Tensor.arange(24).reshape(2, 3, 4).float()
        XCTAssertEqual(Flatten()(x).shape, [2, 12])
        XCTAssertEqual(Flatten(startDim: 0, endDim: 1)(x).shape, [6, 4])
        XCTAssertEqual(Unflatten(dim: 2, unflattenedSize: [2, 2])(x).shape, [2, 3, 2, 2])
        XCTAssertTrue(Identity()(x).isSameTensor(x))
        XCTAssertEqual(Softmax()(Tensor.zeros([2, 4])).toArray(Float.self), Array(repeating: 0.25, count: 8), "dim nil is 1 for 2-D input")
    }

    func testEmbeddingFromPretrainedAndBadIndices() {
        let table = Tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
        let embedding = Embedding(pretrained: table)
        XCTAssertFalse(embedding.weight.requiresGrad)
        XCTAssertFalse(table.requiresGrad, "the caller's tensor is left alone")
        XCTAssertEqual(embedding(Tensor([2, 0])).toArray(Float.self), [5, 6, 1, 2])
        XCTAssertEqual(Embedding(numEmbeddings: 4, embeddingDim: 2, paddingIdx: -1).paddingIdx, 3)
    }

    func testSequentialFeedsEachLayerTheLastOutput() {
        Random.manualSeed(0)
        let first = Linear(inFeatures: 3, outFeatures: 4), second = Linear(inFeatures: 4, outFeatures: 2)
        let model = Sequential(first, ReLU(), second)
        let x = Tensor.randn([5, 3])
        XCTAssertTrue(model(x).equal(second(first(x).relu())))
        model.append(Tanh())
        XCTAssertEqual(model.count, 4)
        XCTAssertTrue(model(x).equal(second(first(x).relu()).tanh()))
    }

    func testBatchNormCumulativeMomentumAveragesAllBatches() {
        let bn = BatchNorm1d(numFeatures: 1, momentum: nil, affine: false)
        for values in [[1.0, 3.0], [5.0, 7.0], [0.0, 2.0]] { _ = bn(Tensor(values, dtype: .float32).reshape(2, 1)) }
        // Means 2, 6, 1 averaged: 3. Unbiased variances 2, 2, 2 averaged: 2.
        XCTAssertEqual(bn.runningMean!.item(Float.self), 3, accuracy: 1e-6)
        XCTAssertEqual(bn.runningVar!.item(Float.self), 2, accuracy: 1e-6)
        XCTAssertEqual(bn.numBatchesTracked!.item(Int64.self), 3)
    }
}

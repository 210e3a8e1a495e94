import XCTest
@testable import Ember

/// Convolutions and transposed convolutions against PyTorch (`Scripts/fixtures/core_nn_conv.py`),
/// and float64 gradient checks of every primitive.
final class ConvolutionTests: XCTestCase {
    /// Runs one fixture case's op on `input`/`weight`/`bias` with the case's arguments.
    static func run(_ c: [String: Any], _ x: Tensor, _ w: Tensor, _ b: Tensor?) -> Tensor {
        func ints(_ key: String, _ fallback: Int) -> IntOrTuple {
            if let list = c[key] as? [Int] { return IntOrTuple(list) }
            return IntOrTuple((c[key] as? Int) ?? fallback)
        }
        let groups = (c["groups"] as? Int) ?? 1
        let op = c["op"] as! String
        if op.hasPrefix("conv_transpose") {
            let args = (ints("stride", 1), ints("padding", 0), ints("output_padding", 0), ints("dilation", 1))
            switch op {
            case "conv_transpose1d":
                return Functional.convTranspose1d(
                    x, w, bias: b, stride: args.0, padding: args.1, outputPadding: args.2, groups: groups, dilation: args.3)
            case "conv_transpose2d":
                return Functional.convTranspose2d(
                    x, w, bias: b, stride: args.0, padding: args.1, outputPadding: args.2, groups: groups, dilation: args.3)
            default:
                return Functional.convTranspose3d(
                    x, w, bias: b, stride: args.0, padding: args.1, outputPadding: args.2, groups: groups, dilation: args.3)
            }
        }
        let padding: ConvPadding
        switch c["padding"] {
        case let s as String: padding = s == "same" ? .same : .valid
        case let list as [Int]: padding = .explicit(IntOrTuple(list))
        case let n as Int: padding = .explicit(IntOrTuple(n))
        default: padding = 0
        }
        let (stride, dilation) = (ints("stride", 1), ints("dilation", 1))
        switch op {
        case "conv1d": return Functional.conv1d(x, w, bias: b, stride: stride, padding: padding, dilation: dilation, groups: groups)
        case "conv2d": return Functional.conv2d(x, w, bias: b, stride: stride, padding: padding, dilation: dilation, groups: groups)
        default: return Functional.conv3d(x, w, bias: b, stride: stride, padding: padding, dilation: dilation, groups: groups)
        }
    }

    /// float32 forward and backward. Tolerance rtol 1e-5 / atol 1e-5: each output is a float32
    /// sum of at most ~110 products of unit-scale values, which BLAS and oneDNN add in
    /// different orders (a few ulps of a value up to ~30).
    func testAgainstPyTorch() throws {
        for c in try Fixtures.cases("Core/nn_conv.json") {
            let name = c["name"] as! String
            let x = Fixtures.tensor(c["input"]).requiresGrad_()
            let w = Fixtures.tensor(c["weight"]).requiresGrad_()
            let b = c["bias"].map { Fixtures.tensor($0).requiresGrad_() }
            let out = Self.run(c, x, w, b)
            assertClose(out, Fixtures.tensor(c["out"]), rtol: 1e-5, atol: 1e-5, name)
            out.backward(Fixtures.tensor(c["grad"]))
            assertClose(x.grad ?? Tensor.zeros([0]), Fixtures.tensor(c["grad_input"]), rtol: 1e-5, atol: 1e-5, "\(name) grad_input")
            assertClose(w.grad ?? Tensor.zeros([0]), Fixtures.tensor(c["grad_weight"]), rtol: 1e-5, atol: 1e-5, "\(name) grad_weight")
            if let b {
                assertClose(b.grad ?? Tensor.zeros([0]), Fixtures.tensor(c["grad_bias"]), rtol: 1e-5, atol: 1e-5, "\(name) grad_bias")
            }
        }
    }

    /// The same cases in float64 (inputs widened): the kernels are shared, so this checks the
    /// double path against the float32 reference at float32 precision.
    func testFloat64Path() throws {
        for c in try Fixtures.cases("Core/nn_conv.json").prefix(8) {
            let x = Fixtures.tensor(c["input"]).double().requiresGrad_()
            let w = Fixtures.tensor(c["weight"]).double()
            let out = Self.run(c, x, w, c["bias"].map { Fixtures.tensor($0).double() })
            XCTAssertEqual(out.dtype, .float64)
            assertClose(out, Fixtures.tensor(c["out"]).double(), rtol: 1e-5, atol: 1e-5, c["name"] as! String)
            out.backward(Fixtures.tensor(c["grad"]).double())
            assertClose(x.grad!, Fixtures.tensor(c["grad_input"]).double(), rtol: 1e-5, atol: 1e-5)
        }
    }

    private func randn(_ shape: [Int], _ seed: UInt64) -> Tensor {
        Tensor.randn(shape, dtype: .float64, generator: Generator().manualSeed(seed)).requiresGrad_()
    }

    func testGradcheckConv() throws {
        let x1 = randn([2, 2, 6], 1), w1 = randn([4, 1, 3], 2), b1 = randn([4], 3)
        try gradcheck(inputs: [x1, w1, b1]) {
            Functional.conv1d($0[0], $0[1], bias: $0[2], stride: 2, padding: 1, dilation: 1, groups: 2)
        }
        let x2 = randn([1, 2, 5, 4], 4), w2 = randn([2, 2, 2, 3], 5), b2 = randn([2], 6)
        try gradcheck(inputs: [x2, w2, b2]) {
            Functional.conv2d($0[0], $0[1], bias: $0[2], stride: [1, 2], padding: [1, 1], dilation: [2, 1])
        }
        try gradcheck(inputs: [x2, w2]) { Functional.conv2d($0[0], $0[1], padding: .same) }
        let x3 = randn([1, 2, 3, 4, 3], 7), w3 = randn([2, 1, 2, 2, 2], 8)
        try gradcheck(inputs: [x3, w3]) { Functional.conv3d($0[0], $0[1], stride: [1, 2, 1], padding: 1, groups: 2) }
    }

    func testGradcheckConvTranspose() throws {
        let x1 = randn([1, 2, 4], 9), w1 = randn([2, 3, 3], 10), b1 = randn([3], 11)
        try gradcheck(inputs: [x1, w1, b1]) {
            Functional.convTranspose1d($0[0], $0[1], bias: $0[2], stride: 2, padding: 1, outputPadding: 1)
        }
        let x2 = randn([2, 2, 3, 2], 12), w2 = randn([2, 1, 2, 3], 13)
        try gradcheck(inputs: [x2, w2]) {
            Functional.convTranspose2d($0[0], $0[1], stride: [2, 1], groups: 2, dilation: [1, 2])
        }
        let x3 = randn([1, 1, 2, 2, 2], 14), w3 = randn([1, 2, 2, 1, 2], 15)
        try gradcheck(inputs: [x3, w3]) { Functional.convTranspose3d($0[0], $0[1], stride: 2) }
    }

    /// Second derivatives: each primitive's backward is made of the other primitives.
    func testGradgradcheck() throws {
        let x = randn([1, 2, 4, 4], 16), w = randn([3, 2, 2, 2], 17), b = randn([3], 18)
        try gradgradcheck(inputs: [x, w, b], generator: Generator().manualSeed(19 as Int64)) {
            Functional.conv2d($0[0], $0[1], bias: $0[2], stride: 2, padding: 1)
        }
        let y = randn([1, 2, 3], 20), v = randn([2, 2, 3], 21)
        try gradgradcheck(inputs: [y, v], generator: Generator().manualSeed(22 as Int64)) {
            Functional.convTranspose1d($0[0], $0[1], stride: 2)
        }
    }

    /// Larger shapes than the fixtures, through every kernel path (tiles, waves of tiles,
    /// per-sample tasks, the pointwise shortcut, parts of the weight gradient), against the
    /// float64 result of the same op computed as unfold + matmul.
    func testKernelPathsAgainstUnfoldMatmul() {
        for (n, c, o, k, hw, stride, pad) in [
            (1, 8, 16, 3, 40, 1, 1), (5, 6, 4, 3, 21, 2, 0), (20, 3, 5, 1, 9, 1, 0), (1, 33, 7, 1, 37, 1, 0),
            // Winograd F(2×2, 3×3) forward (float32, 3×3, stride 1, ≥ 32 channels): even and odd
            // output sizes, with and without padding.
            (1, 32, 32, 3, 13, 1, 1), (3, 40, 36, 3, 9, 1, 0), (2, 32, 48, 3, 16, 1, 1),
        ] {
            let g = Generator().manualSeed(UInt64(n * 100 + c))
            let x = Tensor.randn([n, c, hw, hw], generator: g).requiresGrad_()
            let w = Tensor.randn([o, c, k, k], generator: g).requiresGrad_()
            let out = Functional.conv2d(x, w, stride: IntOrTuple(stride), padding: .explicit(IntOrTuple(pad)))
            let gradOut = Tensor.randn(out.shape, generator: g)
            out.backward(gradOut)
            // Reference: unfold + matmul in float64.
            let xd = x.detach().double().requiresGrad_(), wd = w.detach().double().requiresGrad_()
            let cols = Functional.unfold(xd, kernelSize: IntOrTuple(k), padding: IntOrTuple(pad), stride: IntOrTuple(stride))
            let ref = wd.reshape(o, -1).matmul(cols).reshape(out.shape)
            ref.backward(gradOut.double())
            assertClose(out.double(), ref, rtol: 1e-4, atol: 1e-4, "forward n=\(n)")
            assertClose(x.grad!.double(), xd.grad!, rtol: 1e-4, atol: 1e-4, "grad input n=\(n)")
            assertClose(w.grad!.double(), wd.grad!, rtol: 1e-4, atol: 1e-3, "grad weight n=\(n)")
        }
    }

    /// The Winograd forward is chosen for the shapes `testKernelPathsAgainstUnfoldMatmul` uses
    /// it for, and not for small channel counts, strides or float64.
    func testWinogradSelection() {
        func geometry(_ c: Int, _ k: Int, stride: Int = 1) -> ConvGeometry {
            ConvGeometry(
                batch: 1, inChannels: c, outChannels: c, groups: 1, inSize: [13, 13], kernel: [k, k], stride: [stride, stride],
                padBefore: [1, 1], padAfter: [1, 1], dilation: [1, 1])
        }
        XCTAssertTrue(ConvKernels.winogradApplies(geometry(32, 3), .float32))
        XCTAssertFalse(ConvKernels.winogradApplies(geometry(32, 3), .float64))
        XCTAssertFalse(ConvKernels.winogradApplies(geometry(16, 3), .float32))
        XCTAssertFalse(ConvKernels.winogradApplies(geometry(32, 5), .float32))
        XCTAssertFalse(ConvKernels.winogradApplies(geometry(32, 3, stride: 2), .float32))
    }

    func testDTypes() {
        let x = Tensor.randn([1, 2, 5, 5]), w = Tensor.randn([3, 2, 3, 3])
        let half = Functional.conv2d(x.half(), w.half(), padding: 1)
        XCTAssertEqual(half.dtype, .float16)
        assertClose(half.float(), Functional.conv2d(x.half().float(), w.half().float(), padding: 1), rtol: 1e-2, atol: 1e-2)
        let bf = Functional.conv2d(x.bfloat16(), w.bfloat16())
        XCTAssertEqual(bf.dtype, .bfloat16)
    }

    func testResultsDoNotDependOnThreadCount() {
        let saved = Threading.numThreads
        defer { Threading.setNumThreads(saved) }
        let g = Generator().manualSeed(3 as Int64)
        let x = Tensor.randn([3, 8, 20, 20], generator: g), w = Tensor.randn([8, 8, 3, 3], generator: g)
        var results: [[Float]] = []
        for threads in [1, 2, 3] {
            Threading.setNumThreads(threads)
            let xi = x.detach().requiresGrad_(), wi = w.detach().requiresGrad_()
            let out = Functional.conv2d(xi, wi, padding: 1)
            out.backward(Tensor.onesLike(out))
            results.append(out.toArray(Float.self) + xi.grad!.toArray(Float.self) + wi.grad!.toArray(Float.self))
        }
        for other in results.dropFirst() {
            XCTAssertEqual(zip(results[0], other).filter { $0 != $1 }.count, 0, "elements that differ between thread counts")
        }
    }
}

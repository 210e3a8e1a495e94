import XCTest
@testable import Ember

/// Backward of the elementwise ops checked against finite differences: every op of
/// `ElementwiseGradOps` passes a float64 `gradcheck` and `gradgradcheck` (PyTorch's defaults:
/// eps 1e-6, atol 1e-5, rtol 1e-3) on [3, 4] inputs, and binary and ternary ops also on
/// broadcast shapes. Plus the autograd behaviour around them: in-place ops, the fused and
/// differentiable backward forms agreeing, and no autograd state without grad.
final class ElementwiseGradTests: XCTestCase {
    /// Shapes each op is checked on: one [3, 4] case, and broadcast cases for several inputs.
    private func shapeSets(_ key: String, arity: Int) -> [[[Int]]] {
        switch arity {
        case 1: return [[[3, 4]]]
        case 2 where key == "masked_fill_t": return [[[3, 4], []]]
        case 2: return [[[3, 4], [3, 4]], [[3, 4], [4]], [[3, 1], [3, 4]]]
        default: return [[[3, 4], [3, 4], [3, 4]], [[3, 4], [4], [3, 1]]]
        }
    }

    private func leaves(_ op: ElementwiseGradOps.Op, _ shapes: [[Int]], _ generator: Generator) -> [Tensor] {
        zip(op.domains, shapes).map { domain, shape in domain.sample(shape, generator).requiresGrad_() }
    }

    func testEveryOpPassesGradcheck() {
        let generator = Generator(seed: 11)
        for (key, op) in ElementwiseGradOps.all.sorted(by: { $0.key < $1.key }) {
            for shapes in shapeSets(key, arity: op.domains.count) {
                let inputs = leaves(op, shapes, generator)
                XCTAssertNoThrow(try gradcheck(inputs: inputs) { op.call($0) }, "\(key) on \(shapes)")
            }
        }
    }

    func testEveryOpPassesGradgradcheck() {
        let generator = Generator(seed: 12)
        for (key, op) in ElementwiseGradOps.all.sorted(by: { $0.key < $1.key }) {
            for shapes in shapeSets(key, arity: op.domains.count) {
                let inputs = leaves(op, shapes, generator)
                XCTAssertNoThrow(
                    try gradgradcheck(inputs: inputs, generator: generator) { op.call($0) }, "\(key) on \(shapes)")
            }
        }
    }

    /// `scalar % tensor` has no derivative in PyTorch; Ember gives the tensor form's.
    func testScalarRemainderTensorHasTheTensorFormsGradient() throws {
        let b = ElementwiseGradOps.Domain.nonzero.sample([3, 4], Generator(seed: 3)).requiresGrad_()
        try gradcheck(inputs: [b]) { Tensor.remainder(2.5, $0[0]) }
        try gradgradcheck(inputs: [b]) { Tensor.remainder(2.5, $0[0]) }
        XCTAssertEqual(Tensor.remainder(2.5, b).gradFn?.name, "RemainderBackward2")
    }

    /// Every in-place variant on a non-leaf gives the out-of-place op's gradient.
    func testInPlaceVariantsMatchTheirOutOfPlaceOps() throws {
        let generator = Generator(seed: 5)
        let unary: [(String, (Tensor) -> Void, (Tensor) -> Tensor, ElementwiseGradOps.Domain)] = [
            ("neg_", { $0.neg_() }, { $0.neg() }, .normal(1)), ("reciprocal_", { $0.reciprocal_() }, { $0.reciprocal() }, .nonzero),
            ("abs_", { $0.abs_() }, { $0.abs() }, .normal(1)), ("sign_", { $0.sign_() }, { $0.sign() }, .normal(1)),
            ("sqrt_", { $0.sqrt_() }, { $0.sqrt() }, .positive), ("rsqrt_", { $0.rsqrt_() }, { $0.rsqrt() }, .positive),
            ("exp2_", { $0.exp2_() }, { $0.exp2() }, .normal(1)), ("expm1_", { $0.expm1_() }, { $0.expm1() }, .normal(1)),
            ("log_", { $0.log_() }, { $0.log() }, .positive), ("log2_", { $0.log2_() }, { $0.log2() }, .positive),
            ("log10_", { $0.log10_() }, { $0.log10() }, .positive), ("log1p_", { $0.log1p_() }, { $0.log1p() }, .positive),
            ("sin_", { $0.sin_() }, { $0.sin() }, .normal(1)), ("cos_", { $0.cos_() }, { $0.cos() }, .normal(1)),
            ("tan_", { $0.tan_() }, { $0.tan() }, .unit), ("asin_", { $0.asin_() }, { $0.asin() }, .unit),
            ("acos_", { $0.acos_() }, { $0.acos() }, .unit), ("atan_", { $0.atan_() }, { $0.atan() }, .normal(1)),
            ("sinh_", { $0.sinh_() }, { $0.sinh() }, .normal(1)), ("cosh_", { $0.cosh_() }, { $0.cosh() }, .normal(1)),
            ("asinh_", { $0.asinh_() }, { $0.asinh() }, .normal(1)), ("acosh_", { $0.acosh_() }, { $0.acosh() }, .aboveOne),
            ("atanh_", { $0.atanh_() }, { $0.atanh() }, .unit), ("erf_", { $0.erf_() }, { $0.erf() }, .normal(1)),
            ("erfc_", { $0.erfc_() }, { $0.erfc() }, .normal(1)), ("erfinv_", { $0.erfinv_() }, { $0.erfinv() }, .unit),
            ("floor_", { $0.floor_() }, { $0.floor() }, .normal(1)), ("ceil_", { $0.ceil_() }, { $0.ceil() }, .normal(1)),
            ("trunc_", { $0.trunc_() }, { $0.trunc() }, .normal(1)), ("round_", { $0.round_() }, { $0.round() }, .normal(1)),
            ("frac_", { $0.frac_() }, { $0.frac() }, .normal(2)),
            ("nan_to_num_", { $0.nanToNum_() }, { $0.nanToNum() }, .normal(1)),
            ("gelu_", { $0.gelu_() }, { $0.gelu() }, .normal(2)), ("silu_", { $0.silu_() }, { $0.silu() }, .normal(2)),
            ("hardswish_", { $0.hardswish_() }, { $0.hardswish() }, .normal(3)),
            ("hardsigmoid_", { $0.hardsigmoid_() }, { $0.hardsigmoid() }, .normal(3)),
            ("mish_", { $0.mish_() }, { $0.mish() }, .normal(2)),
            ("remainder_", { $0.remainder_(0.7) }, { $0.remainder(0.7) }, .normal(2)),
            ("fmod_", { $0.fmod_(0.7) }, { $0.fmod(0.7) }, .normal(2)),
            ("div_floor_", { $0.div_(0.7, roundingMode: .floor) }, { $0.div(0.7, roundingMode: .floor) }, .normal(2)),
            ("add_s_", { $0.add_(2.5, alpha: 2) }, { $0.add(2.5, alpha: 2) }, .normal(1)),
            ("pow_s_", { $0.pow_(2.5) }, { $0.pow(2.5) }, .positive),
        ]
        for (name, inPlace, outOfPlace, domain) in unary {
            let x = domain.sample([3, 4], generator).requiresGrad_()
            let seed = Tensor.randn([3, 4], dtype: .float64, generator: generator)
            let y = x * 1
            inPlace(y)
            let expected = outOfPlace(x)
            assertClose(y, expected, rtol: 1e-15, atol: 1e-300, "\(name) value")
            XCTAssertEqual(y.gradFn?.name, expected.gradFn?.name, name)
            let got = Autograd.grad(outputs: [y], inputs: [x], gradOutputs: [seed])[0]!
            let want = Autograd.grad(outputs: [expected], inputs: [x], gradOutputs: [seed])[0]!
            assertClose(got, want, rtol: 1e-15, atol: 1e-300, name)
        }
        // Binary in-place ops with a tensor operand that needs grad too.
        let binary: [(String, (Tensor, Tensor) -> Void, (Tensor, Tensor) -> Tensor)] = [
            ("sub_", { $0.sub_($1, alpha: 3) }, { $0.sub($1, alpha: 3) }), ("atan2_", { $0.atan2_($1) }, { $0.atan2($1) }),
            ("pow_", { $0.abs_().add_(0.5).pow_($1) }, { $0.abs().add(0.5).pow($1) }),
            ("remainder_t_", { $0.remainder_($1) }, { $0.remainder($1) }), ("fmod_t_", { $0.fmod_($1) }, { $0.fmod($1) }),
            ("clamp_t_", { $0.clamp_(min: $1, max: $1.add(1)) }, { $0.clamp(min: $1, max: $1.add(1)) }),
            ("lerp_t_", { $0.lerp_($1, weight: $1.sigmoid()) }, { $0.lerp($1, weight: $1.sigmoid()) }),
            ("masked_fill_t_", { $0.maskedFill_(ElementwiseGradOps.mask, $1.sum()) }, { $0.maskedFill(ElementwiseGradOps.mask, $1.sum()) }),
        ]
        for (name, inPlace, outOfPlace) in binary {
            let x = Tensor.randn([3, 4], dtype: .float64, generator: generator).requiresGrad_()
            let w = ElementwiseGradOps.Domain.nonzero.sample([4], generator).requiresGrad_()
            let seed = Tensor.randn([3, 4], dtype: .float64, generator: generator)
            let y = x * 1
            inPlace(y, w)
            let expected = outOfPlace(x, w)
            assertClose(y, expected, rtol: 1e-15, atol: 1e-300, "\(name) value")
            let got = Autograd.grad(outputs: [y], inputs: [x, w], gradOutputs: [seed])
            let want = Autograd.grad(outputs: [expected], inputs: [x, w], gradOutputs: [seed])
            assertClose(got[0]!, want[0]!, rtol: 1e-15, atol: 1e-300, "\(name) self")
            assertClose(got[1]!, want[1]!, rtol: 1e-14, atol: 1e-300, "\(name) other")
        }
    }

    /// The example: `y = x * 1; y.mul_(2); y.sum().backward()` gives x.grad = 2.
    func testInPlaceMulOnANonLeaf() {
        let x = Tensor([1.0, -2, 3]).requiresGrad_()
        let y = x * 1
        y.mul_(2)
        XCTAssertEqual(y.gradFn?.name, "MulBackward0")
        y.sum().backward()
        XCTAssertEqual(x.grad?.toArray(Float.self), [2, 2, 2])
    }

    /// In-place through a view of a non-leaf: only the edited row is scaled (CopySlices).
    func testInPlaceOnAViewOfANonLeaf() {
        let x = Tensor([[1.0, 2], [3, 4]]).requiresGrad_()
        let y = x * 1
        y.select(0, 0).mul_(3)
        y.narrow(1, start: 1, length: 1).relu_()
        XCTAssertEqual(y.gradFn?.name, "CopySlices")
        (y * y).sum().backward()
        // y = [[3, 6], [3, 4]]; d/dx of sum(y²) = 2 y dy/dx: 18, 36 on the scaled row, 6, 8 below.
        XCTAssertEqual(x.grad?.toArray(Float.self), [18, 36, 6, 8])
    }

    /// Another operand that needs grad makes an in-place op on a plain tensor differentiable.
    func testInPlaceWithAnOperandThatNeedsGrad() {
        let w = Tensor([1.0, 2, 3]).requiresGrad_()
        let buffer = Tensor.zeros([3])
        buffer.add_(w, alpha: 2)
        buffer.mul_(w)
        XCTAssertEqual(buffer.gradFn?.name, "MulBackward0")
        buffer.sum().backward()
        XCTAssertEqual(w.grad?.toArray(Float.self), [4, 8, 12], "d(2 w²)/dw = 4 w")
    }

    /// fill_ and zero_ on a non-leaf cut the gradient to the overwritten values.
    func testFillAndZeroGiveZeroGradients() {
        let x = Tensor([1.0, 2, 3, 4]).requiresGrad_()
        let y = x * 2
        y.narrow(0, start: 0, length: 2).fill_(7)
        XCTAssertEqual(y.toArray(Float.self), [7, 7, 6, 8])
        let z = x * 3
        z.zero_()
        XCTAssertEqual(z.gradFn?.name, "ZeroBackward0")
        let w = x * 1
        w.fill_(2)
        XCTAssertEqual(w.gradFn?.name, "FillBackward2")
        (y.sum() + z.sum() + w.sum()).backward()
        XCTAssertEqual(x.grad?.toArray(Float.self), [0, 0, 2, 2])
    }

    /// Activations have a fused backward kernel (first order) and a differentiable one
    /// (createGraph): both give the same gradient.
    func testFusedAndDifferentiableBackwardAgree() {
        let generator = Generator(seed: 9)
        let keys = [
            "relu", "relu6", "hardtanh", "sigmoid", "tanh", "gelu", "gelu_tanh", "silu", "softplus", "softplus_b2_t1",
            "elu", "elu_a0.5", "selu", "celu_a2", "leaky_relu", "leaky_relu_0.2", "hardswish", "hardsigmoid", "mish",
            "logsigmoid",
        ]
        for key in keys {
            let op = ElementwiseGradOps.unaryOps[key]!
            for dtype in [DType.float64, .float32] {
                let x = Tensor.randn([64], dtype: dtype, generator: generator).mul(3).requiresGrad_()
                let seed = Tensor.randn([64], dtype: dtype, generator: generator)
                let fused = Autograd.grad(outputs: [op.call([x])], inputs: [x], gradOutputs: [seed])[0]!
                let composed = Autograd.grad(outputs: [op.call([x])], inputs: [x], gradOutputs: [seed], createGraph: true)[0]!
                let rtol = dtype == .float64 ? 1e-12 : 1e-5
                let scale = fused.abs().max().item(Double.self)
                assertClose(fused, composed.detach(), rtol: rtol, atol: rtol * scale, "\(key) \(dtype)")
            }
        }
        // The in-place elu and leaky relu read their output.
        for (name, inPlace, outOfPlace) in [
            ("elu_", { (t: Tensor) in t.elu_(alpha: 0.7) }, { (t: Tensor) in t.elu(alpha: 0.7) }),
            ("leaky_relu_", { (t: Tensor) in t.leakyRelu_(negativeSlope: 0.3) }, { (t: Tensor) in t.leakyRelu(negativeSlope: 0.3) }),
        ] as [(String, (Tensor) -> Tensor, (Tensor) -> Tensor)] {
            let x = Tensor.randn([3, 4], dtype: .float64, generator: generator).requiresGrad_()
            XCTAssertNoThrow(try gradcheck(inputs: [x]) { inPlace($0[0].mul(1)) }, name)
            XCTAssertNoThrow(try gradgradcheck(inputs: [x]) { inPlace($0[0].mul(1)) }, name)
            let seed = Tensor.randn([3, 4], dtype: .float64, generator: generator)
            let viaResult = Autograd.grad(outputs: [inPlace(x.mul(1))], inputs: [x], gradOutputs: [seed])[0]!
            let viaInput = Autograd.grad(outputs: [outOfPlace(x)], inputs: [x], gradOutputs: [seed])[0]!
            assertClose(viaResult, viaInput, rtol: 1e-12, atol: 1e-300, name)
        }
    }

    /// Third derivative of a composition through `createGraph`: d³/dx³ sin(x²) at x.
    func testHigherDerivativesCompose() {
        let x = Tensor([0.3, -1.2, 2.0], dtype: .float64).requiresGrad_()
        let y = x.mul(x).sin()
        let d1 = Autograd.grad(outputs: [y.sum()], inputs: [x], createGraph: true)[0]!
        let d2 = Autograd.grad(outputs: [d1.sum()], inputs: [x], createGraph: true)[0]!
        let d3 = Autograd.grad(outputs: [d2.sum()], inputs: [x])[0]!
        let values = x.toArray(Double.self)
        let expected = values.map { v in -12 * v * Foundation.sin(v * v) - 8 * v * v * v * Foundation.cos(v * v) }
        assertClose(d3, Tensor(expected, dtype: .float64), rtol: 1e-12, atol: 1e-12)
    }

    /// Ties: maximum and minimum give each side half the gradient, clamp's bounds pass it.
    func testTieRules() {
        let a = Tensor([1.0, 2, 3]).requiresGrad_(), b = Tensor([1.0, 0, 3]).requiresGrad_()
        let grads = Autograd.grad(outputs: [a.maximum(b).sum()], inputs: [a, b])
        XCTAssertEqual(grads[0]?.toArray(Float.self), [0.5, 1, 0.5])
        XCTAssertEqual(grads[1]?.toArray(Float.self), [0.5, 0, 0.5])
        let x = Tensor([-1.0, -0.5, 0, 0.5, 1]).requiresGrad_()
        let clamped = Autograd.grad(outputs: [x.clamp(min: -0.5, max: 0.5).sum()], inputs: [x])[0]
        XCTAssertEqual(clamped?.toArray(Float.self), [0, 1, 1, 1, 0])
        let relu = Autograd.grad(outputs: [x.relu().sum()], inputs: [x])[0]
        XCTAssertEqual(relu?.toArray(Float.self), [0, 0, 0, 1, 1], "relu's gradient at 0 is 0")
    }

    /// Without grad, ops allocate no autograd state (the fast path), and no-grad scopes and
    /// integer results record nothing.
    func testNoAutogradStateWithoutGrad() {
        let plain = Tensor.randn([4])
        for result in [plain.exp(), plain + plain, plain * 2, plain.relu(), plain.clamp(min: 0), Tensor.where(plain.gt(0), plain, 0)] {
            XCTAssertNil(result.impl.autograd)
        }
        plain.mul_(2).add_(1).relu_()
        XCTAssertNil(plain.impl.autograd)
        let x = Tensor.randn([4]).requiresGrad_()
        withNoGrad {
            XCTAssertNil(x.exp().gradFn)
            XCTAssertNil(x.mul(x).gradFn)
        }
        XCTAssertNil(x.sign().to(.int64).gradFn)
        XCTAssertNil(x.gt(0).gradFn)
        XCTAssertEqual(x.exp().gradFn?.name, "ExpBackward0")
    }

    /// Mixed dtypes: a float32 input combined with a float64 one gets a float32 gradient.
    func testGradientsTakeTheInputDtype() {
        let a = Tensor([1.0, 2], dtype: .float32).requiresGrad_()
        let b = Tensor([3.0, 4], dtype: .float64).requiresGrad_()
        let grads = Autograd.grad(outputs: [(a * b).sum()], inputs: [a, b])
        XCTAssertEqual(grads[0]?.dtype, .float32)
        XCTAssertEqual(grads[1]?.dtype, .float64)
        XCTAssertEqual(grads[0]?.toArray(Float.self), [3, 4])
        XCTAssertEqual(grads[1]?.toArray(Double.self), [1, 2])
    }
}

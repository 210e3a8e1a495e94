import XCTest
@testable import Ember

/// Complex autograd: gradients against PyTorch's (conjugate Wirtinger convention), and float64
/// gradchecks of real → complex → real functions (how PyTorch's gradcheck treats complex
/// inputs: as pairs of reals).
final class ComplexGradTests: XCTestCase {
    /// The Swift form of each gradient fixture case: the loss from the named leaves.
    private let losses: [String: ([String: Tensor]) -> Tensor] = [
        "abs_mul": { $0["a"]!.mul($0["b"]!).abs().sum() },
        "abs_at_zero": { $0["a"]!.abs().sum() },
        "div": { i in
            let q = i["a"]!.div(i["b"]!)
            return q.real.sum().add(q.imag.pow(2).sum())
        },
        "exp": { $0["a"]!.exp().abs().pow(2).sum() },
        "angle": { $0["a"]!.angle().sum() },
        "real_imag": { $0["a"]!.real.mul(3).sum().add($0["a"]!.imag.pow(2).sum()) },
        "conj_mul": { $0["a"]!.conj().mul($0["b"]!).imag.sum() },
        "view_as_real": { $0["a"]!.viewAsReal().mul(Tensor([2.0, -1.0], dtype: .float64)).sum() },
        "view_as_complex": { $0["x"]!.viewAsComplex().mul($0["b"]!).abs().sum() },
        "sum_mean": { $0["a"]!.sum(dim: 1).abs().sum().add($0["a"]!.mean().abs()) },
        "polar": { Tensor.polar(abs: $0["r"]!, angle: $0["t"]!).mul(.complex(1, 2)).viewAsReal().pow(2).sum() },
        "complex_ctor": { i in
            let b0 = Tensor([Complex<Double>(0.5, -1), Complex(2, 2), Complex(-1.5, 0.75)])
            return Tensor.complex(real: i["re"]!, imag: i["im"]!).mul(b0).abs().sum()
        },
        "sgn": { i in
            let b = Tensor([[Complex<Double>(0.5, -1), Complex(2, 2), Complex(-1.5, 0.75)],
                            [Complex(-2, 0.5), Complex(1, 0), Complex(0.25, -3)]])
            return i["a"]!.sgn().mul(b).real.sum()
        },
        "matmul": { $0["a"]!.matmul($0["b"]!.mT).abs().sum() },
        "mixed_real_complex": { $0["x"]!.mul($0["a"]!).abs().sum() },
    ]

    /// Gradients are float64/complex128 on both sides; formulas agree with PyTorch's up to
    /// rounding order, so rtol 1e-12 (atol 1e-13 for entries that should be 0).
    func testGradientsMatchPyTorch() throws {
        var seen = 0
        for c in try Fixtures.cases("Core/complex.json") where c["kind"] as? String == "grad" {
            let name = c["name"] as! String
            guard let loss = losses[name] else {
                XCTFail("no Swift form for gradient case \(name)")
                continue
            }
            let inputs = (c["inputs"] as! [String: Any]).mapValues { Fixtures.tensor($0).requiresGrad_() }
            let value = loss(inputs)
            assertClose(value, Fixtures.tensor(c["loss"]), rtol: 1e-12, atol: 1e-13, "\(name) loss")
            value.backward()
            for (key, expected) in c["grads"] as! [String: Any] {
                guard let grad = inputs[key]!.grad else {
                    XCTFail("\(name): no gradient for \(key)")
                    continue
                }
                assertClose(grad, Fixtures.tensor(expected), rtol: 1e-12, atol: 1e-13, "\(name) grad \(key)")
            }
            seen += 1
        }
        XCTAssertEqual(seen, losses.count)
    }

    /// Complex values built from float64 pairs, so that gradcheck perturbs real inputs.
    private func complexFrom(_ pairs: Tensor) -> Tensor { pairs.viewAsComplex() }

    private func leaf(_ values: [Double], _ shape: [Int]) -> Tensor {
        Tensor(values, shape: shape).requiresGrad_()
    }

    /// gradcheck's defaults (eps 1e-6, atol 1e-5, rtol 1e-3), as PyTorch's.
    func testGradcheckElementwise() throws {
        let x = leaf([1.5, 2, -3.25, 0.5, 2, -1, -0.5, -4, 7, 0.25, 0.3, -0.7], [6, 2])
        let y = leaf([0.5, -1, 2, 2, -1.5, 0.75, -2, 0.5, 1, 0.2, 0.25, -3], [6, 2])
        try gradcheck(inputs: [x, y]) { i in
            let a = self.complexFrom(i[0]), b = self.complexFrom(i[1])
            return [a.mul(b).viewAsReal(), a.div(b).viewAsReal(), a.sub(b).add(a).viewAsReal()]
        }
        try gradcheck(inputs: [x]) { i in
            let a = self.complexFrom(i[0])
            return [a.mul(0.5).exp().viewAsReal(), a.abs(), a.angle(), a.conj().viewAsReal(), a.sgn().viewAsReal()]
        }
        try gradcheck(inputs: [x]) { i in
            let a = self.complexFrom(i[0])
            return [a.real.mul(a.imag), a.neg().mul(.complex(0.5, -2)).viewAsReal(), a.div(.complex(1, 1)).viewAsReal()]
        }
    }

    func testGradcheckReductionsViewsAndConstructors() throws {
        let x = leaf([1.5, 2, -3.25, 0.5, 2, -1, -0.5, -4, 7, 0.25, 0.3, -0.7], [2, 3, 2])
        try gradcheck(inputs: [x]) { i in
            let a = self.complexFrom(i[0])
            return [a.sum().viewAsReal(), a.sum(dim: 0).viewAsReal(), a.mean(dim: 1, keepDim: true).viewAsReal(), a.mean().abs()]
        }
        let r = leaf([1, 2, 0.5], [3]), t = leaf([0.25, -1.5, 3], [3])
        try gradcheck(inputs: [r, t]) { i in
            [Tensor.polar(abs: i[0], angle: i[1]).viewAsReal(),
             Tensor.complex(real: i[0], imag: i[1]).mul(.complex(2, -1)).viewAsReal(),
             Tensor.complex(real: i[0], imag: i[1].unsqueeze(1)).abs()]
        }
    }

    func testGradcheckMatmulAndMixedDtypes() throws {
        let x = leaf([1.5, 2, -3.25, 0.5, 2, -1, -0.5, -4, 7, 0.25, 0.3, -0.7], [2, 3, 2])
        let y = leaf([0.5, -1, 2, 2, -1.5, 0.75, -2, 0.5, 1, 0.2, 0.25, -3], [3, 2, 2])
        let w = leaf([0.5, -2, 1.25], [3])
        try gradcheck(inputs: [x, y, w]) { i in
            let a = self.complexFrom(i[0]), b = self.complexFrom(i[1])
            return [a.matmul(b).viewAsReal(), a.mul(i[2]).viewAsReal(), a.add(i[2]).abs()]
        }
    }

    func testComplexLeavesRequireGradAndRealLossOnly() {
        let a = Tensor([Complex<Double>(1, 2), Complex(3, -1)]).requiresGrad_()
        XCTAssertTrue(a.requiresGrad)
        let loss = a.mul(a).abs().sum()
        XCTAssertEqual(loss.dtype, .float64)
        loss.backward()
        // d|z²|/dz̄ convention: 2·|z|²·z / |z|... for |z²| = |z|², the gradient is 2z.
        assertClose(a.grad!, Tensor([Complex<Double>(2, 4), Complex(6, -2)]), rtol: 1e-14, atol: 0)
    }
}

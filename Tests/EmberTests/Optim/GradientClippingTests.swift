import XCTest
@testable import Ember

/// `clipGradNorm_` and `clipGradValue_` against `torch.nn.utils` (`Scripts/fixtures/core_optim.py`).
///
/// Tolerance: rtol 1e-6 in float32. Ember accumulates each gradient's norm in float64 and
/// rounds once, PyTorch in float32, so the total norm (and the clip coefficient) can differ
/// in the last bit or two; clamping (clip_grad_value_) is exact.
final class GradientClippingTests: XCTestCase {
    func testClippingMatchesPyTorch() throws {
        let cases = try Fixtures.cases("Core/optim_clipping.json")
        XCTAssertEqual(cases.count, 8)
        for c in cases {
            let name = c["name"] as! String
            let grads = (c["grads"] as! [Any]).map(Fixtures.tensor)
            let params = grads.map { g -> Tensor in
                let p = Tensor.zerosLike(g).requiresGrad_()
                p.grad = g.clone()
                return p
            }
            let expected = (c["clipped"] as! [Any]).map(Fixtures.tensor)
            if let clipValue = c["clip_value"] {
                clipGradValue_(params, clipValue: Fixtures.double(clipValue))
                for (p, e) in zip(params, expected) { assertClose(p.grad!, e, name) }
                continue
            }
            let total = try clipGradNorm_(
                params, maxNorm: Fixtures.double(c["max_norm"]!), normType: Fixtures.double(c["norm_type"]!))
            assertClose(total, Fixtures.tensor(c["total_norm"]), rtol: 1e-6, "\(name) total norm")
            for (i, (p, e)) in zip(params, expected).enumerated() {
                assertClose(p.grad!, e, rtol: 1e-6, atol: 1e-7, "\(name) gradient \(i)")
            }
        }
    }

    func testNonfiniteNormThrowsWhenAsked() {
        let p = Tensor.zeros([2]).requiresGrad_()
        p.grad = Tensor([1.0, .infinity])
        XCTAssertThrowsError(try clipGradNorm_([p], maxNorm: 1, errorIfNonfinite: true)) { error in
            XCTAssertEqual((error as? NonfiniteGradientNormError)?.norm, .infinity)
        }
        XCTAssertEqual(p.grad!.toArray(Float.self), [1, .infinity])  // untouched
    }

    func testParametersWithoutGradientsAndEmptyInput() throws {
        let a = Tensor.zeros([2]).requiresGrad_(), b = Tensor.zeros([3]).requiresGrad_()
        b.grad = Tensor([3.0, 0.0, 4.0])
        let total = try clipGradNorm_([a, b], maxNorm: 1)
        XCTAssertEqual(total.item(Float.self), 5)
        assertClose(b.grad!, Tensor([0.6, 0.0, 0.8]), rtol: 1e-6)
        XCTAssertNil(a.grad)
        XCTAssertEqual(try clipGradNorm_([a], maxNorm: 1).item(Float.self), 0)
        XCTAssertEqual(try gradTotalNorm([Tensor([1.0, -2.0]), Tensor([3.0])], normType: .infinity).item(Float.self), 3)
    }

    /// Gradients of several chunks: the norm agrees with `Tensor.norm` and does not depend on the
    /// thread count (partial sums are split at fixed offsets).
    func testLargeGradientsAreThreadCountIndependent() throws {
        let g = Generator(seed: 3)
        let grads = [Tensor.randn([300_001], generator: g), Tensor.randn([1000, 70], dtype: .float64, generator: g)]
        let threads = Threading.numThreads
        defer { Threading.setNumThreads(threads) }
        var totals: [Double] = []
        for n in [1, 2, 3] {
            Threading.setNumThreads(n)
            for p in [2.0, 1.0, .infinity] { totals.append(try gradTotalNorm(grads, normType: p).item(Double.self)) }
        }
        XCTAssertEqual(Array(totals[0..<3]), Array(totals[3..<6]))
        XCTAssertEqual(Array(totals[0..<3]), Array(totals[6..<9]))
        let reference = grads.map { $0.norm().item(Double.self) }
        XCTAssertEqual(totals[0], (reference[0] * reference[0] + reference[1] * reference[1]).squareRoot(), accuracy: 1e-6 * totals[0])  // float32 per-tensor norms: 1 ulp
        XCTAssertEqual(try gradTotalNorm(grads).dtype, .float64)
    }
}

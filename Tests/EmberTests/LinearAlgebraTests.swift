import XCTest
@testable import Ember

/// Matrix products and einsum against `Tests/Fixtures/Core/linalg.json` (`Scripts/fixtures/core_linalg.py`).
final class LinearAlgebraTests: XCTestCase {
    /// The view a fixture input describes, over its base tensor.
    private func input(_ spec: [String: Any]) -> Tensor {
        let base = Fixtures.tensor(spec["tensor"])
        let shape = spec["shape"] as! [Int]
        switch spec["view"] as? String {
        case "t": return base.transpose(-2, -1)
        case "step":
            var strides = base.strides
            strides[strides.count - 1] *= 2
            return base.asStrided(shape, strides)
        case "expand": return base.expand(shape)
        default: return base
        }
    }

    /// Tolerances, relative to the size of the result: float32 sums of up to 33 products of
    /// N(0,1) values through OpenBLAS's blocked FMA order differ from PyTorch's (MKL) order by
    /// a few ulp of the partial sums; float64 likewise at 1e-12; float16/bfloat16 are computed
    /// in float32 and rounded once, so they may differ by one unit of their own precision;
    /// integers are exact.
    private func tolerance(_ dtype: DType) -> (rtol: Double, atol: Double) {
        switch dtype {
        case .float32: return (1e-5, 1e-5)
        case .float64: return (1e-12, 1e-12)
        case .float16: return (2e-3, 2e-3)
        case .bfloat16: return (1.6e-2, 1.6e-2)
        default: return (0, 0)
        }
    }

    func testAgainstPyTorch() throws {
        var checked = 0
        for c in try Fixtures.cases("Core/linalg.json") {
            let op = c["op"] as! String
            let inputs = (c["inputs"] as! [[String: Any]]).map(input)
            let args = c["args"] as? [String: Any] ?? [:]
            let beta = (args["beta"] as? NSNumber)?.doubleValue ?? 1, alpha = (args["alpha"] as? NSNumber)?.doubleValue ?? 1
            let expected = Fixtures.tensor(c["out"])
            let actual: Tensor
            switch op {
            case "matmul": actual = inputs[0].matmul(inputs[1])
            case "mm": actual = Tensor.mm(inputs[0], inputs[1])
            case "bmm": actual = inputs[0].bmm(inputs[1])
            case "mv": actual = inputs[0].mv(inputs[1])
            case "dot": actual = Tensor.dot(inputs[0], inputs[1])
            case "outer": actual = inputs[0].outer(inputs[1])
            case "addmm": actual = inputs[0].addmm(inputs[1], inputs[2], beta: beta, alpha: alpha)
            case "baddbmm": actual = Tensor.baddbmm(inputs[0], inputs[1], inputs[2], beta: beta, alpha: alpha)
            case "einsum": actual = Tensor.einsum(args["equation"] as! String, inputs)
            default: fatalError("unknown op \(op)")
            }
            let (rtol, atol) = tolerance(expected.dtype)
            let label = "\(op) \(args["equation"] ?? "") \(inputs.map { "\($0.dtype)\($0.shape)/\($0.strides)" })"
            assertClose(actual, expected, rtol: rtol, atol: atol, label)
            checked += 1
        }
        XCTAssertGreaterThan(checked, 300)
    }

    func testTransposedOperandsAreNotCopied() {
        // A transposed view goes to BLAS as a transpose flag with its own leading dimension.
        let a = Tensor.randn([6, 4], generator: Generator(seed: 1))
        let layout = Gemm.blasLayout(rows: 4, cols: 6, rowStride: a.t().strides[0], colStride: a.t().strides[1])
        XCTAssertEqual(layout?.transposed, true)
        XCTAssertEqual(layout?.ld, 4)
        let strided = a.asStrided([6, 2], [4, 2])
        XCTAssertNil(Gemm.blasLayout(rows: 6, cols: 2, rowStride: strided.strides[0], colStride: strided.strides[1]))
    }

    func testLargeProductMatchesNaiveSum() {
        // A product big enough for OpenBLAS's blocked, threaded path, checked against a
        // double-precision naive sum (float32 tolerance 1e-4 relative to sqrt(K) magnitudes).
        let gen = Generator(seed: 3)
        let (m, k, n) = (70, 300, 90)
        let a = Tensor.randn([m, k], generator: gen), b = Tensor.randn([k, n], generator: gen)
        let c = a.matmul(b).toArray(Float.self)
        let (x, y) = (a.toArray(Float.self), b.toArray(Float.self))
        var worst = 0.0
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for p in 0..<k { s += Double(x[i * k + p]) * Double(y[p * n + j]) }
                worst = max(worst, abs(s - Double(c[i * n + j])))
            }
        }
        XCTAssertLessThan(worst, 1e-3, "float32 sgemm vs double naive sum")
    }
}

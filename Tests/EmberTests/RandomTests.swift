import XCTest
@testable import Ember

/// Seeded draws against `Tests/Fixtures/Core/random.json` (`Scripts/fixtures/core_random.py`).
final class RandomTests: XCTestCase {
    /// Runs one fixture call on `gen`; returns the tensor the fixture recorded.
    private func run(_ call: [String: Any], _ gen: Generator) -> Tensor {
        let op = call["op"] as! String
        let dtype = DType(rawValue: (call["dtype"] as? String) ?? "float32")!
        let shape = (call["shape"] as? [Int]) ?? []
        let a = (call["a"] as? NSNumber)?.doubleValue ?? 0, b = (call["b"] as? NSNumber)?.doubleValue ?? 0
        switch op {
        case "rand": return Tensor.rand(shape, dtype: dtype, generator: gen)
        case "randn": return Tensor.randn(shape, dtype: dtype, generator: gen)
        case "randint":
            return Tensor.randint(
                (call["low"] as! NSNumber).intValue, (call["high"] as! NSNumber).intValue, shape, dtype: dtype, generator: gen)
        case "randperm": return Tensor.randperm(call["n"] as! Int, dtype: dtype, generator: gen)
        case "normal_", "normal_t", "uniform_", "uniform_t":
            let base = Tensor.empty(shape, dtype: dtype)
            let target = op.hasSuffix("_t") ? base.t() : base
            if op.hasPrefix("normal") {
                target.normal_(mean: a, std: b, generator: gen)
            } else {
                target.uniform_(from: a, to: b, generator: gen)
            }
            return base
        case "bernoulli_p":
            return Tensor.linspace(0, 1, steps: shape[0], dtype: dtype).bernoulli(generator: gen)
        case "bernoulli_scalar":
            return Tensor.empty(shape, dtype: dtype).bernoulli_(p: (call["p"] as! NSNumber).doubleValue, generator: gen)
        default:
            fatalError("unknown fixture op \(op)")
        }
    }

    /// Distance in units in the last place between two values of the same float dtype.
    private func ulps(_ x: Double, _ y: Double, _ dtype: DType) -> Int {
        if x == y { return 0 }
        if dtype == .float32 {
            let (a, b) = (Int64(Float(x).bitPattern), Int64(Float(y).bitPattern))
            return Int(abs(a - b))
        }
        return Int(min(abs(Int64(bitPattern: x.bitPattern) - Int64(bitPattern: y.bitPattern)), Int64(Int.max)))
    }

    func testSeededDrawsMatchPyTorch() throws {
        var worstNormalFloat = 0, worstOther = 0
        for c in try Fixtures.cases("Core/random.json") {
            let name = c["name"] as! String
            let seed = (c["seed"] as! NSNumber).uint64Value
            let gen = Generator(seed: seed)
            let calls = c["calls"] as! [[String: Any]], outs = c["outs"] as! [Any]
            for (call, out) in zip(calls, outs) {
                let expected = Fixtures.tensor(out)
                let actual = run(call, gen)
                XCTAssertEqual(actual.shape, expected.shape, name)
                XCTAssertEqual(actual.dtype, expected.dtype, name)
                guard actual.shape == expected.shape else { continue }
                let op = call["op"] as! String
                let (x, y) = (actual.toArray(Double.self), expected.toArray(Double.self))
                // rand/uniform_/randint/randperm/bernoulli are exact. Normals go through
                // log/sin/cos: float32 blocks of 16 run PyTorch's AVX2 approximations, so they
                // may differ from libm by a few ulp; everything else within 1 ulp.
                let usesTranscendentals = op.hasPrefix("normal") || op == "randn"
                let floatBlocks = usesTranscendentals && actual.dtype == .float32
                let allowed = floatBlocks ? 4 : (usesTranscendentals ? 1 : 0)
                for i in 0..<x.count {
                    let d = ulps(x[i], y[i], actual.dtype)
                    if floatBlocks { worstNormalFloat = max(worstNormalFloat, d) } else { worstOther = max(worstOther, d) }
                    if d > allowed {
                        XCTFail("\(name) \(op) element \(i): \(x[i]) vs PyTorch \(y[i]) (\(d) ulp > \(allowed))")
                        break
                    }
                }
            }
        }
        print("random fixtures: worst float32 normal \(worstNormalFloat) ulp, others \(worstOther) ulp")
    }
}

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

    func testDefaultGeneratorAndState() {
        // torch.manual_seed(42); torch.rand(3) == [0.8822692632675171, 0.9150039553642273, 0.38286375999450684]
        Random.manualSeed(42)
        XCTAssertEqual(Random.initialSeed, 42)
        XCTAssertEqual(Tensor.rand([3]).toArray(Double.self), [0.8822692632675171, 0.9150039553642273, 0.38286375999450684])
        // Restoring a saved state replays the same numbers, including the cached normal.
        let gen = Generator(seed: 5)
        _ = Tensor.randn([3], dtype: .float64, generator: gen)
        let saved = gen.state
        let first = Tensor.randn([7], dtype: .float64, generator: gen).toArray(Double.self)
        gen.state = saved
        XCTAssertEqual(Tensor.randn([7], dtype: .float64, generator: gen).toArray(Double.self), first)
        let seed = gen.seed()
        XCTAssertEqual(gen.initialSeed, seed)
    }

    func testMultinomialStatistics() {
        // Frequencies of 40,000 draws with replacement: each within 4 standard deviations of
        // its probability (statistical test: the individual draws are not PyTorch's).
        let gen = Generator(seed: 1)
        let weights = Tensor([1.0, 2.0, 0.0, 5.0])
        let draws = weights.multinomial(40_000, replacement: true, generator: gen).toArray(Int64.self)
        let probabilities = [1.0 / 8, 2.0 / 8, 0, 5.0 / 8]
        for c in 0..<4 {
            let frequency = Double(draws.filter { $0 == c }.count) / 40_000
            let sigma = (probabilities[c] * (1 - probabilities[c]) / 40_000).squareRoot()
            XCTAssertLessThanOrEqual(abs(frequency - probabilities[c]), 4 * sigma + 1e-12, "category \(c)")
        }
        // Without replacement: distinct indices, never a zero-weight category while others remain,
        // and the heaviest category first most of the time (5/8 of rows).
        let rows = Tensor.ones([2000, 1], dtype: .float64).mul(Tensor([1.0, 2.0, 0.0, 5.0], dtype: .float64).unsqueeze(0))
        let picks = rows.multinomial(3, generator: gen).toArray(Int64.self)
        var heaviestFirst = 0
        for r in 0..<2000 {
            let row = Array(picks[(r * 3)..<(r * 3 + 3)])
            XCTAssertEqual(Set(row).count, 3)
            XCTAssertFalse(row.contains(2))
            if row[0] == 3 { heaviestFirst += 1 }
        }
        let sigma = (0.625 * 0.375 / 2000).squareRoot()
        XCTAssertLessThanOrEqual(abs(Double(heaviestFirst) / 2000 - 0.625), 4 * sigma)
        XCTAssertEqual(rows.multinomial(2, generator: gen).shape, [2000, 2])
    }

    func testUniformRangeAndIntegerBounds() {
        let gen = Generator(seed: 8)
        let u = Tensor.empty([10_000], dtype: .float64).uniform_(from: -3, to: 2, generator: gen).toArray(Double.self)
        XCTAssertTrue(u.allSatisfy { $0 >= -3 && $0 < 2 })
        let r = Tensor.randint(-4, 4, [10_000], generator: gen).toArray(Int64.self)
        XCTAssertEqual(Set(r), Set(-4..<4))
        XCTAssertEqual(Tensor.randperm(0).shape, [0])
        XCTAssertEqual(Tensor.randn([0, 3]).shape, [0, 3])
    }
}

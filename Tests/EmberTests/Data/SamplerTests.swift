import XCTest
@testable import Ember

/// Samplers and `randomSplit` against PyTorch's index sequences. Indices are integers and
/// must match exactly, over three epochs from one generator, and so must the next draws from
/// that generator (the fixtures' `after`), which pins down how many numbers each epoch used.
final class SamplerTests: XCTestCase {
    func testRandomSamplerMatchesPyTorch() throws {
        let cases = try DataFixtures.list("samplers")
        var checked = 0
        for c in cases {
            let kind = c["kind"] as! String
            guard kind == "random" || kind == "random_default" else { continue }
            let seed = (c["seed"] as! NSNumber).uint64Value
            let n = (c["n"] as! NSNumber).intValue
            let replacement = c["replacement"] as! Bool
            let numSamples = DataFixtures.optionalInt(c["num_samples"])
            let generator: Generator?
            if kind == "random" {
                generator = Generator(seed: seed)
            } else {
                Random.manualSeed(Int64(seed))
                generator = nil
            }
            let sampler = RandomSampler(size: n, replacement: replacement, numSamples: numSamples, generator: generator)
            XCTAssertEqual(sampler.count, numSamples ?? n)
            let epochs = DataFixtures.intLists(c["epochs"])
            for (e, expected) in epochs.enumerated() {
                XCTAssertEqual(Array(sampler), expected, "\(kind) seed \(seed) n \(n) epoch \(e)")
            }
            XCTAssertEqual(DataFixtures.after(generator), DataFixtures.ints(c["after"]), "\(kind) seed \(seed): generator position")
            checked += 1
        }
        XCTAssertEqual(checked, 11)
    }

    func testSubsetRandomAndWeightedSamplersMatchPyTorch() throws {
        var checked = 0
        for c in try DataFixtures.list("samplers") {
            let kind = c["kind"] as! String
            let seed = (c["seed"] as! NSNumber).uint64Value
            let generator = Generator(seed: seed)
            let epochs = DataFixtures.intLists(c["epochs"])
            let sampled: () -> [Int]
            switch kind {
            case "subset_random":
                let sampler = SubsetRandomSampler(DataFixtures.ints(c["indices"]), generator: generator)
                XCTAssertEqual(sampler.count, epochs[0].count)
                sampled = { Array(sampler) }
            case "weighted":
                let weights = (c["weights"] as! [String]).map { Double($0)! }
                let sampler = WeightedRandomSampler(
                    weights: weights, numSamples: (c["num_samples"] as! NSNumber).intValue, generator: generator)
                XCTAssertEqual(sampler.count, epochs[0].count)
                sampled = { Array(sampler) }
            default:
                continue
            }
            for (e, expected) in epochs.enumerated() {
                XCTAssertEqual(sampled(), expected, "\(kind) seed \(seed) epoch \(e)")
            }
            XCTAssertEqual(DataFixtures.after(generator), DataFixtures.ints(c["after"]), "\(kind) seed \(seed)")
            checked += 1
        }
        XCTAssertEqual(checked, 4)
    }

    func testWeightedSamplerWithoutReplacement() {
        // Ember's multinomial without replacement follows PyTorch's distribution, not its
        // numbers: check the invariants (distinct indices, zero weights never drawn while
        // others remain) and that each epoch draws anew.
        let generator = Generator(seed: 3)
        let sampler = WeightedRandomSampler(weights: [0.9, 0.4, 0, 0.2, 0.3, 0.1], numSamples: 5, replacement: false, generator: generator)
        var orders = Set<[Int]>()
        for _ in 0..<20 {
            let order = Array(sampler)
            XCTAssertEqual(Set(order).count, 5)
            XCTAssertFalse(order.contains(2))
            orders.insert(order)
        }
        XCTAssertGreaterThan(orders.count, 1)
    }

    func testSequentialAndBatchSamplers() throws {
        XCTAssertEqual(Array(SequentialSampler(count: 4)), [0, 1, 2, 3])
        XCTAssertEqual(SequentialSampler([7, 8, 9]).count, 3)
        for c in try DataFixtures.list("batch_samplers") {
            let n = (c["n"] as! NSNumber).intValue
            let batchSize = (c["batch_size"] as! NSNumber).intValue
            let dropLast = c["drop_last"] as! Bool
            let sampler = BatchSampler(SequentialSampler(count: n), batchSize: batchSize, dropLast: dropLast)
            XCTAssertEqual(Array(sampler), DataFixtures.intLists(c["batches"]), "n \(n) dropLast \(dropLast)")
            XCTAssertEqual(sampler.count, (c["count"] as! NSNumber).intValue)
        }
        // Ranges and arrays are samplers, as Python iterables are.
        XCTAssertEqual(Array(BatchSampler(5..<10, batchSize: 2, dropLast: false)), [[5, 6], [7, 8], [9]])
        XCTAssertEqual(Array(BatchSampler([4, 2, 0], batchSize: 2, dropLast: true)), [[4, 2]])
    }

    func testRandomSplitMatchesPyTorch() throws {
        let cases = try DataFixtures.list("splits")
        XCTAssertEqual(cases.count, 6)
        for c in cases {
            let seed = (c["seed"] as! NSNumber).uint64Value
            let n = (c["n"] as! NSNumber).intValue
            let dataset = Array(100..<(100 + n))
            let generator = Generator(seed: seed)
            let parts: [Subset<[Int]>]
            if c["fractions"] as! Bool {
                parts = try randomSplit(dataset, fractions: (c["lengths"] as! [String]).map { Double($0)! }, generator: generator)
            } else {
                parts = try randomSplit(dataset, lengths: DataFixtures.ints(c["lengths"]), generator: generator)
            }
            let expected = DataFixtures.intLists(c["subsets"])
            XCTAssertEqual(parts.map(\.indices), expected, "seed \(seed) n \(n)")
            XCTAssertEqual(parts.map { p in (0..<p.count).map { p[$0] } }, expected.map { $0.map { $0 + 100 } })
            XCTAssertEqual(DataFixtures.after(generator), DataFixtures.ints(c["after"]), "seed \(seed)")
        }
    }

    func testRandomSplitRejectsBadLengths() {
        let dataset = Array(0..<10)
        XCTAssertThrowsError(try randomSplit(dataset, lengths: [3, 6])) { error in
            XCTAssertEqual(error as? DatasetError, .lengthsDoNotMatchCount(sum: 9, count: 10))
            XCTAssertTrue("\(error)".hasPrefix("Sum of input lengths does not equal the length of the input dataset!"))
        }
        XCTAssertThrowsError(try randomSplit(dataset, lengths: [12, -2])) { error in
            XCTAssertEqual(error as? DatasetError, .negativeLength(index: 1, length: -2))
        }
        XCTAssertThrowsError(try randomSplit(dataset, fractions: [0.5, 0.6])) { error in
            XCTAssertEqual(error as? DatasetError, .fractionsDoNotSumToOne(sum: 1.1))
        }
        XCTAssertThrowsError(try randomSplit(dataset, fractions: [1.5, -0.5])) { error in
            XCTAssertEqual(error as? DatasetError, .fractionOutOfRange(index: 0, fraction: 1.5))
        }
        // A sum one rounding step above 1 is not "<= 1": PyTorch rejects it too.
        XCTAssertThrowsError(try randomSplit(dataset, fractions: [0.33, 0.56, 0.11]))
        XCTAssertNoThrow(try randomSplit(dataset, fractions: [0.7, 0.2, 0.1]))
    }
}

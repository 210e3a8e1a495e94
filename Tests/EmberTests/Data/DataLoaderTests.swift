import Foundation
import XCTest
@testable import Ember

/// `DataLoader`: PyTorch's batches epoch after epoch (fixtures, exact integer indices), the
/// same batches for any worker count, collation of typical sample types, dropLast, custom
/// collate and batch samplers, iterable datasets, and worker shutdown on early exit.
final class DataLoaderTests: XCTestCase {
    /// A dataset that records which thread read each sample and sleeps a little at random,
    /// so that workers finish out of order.
    final class SlowDataset: Dataset, @unchecked Sendable {
        let count: Int
        private let lock = NSLock()
        private var reads = 0
        init(count: Int) { self.count = count }

        var readCount: Int { lock.withLock { reads } }

        subscript(index: Int) -> (Tensor, Int) {
            lock.withLock { reads += 1 }
            usleep(UInt32.random(in: 0..<300))
            return (Tensor([Float(index), Float(index) * 0.5]), index)
        }
    }

    func testBatchesMatchPyTorchEpochAfterEpoch() throws {
        let cases = try DataFixtures.list("loaders")
        XCTAssertEqual(cases.count, 6)
        for c in cases {
            let seed = (c["seed"] as! NSNumber).uint64Value
            let n = (c["n"] as! NSNumber).intValue
            let generator: Generator?
            if c["generator"] as! Bool {
                generator = Generator(seed: seed)
            } else {
                Random.manualSeed(Int64(seed))
                generator = nil
            }
            let loader = DataLoader(
                Array(0..<n), batchSize: (c["batch_size"] as! NSNumber).intValue, shuffle: c["shuffle"] as! Bool,
                dropLast: c["drop_last"] as! Bool, generator: generator)
            XCTAssertEqual(loader.count, (c["count"] as! NSNumber).intValue)
            for (e, expected) in DataFixtures.intListLists(c["epochs"]).enumerated() {
                let batches = loader.map { $0.toArray(Int64.self).map { Int($0) } }
                XCTAssertEqual(batches, expected, "seed \(seed) epoch \(e)")
            }
            XCTAssertEqual(DataFixtures.after(generator), DataFixtures.ints(c["after"]), "seed \(seed): generator position")
        }
    }

    func testSameBatchesForEveryWorkerCount() {
        let dataset = SlowDataset(count: 37)
        var reference: [[Int]]? = nil
        for workers in [0, 1, 2, 4] {
            let loader = DataLoader(dataset, batchSize: 5, shuffle: true, numWorkers: workers, generator: Generator(seed: 11))
            var epochs = [[Int]]()
            for _ in 0..<2 {
                var order = [Int]()
                for (features, labels) in loader {
                    XCTAssertEqual(features.shape[1], 2)
                    XCTAssertEqual(features.shape[0], labels.shape[0])
                    XCTAssertEqual(labels.dtype, .int64)
                    // Each row of `features` belongs to its label.
                    XCTAssertEqual(features.select(1, 0).toArray(Float.self), labels.toArray(Int64.self).map { Float($0) })
                    order += labels.toArray(Int64.self).map { Int($0) }
                }
                XCTAssertEqual(order.sorted(), Array(0..<37))
                epochs.append(order)
            }
            XCTAssertNotEqual(epochs[0], epochs[1], "each epoch reshuffles")
            if let reference { XCTAssertEqual(epochs, reference, "\(workers) workers") } else { reference = epochs }
            XCTAssertEqual(LiveWorkers.count, 0, "workers exit when the epoch ends")
        }
    }

    func testDropLastAndCount() {
        let loader = DataLoader(Array(0..<10), batchSize: 4, dropLast: true)
        XCTAssertEqual(loader.count, 2)
        XCTAssertEqual(loader.map { $0.shape }, [[4], [4]])
        let keep = DataLoader(Array(0..<10), batchSize: 4, numWorkers: 2)
        XCTAssertEqual(keep.count, 3)
        XCTAssertEqual(keep.map { $0.toArray(Int64.self) }, [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
    }

    func testTensorDatasetTrainingLoopShape() {
        let images = Tensor.arange(24).reshape(6, 2, 2).float()
        let labels = Tensor([0, 1, 0, 1, 0, 1])
        let loader = DataLoader(TensorDataset(images, labels), batchSize: 4, numWorkers: 2)
        var shapes = [[Int]]()
        for (x, y) in loader {
            shapes.append(x.shape)
            XCTAssertEqual(y.dtype, .int64)
        }
        XCTAssertEqual(shapes, [[4, 2, 2], [2, 2, 2]])
    }

    func testCustomCollateAndBatchSampler() {
        let words = ["a", "bb", "ccc", "dddd", "eeeee"]
        // A custom collate: lengths of the words in a batch.
        let lengths = DataLoader(words, batchSize: 2) { batch in Tensor(batch.map { $0.count }) }
        XCTAssertEqual(lengths.map { $0.toArray(Int64.self) }, [[1, 2], [3, 4], [5]])
        // Strings collate to lists, as in PyTorch.
        XCTAssertEqual(Array(DataLoader(words, batchSize: 3)), [["a", "bb", "ccc"], ["dddd", "eeeee"]])
        // A batch sampler decides the batches (here: reversed pairs).
        let batches = BatchSampler([4, 3, 2, 1, 0], batchSize: 2, dropLast: false)
        let loader = DataLoader(Array(100..<105), batchSampler: batches, numWorkers: 3)
        XCTAssertNil(loader.batchSize)
        XCTAssertEqual(loader.count, 3)
        XCTAssertEqual(loader.map { $0.toArray(Int64.self) }, [[104, 103], [102, 101], [100]])
        // A sampler decides the order.
        let sampled = DataLoader(Array(100..<105), batchSize: 2, sampler: [3, 1, 4])
        XCTAssertEqual(sampled.map { $0.toArray(Int64.self) }, [[103, 101], [104]])
    }

    func testDictionarySamples() {
        let samples: [[String: Tensor]] = (0..<4).map { ["x": Tensor([Float($0), 1]), "y": Tensor(scalar: Int64($0))] }
        let batches = Array(DataLoader(samples, batchSize: 3))
        XCTAssertEqual(batches.count, 2)
        XCTAssertEqual(batches[0]["x"]!.shape, [3, 2])
        XCTAssertEqual(batches[1]["y"]!.toArray(Int64.self), [3])
    }

    func testEarlyExitStopsWorkers() {
        let dataset = SlowDataset(count: 1000)
        let loader = DataLoader(dataset, batchSize: 2, numWorkers: 3, prefetchFactor: 2)
        var seen = 0
        for (_, labels) in loader {
            XCTAssertEqual(labels.toArray(Int64.self), [Int64(2 * seen), Int64(2 * seen + 1)])
            seen += 1
            if seen == 3 { break }
        }
        XCTAssertEqual(LiveWorkers.count, 0, "leaving the loop joins the workers")
        // 3 batches consumed, at most 2 × 3 more in flight, 2 samples each.
        let reads = dataset.readCount
        XCTAssertLessThanOrEqual(reads, (3 + 6) * 2)
        usleep(20_000)
        XCTAssertEqual(dataset.readCount, reads, "no reads after the workers stopped")
        // A new epoch starts new workers.
        XCTAssertEqual(Array(loader.prefix(2)).count, 2)
        XCTAssertEqual(LiveWorkers.count, 0)
    }

    /// Ops on worker threads run single-threaded, as PyTorch sets one thread per worker
    /// process; the loop's own thread keeps the global count.
    func testWorkersRunOpsSingleThreaded() {
        struct Probe: Dataset, Sendable {
            var count: Int { 4 }
            subscript(index: Int) -> [Int] { [Threading.numThreads] }
        }
        let saved = Threading.numThreads
        defer { Threading.setNumThreads(saved) }
        Threading.setNumThreads(3)
        let seen = Array(DataLoader(Probe(), batchSize: 1, numWorkers: 2) { $0 }).flatMap { $0 }.map { $0[0] }
        XCTAssertEqual(seen, [1, 1, 1, 1])
        XCTAssertEqual(Threading.numThreads, 3)
        let inline = Array(DataLoader(Probe(), batchSize: 1) { $0 }).flatMap { $0 }.map { $0[0] }
        XCTAssertEqual(inline, [3, 3, 3, 3])
    }

    func testWorkerInfoSeedsAndIds() {
        struct Probe: Dataset, Sendable {
            var count: Int { 8 }
            subscript(index: Int) -> [Int] {
                guard let info = WorkerInfo.current else { return [-1, -1, -1] }
                let draw = Tensor.randint(1000, [1], generator: info.generator).item(Int64.self)
                return [info.id, info.numWorkers, Int(draw)]
            }
        }
        XCTAssertNil(WorkerInfo.current)
        let inline = DataLoader(Probe(), batchSize: 2) { $0 }
        XCTAssertEqual(Array(inline).flatMap { $0 }.map { $0[0] }, Array(repeating: -1, count: 8))

        func run() -> [[Int]] { Array(DataLoader(Probe(), batchSize: 2, numWorkers: 2, generator: Generator(seed: 5)) { $0 }).flatMap { $0 } }
        let first = run()
        // Batches go to workers round robin: batch k to worker k % 2.
        XCTAssertEqual(first.map { $0[0] }, [0, 0, 1, 1, 0, 0, 1, 1])
        XCTAssertEqual(first.map { $0[1] }, Array(repeating: 2, count: 8))
        // Each worker's generator is seeded with the base seed + id: the same draws every run.
        XCTAssertEqual(run(), first)
        let baseSeed = Generator(seed: 5).drawSeed()
        let worker1 = Generator(seed: baseSeed + 1)
        let expected = Tensor.randint(1000, [1], generator: worker1).item(Int64.self)
        XCTAssertEqual(first[2][2], Int(expected))
    }

    func testIterableDatasetSplitByWorkers() {
        struct Stream: IterableDataset, Sendable {
            let count: Int
            func makeIterator() -> AnyIterator<Int> {
                // Worker k of n takes every n-th element from k, as a PyTorch IterableDataset does
                // with get_worker_info().
                let info = WorkerInfo.current
                var next = info?.id ?? 0
                let step = info?.numWorkers ?? 1
                return AnyIterator {
                    guard next < count else { return nil }
                    defer { next += step }
                    return next
                }
            }
        }
        let single = DataLoader(Stream(count: 10), batchSize: 3)
        XCTAssertEqual(single.map { $0.toArray(Int64.self) }, [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]])
        XCTAssertEqual(DataLoader(Stream(count: 10), batchSize: 3, dropLast: true).map { $0.count }, [3, 3, 3])
        // Two workers: worker 0 streams 0, 2, 4, ...; worker 1 streams 1, 3, 5, ...; batches alternate.
        let split = DataLoader(Stream(count: 10), batchSize: 2, numWorkers: 2)
        XCTAssertEqual(split.map { $0.toArray(Int64.self) }, [[0, 2], [1, 3], [4, 6], [5, 7], [8], [9]])
        // Uneven streams: worker 0 ends first and the other keeps going.
        let uneven = DataLoader(Stream(count: 7), batchSize: 3, numWorkers: 2)
        XCTAssertEqual(uneven.map { $0.toArray(Int64.self) }, [[0, 2, 4], [1, 3, 5], [6]])
        XCTAssertEqual(LiveWorkers.count, 0)
    }
}

import XCTest
@testable import Ember

/// The examples of the "Data loading" section of `Docs/Core.md`, run as written (values are
/// small integers, shapes and dtypes: exact).
final class DataGuideExamplesTests: XCTestCase {
    func testTrainingLoopExample() throws {
        Random.manualSeed(0)
        let inputs = Tensor.randn([100, 4])
        let targets = Tensor.randint(3, [100])
        let dataset = TensorDataset(inputs, targets)                 // samples: (Tensor, Tensor)
        let parts = try randomSplit(dataset, fractions: [0.8, 0.2], generator: Generator(seed: 0))
        let (train, test) = (parts[0], parts[1])                    // Subsets of 80 and 20 samples
        let loader = DataLoader(train, batchSize: 32, shuffle: true, numWorkers: 2, generator: Generator(seed: 0))
        XCTAssertEqual(loader.count, 3)                              // batches of 32, 32 and 16
        var sizes = [Int]()
        for _ in 0..<2 {                                             // two epochs, two orders
            for (x, y) in loader {                                   // x: [32, 4] float32, y: [32] int64
                XCTAssertEqual(x.shape[1], 4)
                XCTAssertEqual(y.dtype, .int64)
                sizes.append(x.shape[0])
            }
        }
        XCTAssertEqual(sizes, [32, 32, 16, 32, 32, 16])
        XCTAssertEqual(test.count, 20)
    }

    func testCustomDatasetExample() {
        struct Squares: Dataset {
            var count: Int { 10 }
            subscript(index: Int) -> (Double, Int) { (Double(index), index * index) }
        }
        var batches = [(Tensor, Tensor)]()
        for (x, y) in DataLoader(Squares(), batchSize: 4) {         // x: float64, y: int64
            batches.append((x, y))
        }
        XCTAssertEqual(batches.map { $0.0.shape }, [[4], [4], [2]])
        XCTAssertEqual(batches[0].0.dtype, .float64)
        XCTAssertEqual(batches[2].1.toArray(Int64.self), [64, 81])

        let lengths = DataLoader(["a", "bb", "ccc"], batchSize: 2) { words in Tensor(words.map(\.count)) }
        XCTAssertEqual(lengths.map { $0.toArray(Int64.self) }, [[1, 2], [3]])

        XCTAssertThrowsError(try randomSplit(Squares(), lengths: [5, 4])) { error in
            XCTAssertEqual(error as? DatasetError, .lengthsDoNotMatchCount(sum: 9, count: 10))
        }
    }
}

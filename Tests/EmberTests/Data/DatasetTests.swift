import XCTest
@testable import Ember

/// `TensorDataset`, `Subset`, `ConcatDataset` and arrays as datasets: indexing, negative
/// indices and lengths, as in PyTorch. Values are small integers, compared exactly.
final class DatasetTests: XCTestCase {
    func testTensorDatasetRowsAndTuples() {
        let x = Tensor.arange(12).reshape(4, 3)
        let y = Tensor([10, 11, 12, 13])
        let pairs = TensorDataset(x, y)
        XCTAssertEqual(pairs.count, 4)
        let (row, label) = pairs[2]
        XCTAssertEqual(row.toArray(Int64.self), [6, 7, 8])
        XCTAssertEqual(label.item(Int64.self), 12)
        XCTAssertTrue(row.storage === x.storage, "rows are views")
        XCTAssertEqual(pairs[-1].1.item(Int64.self), 13)

        let single = TensorDataset(x)
        XCTAssertEqual(single[1].toArray(Int64.self), [3, 4, 5])
        let triple = TensorDataset(x, y, y * 2)
        XCTAssertEqual(triple[3].2.item(Int64.self), 26)
        let many = TensorDataset([x, y, y, y])
        XCTAssertEqual(many[0].count, 4)
        XCTAssertEqual(many[0][3].item(Int64.self), 10)
    }

    func testSubsetAndConcatIndexing() {
        let base = Array(100..<110)
        let subset = Subset(base, indices: [9, 0, 4])
        XCTAssertEqual(subset.count, 3)
        XCTAssertEqual((0..<3).map { subset[$0] }, [109, 100, 104])
        XCTAssertEqual(subset[-1], 104)

        let concat = ConcatDataset([Array(0..<3), [], Array(10..<12), [20]])
        XCTAssertEqual(concat.count, 6)
        XCTAssertEqual(concat.cumulativeSizes, [3, 3, 5, 6])
        XCTAssertEqual((0..<6).map { concat[$0] }, [0, 1, 2, 10, 11, 20])
        XCTAssertEqual(concat[-1], 20)
        XCTAssertEqual(concat[-6], 0)

        // Subsets of subsets and concatenations of subsets compose.
        let nested = ConcatDataset([Subset(base, indices: [1, 2]), Subset(base, indices: [8])])
        XCTAssertEqual((0..<3).map { nested[$0] }, [101, 102, 108])
    }
}

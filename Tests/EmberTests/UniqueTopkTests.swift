import XCTest
@testable import Ember

/// unique(dim:), uniqueConsecutive, topk (largest, sorted: false) and sort's stable flag
/// against PyTorch (`Tests/Fixtures/Core/unique_topk.json`, `Scripts/fixtures/core_unique_topk.py`).
/// All comparisons are exact: these ops select and count elements, they compute nothing.
final class UniqueTopkTests: XCTestCase {
    private var cases: [[String: Any]] { get throws { try Fixtures.cases("Core/unique_topk.json") } }

    /// Exact comparison; uint64 through UInt64 (Double cannot hold it), the rest through
    /// assertClose with zero tolerance (NaN matches NaN).
    private func assertSame(_ actual: Tensor, _ expected: Tensor, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        if expected.dtype == .uint64 {
            XCTAssertEqual(actual.dtype, .uint64, message, file: file, line: line)
            XCTAssertEqual(actual.shape, expected.shape, message, file: file, line: line)
            XCTAssertEqual(actual.toArray(UInt64.self), expected.toArray(UInt64.self), message, file: file, line: line)
        } else {
            assertClose(actual, expected, rtol: 0, atol: 0, message, file: file, line: line)
        }
    }

    func testUniqueDimMatchesPyTorch() throws {
        var count = 0
        for c in try cases where c["kind"] as? String == "unique_dim" {
            let name = c["name"] as! String
            let result = Fixtures.tensor(c["input"]).unique(returnInverse: true, returnCounts: true, dim: c["dim"] as? Int)
            assertSame(result.values, Fixtures.tensor(c["values"]), "\(name) values")
            assertSame(result.inverse!, Fixtures.tensor(c["inverse"]), "\(name) inverse")
            assertSame(result.counts!, Fixtures.tensor(c["counts"]), "\(name) counts")
            count += 1
        }
        XCTAssertEqual(count, 13)
    }

    func testUniqueConsecutiveMatchesPyTorch() throws {
        var count = 0
        for c in try cases where c["kind"] as? String == "unique_consecutive" {
            let name = c["name"] as! String
            let result = Fixtures.tensor(c["input"]).uniqueConsecutive(returnInverse: true, returnCounts: true, dim: c["dim"] as? Int)
            assertSame(result.values, Fixtures.tensor(c["values"]), "\(name) values")
            assertSame(result.inverse!, Fixtures.tensor(c["inverse"]), "\(name) inverse")
            assertSame(result.counts!, Fixtures.tensor(c["counts"]), "\(name) counts")
            count += 1
        }
        XCTAssertEqual(count, 6)
    }

    func testUniqueWithoutOptionalOutputs() {
        let result = Tensor([[1, 2], [1, 2]]).uniqueConsecutive(dim: 0)
        XCTAssertNil(result.inverse)
        XCTAssertNil(result.counts)
        XCTAssertEqual(result.values.toArray(Int64.self), [1, 2])
        // No gradient flows through unique (PyTorch's backward is not implemented either).
        let x = Tensor([1.0, 1.0, 2.0]).requiresGrad_()
        XCTAssertFalse(x.unique(dim: 0).values.requiresGrad)
    }

    func testUniqueDimErrors() {
        assertStops(containing: ["There are 0 sized dimensions, and they aren't selected"]) {
            _ = Tensor.zeros([3, 0]).unique(dim: 0)
        }
        assertStops(containing: ["Dimension specified as 0 but tensor has no dimensions"]) {
            _ = Tensor(scalar: 3.0).unique(dim: 0)
        }
        assertStops(containing: ["unique_dim", "not implemented for 'ComplexFloat'"]) {
            _ = Tensor.zeros([2, 2], dtype: .complex64).unique(dim: 0)
        }
    }

    func testTopkMatchesPyTorch() throws {
        var count = 0
        for c in try cases where c["kind"] as? String == "topk" {
            let x = Fixtures.tensor(c["input"])
            let (k, dim, largest, sorted) = (c["k"] as! Int, c["dim"] as! Int, c["largest"] as! Bool, c["sorted"] as! Bool)
            let label = "\(c["name"]!) k=\(k) dim=\(dim) largest=\(largest) sorted=\(sorted)"
            let (values, indices) = x.topk(k, dim: dim, largest: largest, sorted: sorted)
            let expectedValues = Fixtures.tensor(c["values"]), expectedIndices = Fixtures.tensor(c["indices"])
            // Values and indices correspond: gathering the input at the indices gives the values.
            assertSame(x.gather(dim, indices), values, "\(label) correspondence")
            if sorted {
                assertSame(values, expectedValues, "\(label) values")
                assertSame(indices, expectedIndices, "\(label) indices")
            } else {
                // The order is unspecified in PyTorch: compare the sets (sorted per run), and
                // check Ember's documented order (ascending index along dim).
                assertSame(values.sort(dim: dim).values, expectedValues.sort(dim: dim).values, "\(label) value set")
                assertSame(indices.sort(dim: dim).values, expectedIndices.sort(dim: dim).values, "\(label) index set")
                assertSame(indices, indices.sort(dim: dim).values, "\(label) Ember's order")
            }
            count += 1
        }
        XCTAssertEqual(count, 32)
    }

    func testTopkTiesTakeTheLowerIndex() {
        // PyTorch leaves ties unspecified; Ember's selection is stable: among equal values the
        // lower index comes first, and with sorted: false the picks come in index order.
        let x = Tensor([2.0, 5.0, 1.0, 5.0, 5.0, 0.0])
        XCTAssertEqual(x.topk(2).indices.toArray(Int64.self), [1, 3])
        XCTAssertEqual(x.topk(3, sorted: false).indices.toArray(Int64.self), [1, 3, 4])
        XCTAssertEqual(x.topk(2, largest: false, sorted: false).values.toArray(Double.self), [1, 0])
    }

    func testSortStableFlags() throws {
        for c in try cases where c["kind"] as? String == "sort" {
            let x = Fixtures.tensor(c["input"])
            let (descending, stable) = (c["descending"] as! Bool, c["stable"] as! Bool)
            let (values, indices) = x.sort(dim: -1, descending: descending, stable: stable)
            assertSame(values, Fixtures.tensor(c["values"]), "values descending=\(descending) stable=\(stable)")
            if stable {
                assertSame(indices, Fixtures.tensor(c["indices"]), "indices descending=\(descending)")
                assertSame(x.argsort(dim: -1, descending: descending, stable: true), Fixtures.tensor(c["argsort"]), "argsort")
            } else {
                // stable: false may order ties either way in PyTorch; Ember's sort is always
                // stable, so it must give the stable answer.
                assertSame(indices, x.argsort(dim: -1, descending: descending, stable: true), "Ember's unstable sort is stable")
                assertSame(x.gather(-1, indices), values, "correspondence")
            }
        }
    }
}

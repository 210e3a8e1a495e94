import XCTest
@testable import Ember

/// Default collation against `torch.utils.data.default_collate` (dtypes, shapes and values
/// of a fixture batch; exact, they are small integers and exactly representable floats).
final class CollateTests: XCTestCase {
    func testNumbersTensorsTuplesAndDictionariesLikePyTorch() throws {
        let expected = try DataFixtures.root()["collate"] as! [String: Any]
        // The fixture's samples: (1, 2.5, True, tensor([1., 2.]), {"a": 3, "b": tensor(4)}) and
        // (5, -1.0, False, tensor([3., 4.]), {"a": 6, "b": tensor(7)}).
        let samples: [(Int, Double, Bool, Tensor, [String: Tensor])] = [
            (1, 2.5, true, Tensor([1.0, 2.0]), ["a": Tensor(scalar: Int64(3)), "b": Tensor(scalar: Int64(4))]),
            (5, -1.0, false, Tensor([3.0, 4.0]), ["a": Tensor(scalar: Int64(6)), "b": Tensor(scalar: Int64(7))]),
        ]
        let (ints, doubles, bools, tensors, dicts) = defaultCollate(samples)
        assertClose(ints, Fixtures.tensor(expected["int"]))
        assertClose(doubles, Fixtures.tensor(expected["float"]))
        assertClose(bools, Fixtures.tensor(expected["bool"]))
        assertClose(tensors, Fixtures.tensor(expected["tensor"]))
        assertClose(dicts["a"]!, Fixtures.tensor(expected["dict_a"]))
        assertClose(dicts["b"]!, Fixtures.tensor(expected["dict_b"]))

        // Python ints in a dict: {"a": 3} collates to int64 as well.
        let plain = defaultCollate([["a": 3, "b": 4], ["a": 6, "b": 7]])
        assertClose(plain["a"]!, Fixtures.tensor(expected["dict_a"]))
    }

    func testSwiftOnlyNumberTypesAndNesting() {
        XCTAssertEqual(defaultCollate([Float(1.5), 2]).dtype, .float32)
        XCTAssertEqual(defaultCollate([Int32(1), 2]).dtype, .int32)
        XCTAssertEqual(defaultCollate([UInt8(1), 2]).dtype, .uint8)
        XCTAssertEqual(defaultCollate(["cat", "dog"]), ["cat", "dog"])
        // Arrays collate position by position: [[1, 2], [3, 4]] → [tensor([1, 3]), tensor([2, 4])].
        let columns = defaultCollate([[1, 2], [3, 4]])
        XCTAssertEqual(columns.map { $0.toArray(Int64.self) }, [[1, 3], [2, 4]])
        // Tensors stack along a new first dimension.
        let stacked = defaultCollate([Tensor.zeros([2, 3]), Tensor.ones([2, 3])])
        XCTAssertEqual(stacked.shape, [2, 2, 3])
        XCTAssertEqual(stacked.sum().item(Float.self), 6)
    }
}

import XCTest
@testable import Ember

/// `description` against PyTorch's `repr()` (`Tests/Fixtures/Core/printing.json`, made by
/// `Scripts/fixtures/core_printing.py`): the strings must be identical, character for character.
final class PrintingTests: XCTestCase {
    func testMatchesPyTorchRepr() throws {
        for c in try Fixtures.cases("Core/printing.json") {
            let t = Fixtures.tensor(c["tensor"])
            var options = PrintOptions()
            let given = c["options"] as? [String: Any] ?? [:]
            if let v = given["precision"] as? Int { options.precision = v }
            if let v = given["threshold"] as? Int { options.threshold = v }
            if let v = given["edgeitems"] as? Int { options.edgeItems = v }
            if let v = given["linewidth"] as? Int { options.lineWidth = v }
            if let v = given["sci_mode"] as? Bool { options.sciMode = v }
            let expected = c["repr"] as! String
            XCTAssertEqual(t.format(options: options), expected, "options \(given)")
        }
    }

    func testDescriptionUsesSharedOptions() {
        let t = Tensor([[1.0, 2.0], [3.0, 4.0]])
        XCTAssertEqual(t.description, "tensor([[1., 2.],\n        [3., 4.]])")
        XCTAssertEqual("\(Tensor([1, 2], dtype: .int32))", "tensor([1, 2], dtype=torch.int32)")
    }

    func testNonContiguousPrintsLogicalOrder() {
        let t = Tensor([[1, 2, 3], [4, 5, 6]]).t()
        XCTAssertEqual(t.description, "tensor([[1, 4],\n        [2, 5],\n        [3, 6]])")
    }
}

import Ember
import EmberVision
import XCTest

/// `TF.toDtype(_:_:scale:)` to and from uint16 against torchvision 0.26
/// (`Tests/Fixtures/Vision/to_dtype_uint16.json`, `Scripts/fixtures/vision_to_dtype_uint16.py`).
/// Exact: both sides multiply by the same float constant in the same dtype and truncate.
final class ToDtypeUInt16Tests: XCTestCase {
    func testMatchesTorchvision() throws {
        let cases = try VisionFixtures.cases("to_dtype_uint16.json")
        XCTAssertEqual(cases.count, 6)
        for c in cases {
            let image = VisionFixtures.tensor(c["input"])
            let dtype = DType(rawValue: c["dtype"] as! String)!
            let expected = VisionFixtures.tensor(c["result"])
            let actual = TF.toDtype(image, dtype, scale: true)
            XCTAssertEqual(actual.dtype, dtype, c["name"] as! String)
            assertClose(actual, expected, rtol: 0, atol: 0, c["name"] as! String)
        }
    }
}

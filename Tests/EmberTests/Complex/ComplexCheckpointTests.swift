import Foundation
import XCTest
@testable import Ember

/// Complex tensors in checkpoints: `.pt` (ComplexFloatStorage / ComplexDoubleStorage) and
/// safetensors (`C64`; the format has no complex128), read from PyTorch-written files
/// (`Scripts/fixtures/core_complex.py`) and round-tripped. Checkpoints hold raw bytes, so
/// every comparison is exact.
final class ComplexCheckpointTests: XCTestCase {
    private let fixtures = Fixtures.root.appendingPathComponent("Core")

    /// The values torch.save wrote (base, base / 3 in complex128, base's second column).
    private let base = Tensor([[Complex<Float>(1, 2), Complex(-3.5, 0.25), Complex(0, 0)],
                               [Complex(4, -1), Complex(0.5, 0.5), Complex(-2, -8)]])

    private func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("ember-complex-\(UUID().uuidString)-\(name)").path
    }

    func testReadsPyTorchWrittenPt() throws {
        let dict = try TorchCheckpoint.loadStateDict(fixtures.appendingPathComponent("complex.pt").path)
        XCTAssertEqual(dict["c64"]!.dtype, .complex64)
        assertClose(dict["c64"]!, base)
        // PyTorch divided in complex128: exact on both sides (IEEE division by a real 3).
        assertClose(dict["c128"]!, base.to(.complex128).div(3))
        XCTAssertEqual(dict["c128"]!.dtype, .complex128)
        // A column view keeps its storage shared with c64, as in PyTorch.
        assertClose(dict["column"]!, base[0..., 1])
        XCTAssertTrue(dict["column"]!.storage === dict["c64"]!.storage)
        XCTAssertEqual(dict["real"]!.toArray(Float.self), [1.5, -2])
    }

    func testPtRoundTrip() throws {
        let path = temporaryPath("round.pt")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let c128 = base.to(.complex128).div(.complex(0, 3))
        try TorchCheckpoint.save([("a", base), ("b", c128), ("view", base.mT)], to: path)
        let back = try TorchCheckpoint.loadStateDict(path)
        assertClose(back["a"]!, base)
        assertClose(back["b"]!, c128)
        assertClose(back["view"]!, base.mT)
    }

    func testSafetensorsReadsPythonFileAndWritesIdenticalBytes() throws {
        let path = fixtures.appendingPathComponent("complex.safetensors").path
        let loaded = try Safetensors.load(path)
        XCTAssertEqual(loaded["c64"]!.dtype, .complex64)
        assertClose(loaded["c64"]!, base)
        let bytes = Safetensors.serialize(["c64": base, "real": Tensor([1.5, -2.0])])
        XCTAssertEqual(Array(bytes), Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    func testSafetensorsRefusesComplex128() throws {
        let path = temporaryPath("c128.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertThrowsError(try Safetensors.save(["z": base.to(.complex128)], to: path)) { error in
            XCTAssertEqual((error as? CheckpointError)?.kind, .unsupportedDType)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        // Its real view is the documented way to store complex128 in safetensors.
        try Safetensors.save(["z": base.to(.complex128).viewAsReal()], to: path)
        // clone(): the mapped view starts at an odd float64 offset in the file, which
        // view_as_complex refuses (as PyTorch does for such offsets).
        assertClose(try Safetensors.load(path)["z"]!.clone().viewAsComplex(), base.to(.complex128))
    }
}

import Foundation
import XCTest
@testable import Ember

/// float8 tensors in checkpoints: safetensors `F8_E4M3`/`F8_E5M2` files written by the Python
/// library and `.pt` files written by `torch.save` in both formats
/// (`Scripts/fixtures/core_checkpoint_extra.py`). Checkpoints store raw bytes, so every
/// comparison is of bytes (exact).
final class Float8CheckpointTests: XCTestCase {
    private let fixtures = Fixtures.root.appendingPathComponent("Core")

    /// The row-major bytes of a tensor.
    private func rawBytes(_ t: Tensor) -> [UInt8] {
        let c = t.contiguous()
        return withExtendedLifetime(c) { Array(UnsafeRawBufferPointer(start: c.dataPointer, count: c.count * c.dtype.itemSize)) }
    }

    /// A fixture tensor given as `{"dtype", "shape", "bytes"}`.
    private func tensor(_ value: Any?) -> Tensor {
        let dict = value as! [String: Any]
        let dtype = DType(rawValue: dict["dtype"] as! String)!
        let bytes = (dict["bytes"] as! [NSNumber]).map(\.uint8Value)
        let t = Tensor(empty: dict["shape"] as! [Int], dtype: dtype)
        precondition(bytes.count == t.count * dtype.itemSize)
        bytes.withUnsafeBytes { t.dataPointer.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        return t
    }

    func testSafetensorsReadsAndWritesFloat8ByteIdentically() throws {
        var expected: [String: Tensor] = [:]
        var metadata: [String: String] = [:]
        for c in try Fixtures.cases("Core/safetensors/float8.json") {
            if let m = c["metadata"] as? [String: String] { metadata = m; continue }
            expected[c["name"] as! String] = tensor(c["tensor"])
        }
        let path = fixtures.appendingPathComponent("safetensors/float8.safetensors").path
        let file = try Safetensors.open(path)
        XCTAssertEqual(Set(file.keys), Set(expected.keys))
        for (name, want) in expected {
            let got = try file.tensor(name)
            XCTAssertEqual(got.dtype, want.dtype, name)
            XCTAssertEqual(got.shape, want.shape, name)
            XCTAssertEqual(rawBytes(got), rawBytes(want), name)
        }
        XCTAssertEqual(try file.tensor("layers.0.weight").dtype, .float8e4m3fn)
        XCTAssertEqual(try file.tensor("layers.0.grad").dtype, .float8e5m2)
        // Same bytes as safetensors.torch.save_file, dtype order (F8_E4M3 above F8_E5M2 above I8) included.
        XCTAssertEqual(Safetensors.serialize(expected, metadata: metadata), try Data(contentsOf: URL(fileURLWithPath: path)))
        // A float8 tensor converts for maths.
        let weight = try file.tensor("layers.0.weight")
        XCTAssertEqual(weight.to(.float32).to(.float8e4m3fn).view(.uint8).toArray(UInt8.self), rawBytes(weight))
    }

    func testTorchFilesWithFloat8InBothFormats() throws {
        let cases = try Fixtures.cases("Core/pt/float8.json")
        for name in ["float8.pt", "float8_legacy.pt"] {
            let loaded = try TorchCheckpoint.load(fixtures.appendingPathComponent("pt/\(name)").path)
            for c in cases {
                let key = c["name"] as! String
                guard let got = loaded[key]?.tensorValue else { XCTFail("\(name): missing \(key)"); continue }
                let want = tensor(c["tensor"])
                XCTAssertEqual(got.dtype, want.dtype, "\(name) \(key)")
                XCTAssertEqual(got.shape, want.shape, "\(name) \(key)")
                XCTAssertEqual(got.strides, c["strides"] as? [Int], "\(name) \(key)")
                XCTAssertEqual(got.storageOffset, c["offset"] as? Int, "\(name) \(key)")
                XCTAssertEqual(rawBytes(got), rawBytes(want), "\(name) \(key)")
            }
            // Views of one untyped storage stay views.
            let w = loaded["w"]!.tensorValue!, wt = loaded["w_t"]!.tensorValue!, row = loaded["row"]!.tensorValue!
            XCTAssertTrue(w.storage === wt.storage && w.storage === row.storage, name)
        }
    }

    /// Ember writes float8 as torch.save does (`_rebuild_tensor_v3` over an UntypedStorage); the
    /// committed `ember_written_float8.pt` is loaded with `torch.load(weights_only=True)` by
    /// the fixture script and must be exactly what the writer produces today.
    func testWrittenFloat8FilesRoundTripAndMatchTheCommittedOne() throws {
        let w = Tensor([0.0, -1.5, 448.0, 0.013671875, .nan, 3.0]).to(.float8e4m3fn).reshape(2, 3)
        let g = Tensor([1.0, -57344.0]).to(.float8e5m2)
        let stateDict: [(String, Tensor)] = [("w", w), ("w_t", w.t()), ("g", g)]
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("ember-f8-\(UUID()).pt").path
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        try TorchCheckpoint.save(stateDict, to: temporary)
        let loaded = try TorchCheckpoint.load(temporary)
        for (name, t) in stateDict {
            let got = loaded[name]!.tensorValue!
            XCTAssertEqual(got.dtype, t.dtype, name)
            XCTAssertEqual(got.shape, t.shape, name)
            XCTAssertEqual(rawBytes(got), rawBytes(t), name)
        }
        XCTAssertTrue(loaded["w"]!.tensorValue!.storage === loaded["w_t"]!.tensorValue!.storage)

        let committed = fixtures.appendingPathComponent("pt/ember_written_float8.pt").path
        if ProcessInfo.processInfo.environment["EMBER_WRITE_FIXTURES"] == "1" {
            try TorchCheckpoint.save(stateDict, to: committed)
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: temporary)), try Data(contentsOf: URL(fileURLWithPath: committed)))

        // And through safetensors.
        let st = FileManager.default.temporaryDirectory.appendingPathComponent("ember-f8-\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: st) }
        try Safetensors.save(["w": w, "g": g], to: st)
        let back = try Safetensors.load(st)
        XCTAssertEqual(rawBytes(back["w"]!), rawBytes(w))
        XCTAssertEqual(back["g"]!.dtype, .float8e5m2)
        XCTAssertEqual(rawBytes(back["g"]!), rawBytes(g))
    }
}

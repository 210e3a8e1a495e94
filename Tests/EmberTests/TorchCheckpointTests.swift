import Foundation
import XCTest
@testable import Ember

/// PyTorch checkpoints (`Scripts/fixtures/core_torch_checkpoint.py`): values are raw bytes, so
/// every comparison is exact (tolerance 0).
final class TorchCheckpointTests: XCTestCase {
    private let folder = Fixtures.root.appendingPathComponent("Core/pt")
    private func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    private func assertMatchesFixture(_ loaded: PickleValue, _ fixture: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let tensors = Dictionary(loaded.flattenedTensors().map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        let cases = try Fixtures.cases("Core/pt/\(fixture).json")
        XCTAssertEqual(tensors.count, cases.count, "tensor count", file: file, line: line)
        for c in cases {
            let name = c["name"] as! String
            guard let got = tensors[name] else { XCTFail("missing \(name)", file: file, line: line); continue }
            assertClose(got, Fixtures.tensor(c["tensor"]), name, file: file, line: line)
        }
    }

    func testStateDictOfEveryDType() throws {
        let loaded = try TorchCheckpoint.load(path("state_dict.pt"))
        try assertMatchesFixture(loaded, "state_dict")
        // Keys keep the OrderedDict's order.
        guard case .dict(let items) = loaded else { return XCTFail("not a dict") }
        XCTAssertEqual(items.prefix(3).map { $0.key.stringValue }, ["0.weight", "0.bias", "1.weight"])
        XCTAssertEqual(try TorchCheckpoint.loadStateDict(path("state_dict.pt"))["1.num_batches_tracked"]?.dtype, .int64)
    }

    func testNestedCheckpointValueTree() throws {
        let loaded = try TorchCheckpoint.load(path("nested.pt"))
        try assertMatchesFixture(loaded, "nested")
        XCTAssertEqual(loaded["epoch"]?.intValue, 3)
        XCTAssertEqual(loaded["name"]?.stringValue, "run-ü")
        XCTAssertEqual(loaded["ratio"]?.doubleValue, 0.25)
        XCTAssertEqual(loaded["big"]?.intValue, 1 << 40)
        XCTAssertEqual(loaded["negative"]?.intValue, -7)
        guard case .bool(true)? = loaded["flag"], case .none? = loaded["nothing"] else { return XCTFail("flag/nothing") }
        guard case .tuple(let size)? = loaded["size"] else { return XCTFail("torch.Size should be a tuple") }
        XCTAssertEqual(size.compactMap(\.intValue), [2, 3])
        guard case .bytes(let blob)? = loaded["blob"] else { return XCTFail("bytes") }
        XCTAssertEqual(blob, [0, 1, 255])
        guard case .list(let groups)? = loaded["optimizer"]?["param_groups"], let lr = groups.first?["lr"]?.doubleValue else {
            return XCTFail("optimizer param_groups")
        }
        XCTAssertEqual(lr, 1e-3)
    }

    func testViewsStayViews() throws {
        for file in ["views.pt", "views_legacy.pt"] {
            let loaded = try TorchCheckpoint.load(path(file))
            try assertMatchesFixture(loaded, "views")
            let base = loaded["base"]!.tensorValue!, row = loaded["row"]!.tensorValue!, t = loaded["t"]!.tensorValue!
            XCTAssertTrue(base.storage === row.storage && base.storage === t.storage, file)
            XCTAssertEqual(t.strides, [1, 4], file)
            row.fill_(-1)
            XCTAssertEqual(base.toArray(Float.self)[4..<8], [-1, -1, -1, -1], file)
        }
    }

    func testLegacyFormatAndParameters() throws {
        try assertMatchesFixture(try TorchCheckpoint.load(path("state_dict_legacy.pt")), "state_dict_legacy")
        try assertMatchesFixture(try TorchCheckpoint.load(path("parameters.pt")), "parameters")
    }

    func testForbiddenGlobalIsNamed() {
        XCTAssertThrowsError(try TorchCheckpoint.load(path("malicious.pt"))) { error in
            let e = error as? CheckpointError
            XCTAssertEqual(e?.kind, .forbiddenGlobal)
            XCTAssertTrue(e?.description.contains("posix.system") ?? false, "\(error)")
        }
    }

    func testRecursivePickleIsRejected() {
        XCTAssertThrowsError(try TorchCheckpoint.load(path("recursive.pt"))) { error in
            XCTAssertEqual((error as? CheckpointError)?.kind, .malformedPickle, "\(error)")
        }
    }

    /// A re-zipped checkpoint with a deflated 64 MiB member (68 KB on disk) is refused before
    /// anything is inflated: torch.save never compresses, and inflating would allocate by a
    /// size the archive claims. The error names the file and the member.
    func testZipBombIsRefusedBeforeInflating() {
        XCTAssertThrowsError(try TorchCheckpoint.load(path("zip_bomb.pt"))) { error in
            let failure = error as? CheckpointError
            XCTAssertEqual(failure?.kind, .malformedArchive, "\(error)")
            XCTAssertTrue("\(error)".contains("zip_bomb.pt"), "\(error)")
            XCTAssertTrue("\(error)".contains("compressed"), "\(error)")
        }
    }

    /// Ember's writer: a round trip here, and the committed `ember_written.pt` that the
    /// fixture script loads with `torch.load(weights_only=True)`. The committed file must be
    /// exactly what the writer produces today.
    func testWrittenFilesRoundTripAndMatchTheCommittedOne() throws {
        let weight = Tensor.arange(6).float().reshape(2, 3)
        let stateDict: [(String, Tensor)] = [
            ("weight", weight), ("bias", Tensor([1, -2])), ("mask", Tensor([true, false])), ("weight_t", weight.t()),
        ]
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("ember-\(UUID()).pt").path
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        try TorchCheckpoint.save(stateDict, to: temporary)
        let loaded = try TorchCheckpoint.load(temporary)
        for (name, tensor) in stateDict { assertClose(loaded[name]!.tensorValue!, tensor, name) }
        XCTAssertTrue(loaded["weight"]!.tensorValue!.storage === loaded["weight_t"]!.tensorValue!.storage)

        let committed = path("ember_written.pt")
        if ProcessInfo.processInfo.environment["EMBER_WRITE_FIXTURES"] == "1" {
            try TorchCheckpoint.save(stateDict, to: committed)
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: temporary)), try Data(contentsOf: URL(fileURLWithPath: committed)))
    }

    /// Deterministic mutation fuzzing over both formats: flips, truncations and pickle-byte
    /// edits must load or throw a CheckpointError, never crash.
    func testMutatedCheckpointsNeverCrash() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ember-fuzz-\(UUID()).pt").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var state: UInt64 = 0x2545F4914F6CDD1D
        func next() -> Int {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Int(truncatingIfNeeded: state & 0x7FFF_FFFF)
        }
        var outcomes = 0
        let rounds = fuzzRounds(200)
        let sources = ["state_dict.pt", "views_legacy.pt", "nested.pt", "float8.pt", "float8_legacy.pt", "legacy_tar.pt"]
        for source in sources {
            let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(source))))
            for round in 0..<rounds {
                var bytes = original
                switch round % 3 {
                case 0: for _ in 0..<(1 + next() % 3) { bytes[next() % bytes.count] ^= UInt8(1 << (next() % 8)) }
                case 1: bytes = Array(bytes.prefix(next() % bytes.count))
                default: bytes[next() % min(bytes.count, 400)] = UInt8(next() % 256)  // the pickle sits near the start
                }
                FileManager.default.createFile(atPath: scratch, contents: Data(bytes))
                do {
                    for (_, t) in try TorchCheckpoint.load(scratch).flattenedTensors() { _ = t.toArray(Double.self) }
                } catch is CheckpointError {}
                outcomes += 1
            }
        }
        XCTAssertEqual(outcomes, sources.count * rounds)
    }
}

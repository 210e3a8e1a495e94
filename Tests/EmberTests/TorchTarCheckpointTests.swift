import Foundation
import XCTest
@testable import Ember

/// The pre-0.4 tar checkpoint format. `legacy_tar.pt` is built by
/// `Scripts/fixtures/core_checkpoint_extra.py` following torch's reader and checked there
/// with `torch.load`; values are raw bytes, so comparisons are exact (tolerance 0).
final class TorchTarCheckpointTests: XCTestCase {
    private let path = Fixtures.root.appendingPathComponent("Core/pt/legacy_tar.pt").path
    /// Member headers of the fixture (sys_info, pickle, tensors, storages), 512 bytes each.
    private let headers = [0, 1024, 2048, 3072]

    func testLoadsTensorsViewsAndValues() throws {
        let loaded = try TorchCheckpoint.load(path)
        XCTAssertEqual(loaded["epoch"]?.intValue, 7)
        XCTAssertEqual(loaded["arch"]?.stringValue, "mlp")
        let tensors = Dictionary(loaded.flattenedTensors().map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        let cases = try Fixtures.cases("Core/pt/legacy_tar.json")
        XCTAssertEqual(tensors.count, cases.count)
        for c in cases {
            let name = c["name"] as! String
            guard let got = tensors[name] else { XCTFail("missing \(name)"); continue }
            assertClose(got, Fixtures.tensor(c["tensor"]), name)
        }
        // The state dict keeps its order; the transpose shares the weight's storage, and the
        // storage view aliases the weight's second row.
        guard case .dict(let items)? = loaded["state_dict"] else { return XCTFail("state_dict") }
        XCTAssertEqual(items.map { $0.key.stringValue }, ["weight", "weight_t", "row", "double", "long", "bytes", "half"])
        let weight = tensors["state_dict.weight"]!, transposed = tensors["state_dict.weight_t"]!, row = tensors["state_dict.row"]!
        XCTAssertTrue(weight.storage === transposed.storage)
        XCTAssertEqual(transposed.strides, [1, 4])
        row.fill_(-1)
        XCTAssertEqual(weight.toArray(Float.self)[4..<8], [-1, -1, -1, -1])
        XCTAssertEqual(tensors["state_dict.half"]!.storageOffset, 1)
        XCTAssertEqual(try TorchCheckpoint.loadStateDict(path)["state_dict.long"]?.dtype, .int64)
    }

    // MARK: Hostile input

    private func original() throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// Rewrites a header's checksum after an edit, so the edit reaches the parser behind it.
    private func fixChecksum(_ bytes: inout [UInt8], header: Int) {
        for i in 148..<156 { bytes[header + i] = 0x20 }
        let sum = bytes[header..<(header + 512)].reduce(0) { $0 + Int($1) }
        let text = Array(String(format: "%06o", sum).utf8) + [0, 0x20]
        for (i, b) in text.enumerated() { bytes[header + 148 + i] = b }
    }

    private func assertRejects(_ bytes: [UInt8], _ kind: CheckpointError.Kind, _ what: String, line: UInt = #line) {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ember-tar-\(UUID()).pt").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        _ = FileManager.default.createFile(atPath: scratch, contents: Data(bytes))
        XCTAssertThrowsError(try TorchCheckpoint.load(scratch), what, line: line) { error in
            guard let error = error as? CheckpointError else { return XCTFail("untyped error \(error) (\(what))", line: line) }
            XCTAssertEqual(error.kind, kind, "\(what): \(error)", line: line)
            XCTAssertTrue(error.description.contains(scratch), "\(what): \(error)", line: line)
        }
    }

    func testDamagedArchivesGiveTypedErrors() throws {
        let good = try original()

        var flipped = good
        flipped[headers[2] + 3] ^= 0x01  // a name byte: the checksum no longer matches
        assertRejects(flipped, .malformedArchive, "checksum")

        var missing = good
        missing[headers[2]] = UInt8(ascii: "T")  // "Tensors": the reader needs "tensors"
        fixChecksum(&missing, header: headers[2])
        assertRejects(missing, .malformedArchive, "missing member")

        var huge = good
        let octal = Array("77777777777".utf8) + [0]  // 8 GiB in a file of 10 KiB
        for (i, b) in octal.enumerated() { huge[headers[1] + 124 + i] = b }
        fixChecksum(&huge, header: headers[1])
        assertRejects(huge, .truncated, "octal size past the end")

        var base256 = good
        base256[headers[1] + 124] = 0x80
        for i in 125..<136 { base256[headers[1] + i] = 0xFF }  // 2^88 - 1: beyond Int
        fixChecksum(&base256, header: headers[1])
        assertRejects(base256, .malformedArchive, "base-256 size beyond 2^63")

        var garbageSize = good
        garbageSize[headers[1] + 125] = UInt8(ascii: "9")
        fixChecksum(&garbageSize, header: headers[1])
        assertRejects(garbageSize, .malformedArchive, "non-octal size")

        // Shrinking the storages member cuts its last storage short.
        var short = good
        let shorter = Array(String(format: "%011o", 391 - 60).utf8) + [0]
        for (i, b) in shorter.enumerated() { short[headers[3] + 124 + i] = b }
        fixChecksum(&short, header: headers[3])
        assertRejects(short, .truncated, "storage list cut off")

        assertRejects(Array(good.prefix(3584 + 100)), .truncated, "file ends inside a member")
        assertRejects(Array(good.prefix(2048 + 200)), .truncated, "file ends inside a header")
    }

    /// Deterministic mutation fuzzing of the archive's headers and records (checksums
    /// repaired half of the time, so edits reach the pickles and binary records behind
    /// them): every result loads or throws a CheckpointError, never crashes.
    func testMutatedTarArchivesNeverCrash() throws {
        let good = try original()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ember-tar-fuzz-\(UUID()).pt").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var state: UInt64 = 0xD1B54A32D192ED03
        func next() -> Int {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Int(truncatingIfNeeded: state & 0x7FFF_FFFF)
        }
        let used = 3584 + 391  // headers and member data; the rest is zero padding
        var loaded = 0, rejected = 0
        let rounds = fuzzRounds(400)
        for round in 0..<rounds {
            var bytes = good
            switch round % 4 {
            case 0: for _ in 0..<(1 + next() % 3) { bytes[next() % used] ^= UInt8(1 << (next() % 8)) }
            case 1: bytes = Array(bytes.prefix(next() % used))
            case 2: bytes[next() % used] = UInt8(next() % 256)
            default:
                // Edit a header's size or name field, or a record byte, then repair the checksum.
                let header = headers[next() % headers.count]
                let at = [124 + next() % 11, next() % 8, 512 + next() % 116][next() % 3]
                bytes[header + at] = [UInt8(ascii: "0"), UInt8(ascii: "7"), 0, 0xFF, UInt8(next() % 256)][next() % 5]
                fixChecksum(&bytes, header: header)
            }
            _ = FileManager.default.createFile(atPath: scratch, contents: Data(bytes))
            do {
                for (_, t) in try TorchCheckpoint.load(scratch).flattenedTensors() { _ = t.toArray(Double.self) }
                loaded += 1
            } catch is CheckpointError {
                rejected += 1
            }
        }
        XCTAssertEqual(loaded + rejected, rounds)
        XCTAssertGreaterThan(rejected, rounds / 4)
    }
}

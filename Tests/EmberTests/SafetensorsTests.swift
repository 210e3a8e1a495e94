import Foundation
import XCTest
@testable import Ember

/// safetensors reading and writing against files written by the Python library
/// (`Scripts/fixtures/core_safetensors.py`). Values are compared exactly (tolerance 0): the
/// format stores raw bytes.
final class SafetensorsTests: XCTestCase {
    private let folder = Fixtures.root.appendingPathComponent("Core/safetensors")

    private func expected(_ fixture: String) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        var tensors: [String: Tensor] = [:]
        var metadata: [String: String] = [:]
        for c in try Fixtures.cases(fixture) {
            if let m = c["metadata"] as? [String: String] { metadata = m; continue }
            tensors[c["name"] as! String] = Fixtures.tensor(c["tensor"])
        }
        return (tensors, metadata)
    }

    func testReadsEveryDTypeAsViewsOnTheMapping() throws {
        let (tensors, metadata) = try expected("Core/safetensors/all_dtypes.json")
        let file = try Safetensors.open(folder.appendingPathComponent("all_dtypes.safetensors").path)
        XCTAssertEqual(file.metadata, metadata)
        XCTAssertEqual(Set(file.keys), Set(tensors.keys))
        for (name, want) in tensors {
            let got = try file.tensor(name)
            assertClose(got, want, name)
        }
        // Views share the mapping: two reads of one tensor share storage.
        XCTAssertTrue(try file.tensor("float64").storage === file.tensor("int64").storage)
    }

    func testReadsEscapedMetadata() throws {
        let (_, metadata) = try expected("Core/safetensors/metadata.json")
        let file = try Safetensors.open(folder.appendingPathComponent("metadata.safetensors").path)
        XCTAssertEqual(file.metadata, metadata)
        XCTAssertEqual(metadata["note"]?.unicodeScalars.last, "\u{01}")
        // Ember's own writer round-trips the same metadata (keys sorted; the reference orders
        // them by a randomly seeded hash, so only single-key files are byte-comparable).
        let bytes = Safetensors.serialize(["x": Tensor([0, 1, 2])], metadata: metadata)
        let again = try bytes.withUnsafeBytes { try SafetensorsFile.parseHeader($0, file: "memory") }
        XCTAssertEqual(again.metadata, metadata)
    }

    func testWritingIsByteIdenticalToPython() throws {
        let (tensors, metadata) = try expected("Core/safetensors/all_dtypes.json")
        let reference = try Data(contentsOf: folder.appendingPathComponent("all_dtypes.safetensors"))
        XCTAssertEqual(Safetensors.serialize(tensors, metadata: metadata), reference)
        // Round trip through a file, from non-contiguous sources too.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ember-roundtrip-\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let transposed = Tensor.arange(12).reshape(3, 4).t()
        try Safetensors.save(["t": transposed], to: path)
        assertClose(try Safetensors.load(path)["t"]!, transposed.contiguous())
    }

    func testWritesThroughAViewNeverTouchTheFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ember-cow-\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Safetensors.save(["x": Tensor([1.0, 2.0, 3.0])], to: path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let x = try Safetensors.load(path)["x"]!
        x.fill_(9)
        XCTAssertEqual(x.toArray(Float.self), [9, 9, 9])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before)
    }

    func testShardedIndex() throws {
        let (tensors, _) = try expected("Core/safetensors/sharded.json")
        let index = try SafetensorsIndex(path: folder.appendingPathComponent("model.safetensors.index.json").path)
        XCTAssertEqual(Set(index.keys), Set(tensors.keys))
        for (name, want) in tensors { assertClose(try index.tensor(name), want, name) }
        XCTAssertThrowsError(try index.tensor("missing"))
    }

    // MARK: Hostile input

    private func header(_ json: String, data: [UInt8] = []) -> Data {
        var bytes = Data()
        withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: Array(json.utf8))
        bytes.append(contentsOf: data)
        return bytes
    }

    private func assertRejects(_ bytes: Data, _ kind: CheckpointError.Kind, file: StaticString = #filePath, line: UInt = #line) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ember-bad-\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        FileManager.default.createFile(atPath: path, contents: bytes)
        XCTAssertThrowsError(try Safetensors.load(path), file: file, line: line) { error in
            guard let error = error as? CheckpointError else { return XCTFail("untyped error \(error)", file: file, line: line) }
            XCTAssertEqual(error.kind, kind, "\(error)", file: file, line: line)
            XCTAssertTrue(error.description.contains(path), file: file, line: line)
        }
    }

    func testRejectsMalformedFilesWithTypedErrors() {
        assertRejects(Data([1, 2, 3]), .truncated)
        var huge = Data()
        withUnsafeBytes(of: UInt64(1 << 40).littleEndian) { huge.append(contentsOf: $0) }
        assertRejects(huge, .limitExceeded)
        assertRejects(header("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}"), .invalidLayout)
        assertRejects(header("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", data: Array(repeating: 0, count: 8)), .invalidLayout)
        assertRejects(
            header("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
                   data: Array(repeating: 0, count: 8)), .invalidLayout)
        assertRejects(header("{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,8]}}", data: Array(repeating: 0, count: 8)), .limitExceeded)
        assertRejects(header("{not json"), .malformedHeader)
        assertRejects(header("[1,2]"), .malformedHeader)
        assertRejects(header("{\"a\":{\"dtype\":\"F8_E5M2FNUZ\",\"shape\":[1],\"data_offsets\":[0,2]}}", data: Array(repeating: 0, count: 2)), .unsupportedDType)
        assertRejects(header("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", data: Array(repeating: 0, count: 4)), .malformedHeader)
        assertRejects(header("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", data: Array(repeating: 0, count: 8)), .invalidLayout)
        let nonexistent = FileManager.default.temporaryDirectory.appendingPathComponent("ember-missing-\(UUID())").path
        XCTAssertThrowsError(try Safetensors.load(nonexistent)) { XCTAssertEqual(($0 as? CheckpointError)?.kind, .io) }
    }

    /// Deterministic mutation fuzzing: byte flips, truncations and header-length edits of a
    /// real file must each load or throw a CheckpointError — never crash.
    func testMutatedFilesNeverCrash() throws {
        let original = try Data(contentsOf: folder.appendingPathComponent("all_dtypes.safetensors"))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ember-fuzz-\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var state: UInt64 = 0x9E3779B97F4A7C15
        func next() -> Int {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Int(truncatingIfNeeded: state & 0x7FFF_FFFF)
        }
        var loaded = 0, rejected = 0
        let rounds = fuzzRounds(400)
        for round in 0..<rounds {
            var bytes = [UInt8](original)
            switch round % 4 {
            case 0: for _ in 0..<(1 + next() % 4) { bytes[next() % bytes.count] ^= UInt8(1 << (next() % 8)) }
            case 1: bytes = Array(bytes.prefix(next() % bytes.count))
            case 2: bytes[next() % min(8, bytes.count)] = UInt8(next() % 256)
            default:
                // Mutate inside the JSON header, where the structure lives.
                let headerEnd = min(bytes.count, 8 + Int(original[0]) + Int(original[1]) << 8)
                bytes[8 + next() % max(1, headerEnd - 8)] = [UInt8(ascii: "0"), UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "}"), UInt8(ascii: "\"")][next() % 5]
            }
            FileManager.default.createFile(atPath: path, contents: Data(bytes))
            do {
                let tensors = try Safetensors.load(path)
                for (_, t) in tensors { _ = t.toArray(Double.self) }
                loaded += 1
            } catch is CheckpointError {
                rejected += 1
            }
        }
        XCTAssertEqual(loaded + rejected, rounds)
        XCTAssertGreaterThan(rejected, rounds / 4)
    }
}

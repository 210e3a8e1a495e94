import Foundation
import XCTest
import Ember
// Every file of this target sees the shared fixture reader and assertClose.
@_exported import EmberTestSupport

/// The Vision fixtures and images under `Tests/Fixtures/Vision/`, through the shared reader.
enum VisionFixtures {
    static let folder = FixtureFolder("Vision")
    static var root: URL { folder.root }

    static func imagePath(_ name: String) -> String { folder.path("images/" + name) }

    static func imageData(_ name: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: imagePath(name))) }

    static func cases(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        try folder.cases(name, file: file, line: line)
    }

    static func tensor(_ value: Any?) -> Tensor { FixtureFolder.tensor(value) }
    static func double(_ value: Any) -> Double { FixtureFolder.double(value) }
}

/// FNV-1a (64-bit) over a tensor's elements in row-major order: uint8 as bytes, 16-bit PNG samples
/// as little-endian uint16 (int32 tensors too, their low 16 bits) — the generator's `tensor_hash`.
func fnv1a(_ tensor: Tensor) -> String {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    func mix(_ byte: UInt8) {
        hash ^= UInt64(byte)
        hash = hash &* 0x100_0000_01B3
    }
    switch tensor.dtype {
    case .uint8: for v in tensor.contiguous().toArray(UInt8.self) { mix(v) }
    case .uint16:
        for v in tensor.contiguous().toArray(UInt16.self) {
            mix(UInt8(truncatingIfNeeded: v))
            mix(UInt8(truncatingIfNeeded: v >> 8))
        }
    case .int32:
        for v in tensor.contiguous().toArray(Int32.self) {
            mix(UInt8(truncatingIfNeeded: v))
            mix(UInt8(truncatingIfNeeded: v >> 8))
        }
    default: fatalError("fnv1a: unsupported dtype \(tensor.dtype)")
    }
    return String(hash, radix: 16).leftPadded(to: 16)
}

func fnv1a(_ data: Data) -> String {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in data {
        hash ^= UInt64(byte)
        hash = hash &* 0x100_0000_01B3
    }
    return String(hash, radix: 16).leftPadded(to: 16)
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

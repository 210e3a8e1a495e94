import Ember
import Foundation
import XCTest
// Every file of this target sees the shared fixture reader and assertClose.
@_exported import EmberTestSupport

/// The Audio fixtures under `Tests/Fixtures/Audio/`, through the shared reader.
enum AudioFixtures {
    static let folder = FixtureFolder("Audio")
    static var root: URL { folder.root }

    static func path(_ relative: String) -> String { folder.path(relative) }

    /// The `cases` array of `Tests/Fixtures/Audio/<name>`.
    static func cases(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        try folder.cases(name, file: file, line: line)
    }

    static func tensor(_ value: Any?) -> Tensor { FixtureFolder.tensor(value) }
    static func double(_ value: Any) -> Double { FixtureFolder.double(value) }
}

/// CRC-32 (IEEE, zlib's) of a tensor's row-major little-endian bytes: the fixtures summarise
/// whole decoded waveforms this way, an exact check of every sample.
func crc32(_ tensor: Tensor) -> UInt32 {
    let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }
    func bytes<T: TensorElement>(_: T.Type) -> [UInt8] {
        tensor.toArray(T.self).withUnsafeBytes { Array($0) }
    }
    let data: [UInt8]
    switch tensor.dtype {
    case .float32: data = bytes(Float.self)
    case .float64: data = bytes(Double.self)
    case .int16: data = bytes(Int16.self)
    case .int32: data = bytes(Int32.self)
    case .uint8: data = bytes(UInt8.self)
    case .int8: data = bytes(Int8.self)
    default: fatalError("crc32: unsupported dtype \(tensor.dtype)")
    }
    var crc: UInt32 = 0xFFFF_FFFF
    for b in data { crc = table[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
    return crc ^ 0xFFFF_FFFF
}

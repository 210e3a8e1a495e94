import Foundation

/// Reading and writing safetensors checkpoints (`safetensors.torch.save_file` / `load_file`).
public enum Safetensors {
    /// Opens `path` lazily (header only); tensors map the file (see `SafetensorsFile`).
    public static func open(_ path: String) throws -> SafetensorsFile { try SafetensorsFile(path: path) }

    /// All tensors of `path`, by name (views on the mapped file).
    public static func load(_ path: String) throws -> [String: Tensor] { try SafetensorsFile(path: path).tensors() }

    /// Writes `tensors` to `path`, byte-identical to the Python library's `save_file` for the same
    /// tensors and metadata. The file is written to a temporary name and renamed into place.
    public static func save(_ tensors: [String: Tensor], metadata: [String: String]? = nil, to path: String) throws {
        if let (name, _) = tensors.first(where: { $0.value.dtype == .complex128 }) {
            throw CheckpointError(
                .unsupportedDType, file: path, tensor: name,
                "safetensors has no complex128 dtype (C64 only); convert to complex64 or save viewAsReal()")
        }
        let bytes = serialize(tensors, metadata: metadata)
        try writeAtomically(bytes, to: path)
    }

    /// The bytes of a safetensors file holding `tensors` (`safetensors.torch.save`).
    ///
    /// Layout as the reference writes it: an 8-byte little-endian header length, the JSON
    /// header (metadata first with sorted keys, then tensors ordered by dtype rank
    /// descending and then by name) padded with spaces to a multiple of 8, then each
    /// tensor's contiguous little-endian bytes in header order.
    public static func serialize(_ tensors: [String: Tensor], metadata: [String: String]? = nil) -> Data {
        let ordered = tensors.sorted { a, b in
            let (ra, rb) = (SafetensorsDType.writeRank(a.value.dtype), SafetensorsDType.writeRank(b.value.dtype))
            return ra != rb ? ra > rb : a.key.utf8.lexicographicallyPrecedes(b.key.utf8)
        }
        var header = "{"
        var fields: [String] = []
        if let metadata {
            let entries = metadata.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
                .map { "\(jsonString($0.key)):\(jsonString($0.value))" }
            fields.append("\"__metadata__\":{\(entries.joined(separator: ","))}")
        }
        var offset = 0
        for (name, tensor) in ordered {
            let byteCount = tensor.count * tensor.dtype.itemSize
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            fields.append(
                "\(jsonString(name)):{\"dtype\":\"\(SafetensorsDType.name(for: tensor.dtype))\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + byteCount)]}")
            offset += byteCount
        }
        header += fields.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        headerBytes += [UInt8](repeating: 0x20, count: (8 - headerBytes.count % 8) % 8)
        var data = Data(capacity: 8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: headerBytes)
        for (_, tensor) in ordered {
            let source = tensor.contiguous()
            data.append(UnsafeRawBufferPointer(start: source.dataPointer, count: source.count * source.dtype.itemSize).bindMemory(to: UInt8.self))
        }
        return data
    }

    /// A JSON string literal escaped as serde_json escapes it (the reference writer), so
    /// headers are byte-identical: quote, backslash and control characters only.
    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20:
                out += "\\u00" + String(scalar.value >> 4, radix: 16) + String(scalar.value & 0xF, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

import Foundation

/// A safetensors file opened for reading (`safetensors.safe_open`).
///
/// Opening maps the file and parses only its header; `tensor(_:)` returns a tensor whose
/// storage is the mapping itself (copy-on-write: writing to it never touches the file), so
/// opening a 1 GB checkpoint and reading one value costs microseconds, not a 1 GB read.
/// Every header field is checked before it is used: offsets must lie inside the data and
/// tile it without overlap, and byte counts must match shapes and dtypes.
public final class SafetensorsFile: @unchecked Sendable {
    /// Metadata entries from `__metadata__`.
    public let metadata: [String: String]
    /// Tensor names in file order (by data offset).
    public let keys: [String]
    /// The path it was opened from.
    public let path: String

    struct Entry {
        let dtype: DType
        let shape: [Int]
        let begin: Int
        let end: Int
    }

    private let entries: [String: Entry]
    private let mapping: Storage
    private let dataStart: Int

    /// The largest header accepted (the Python library's limit).
    public static let maximumHeaderSize = 100_000_000

    /// Maps `path` and parses its header.
    public init(path: String) throws {
        self.path = path
        mapping = try MappedFile.map(path)
        let size = mapping.byteCount
        guard size >= 8 else { throw CheckpointError(.truncated, file: path, "file of \(size) bytes has no header length") }
        let parsed = try Self.parseHeader(UnsafeRawBufferPointer(start: mapping.data, count: size), file: path)
        metadata = parsed.metadata
        entries = parsed.entries
        keys = parsed.order
        dataStart = parsed.dataStart
    }

    /// The dtype and shape of `name` without touching its data.
    public func info(_ name: String) throws -> (dtype: DType, shape: [Int]) {
        guard let entry = entries[name] else {
            throw CheckpointError(.malformedHeader, file: path, tensor: name, "no such tensor in the file")
        }
        return (entry.dtype, entry.shape)
    }

    /// The tensor `name`, as a view on the mapped file when its offset is aligned for its
    /// dtype, otherwise as a copy.
    public func tensor(_ name: String) throws -> Tensor {
        guard let entry = entries[name] else {
            throw CheckpointError(.malformedHeader, file: path, tensor: name, "no such tensor in the file")
        }
        let byteOffset = dataStart + entry.begin
        let itemSize = entry.dtype.itemSize
        let strides = Shape.contiguousStrides(entry.shape)
        if byteOffset % itemSize == 0 {
            return Tensor(storage: mapping, dtype: entry.dtype, shape: entry.shape, strides: strides, offset: byteOffset / itemSize)
        }
        let copy = Tensor(empty: entry.shape, dtype: entry.dtype)
        copy.dataPointer.copyMemory(from: mapping.data + byteOffset, byteCount: entry.end - entry.begin)
        return copy
    }

    /// Every tensor, by name.
    public func tensors() throws -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for key in keys { result[key] = try tensor(key) }
        return result
    }

    struct Header {
        var metadata: [String: String] = [:]
        var entries: [String: Entry] = [:]
        var order: [String] = []
        var dataStart = 0
    }

    /// Parses and validates a header; `bytes` is the whole file.
    static func parseHeader(_ bytes: UnsafeRawBufferPointer, file: String) throws -> Header {
        guard bytes.count >= 8 else { throw CheckpointError(.truncated, file: file, "no header length") }
        let headerLength = bytes.loadUnaligned(as: UInt64.self).littleEndian
        guard headerLength <= UInt64(maximumHeaderSize) else {
            throw CheckpointError(.limitExceeded, file: file, "header claims \(headerLength) bytes (limit \(maximumHeaderSize))")
        }
        let length = Int(headerLength)
        guard 8 + length <= bytes.count else {
            throw CheckpointError(.truncated, file: file, "header of \(length) bytes but the file has \(bytes.count - 8) after the length")
        }
        let json = Data(bytes[8..<(8 + length)])
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: json)
        } catch {
            throw CheckpointError(.malformedHeader, file: file, "header is not valid JSON: \(error.localizedDescription)")
        }
        guard let dictionary = object as? [String: Any] else {
            throw CheckpointError(.malformedHeader, file: file, "header is not a JSON object")
        }
        var header = Header()
        header.dataStart = 8 + length
        let dataSize = bytes.count - header.dataStart
        var spans: [(begin: Int, end: Int, name: String)] = []
        for (name, value) in dictionary {
            if name == "__metadata__" {
                guard let meta = value as? [String: Any] else {
                    throw CheckpointError(.malformedHeader, file: file, "__metadata__ is not an object of strings")
                }
                for (k, v) in meta {
                    guard let s = v as? String else {
                        throw CheckpointError(.malformedHeader, file: file, "__metadata__['\(k)'] is not a string")
                    }
                    header.metadata[k] = s
                }
                continue
            }
            let entry = try parseEntry(name: name, value, file: file)
            guard entry.end <= dataSize else {
                throw CheckpointError(.invalidLayout, file: file, tensor: name, "data_offsets end \(entry.end) beyond the \(dataSize) data bytes")
            }
            header.entries[name] = entry
            spans.append((entry.begin, entry.end, name))
        }
        // Tensors must tile the data buffer exactly: sorted by offset, each starts where the
        // previous ended (this rejects overlaps and gaps, as the reference library does).
        spans.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var cursor = 0
        for span in spans {
            guard span.begin == cursor else {
                throw CheckpointError(.invalidLayout, file: file, tensor: span.name,
                    span.begin < cursor ? "data overlaps the previous tensor (starts at \(span.begin), previous ends at \(cursor))"
                                        : "gap in the data before this tensor (starts at \(span.begin), expected \(cursor))")
            }
            cursor = span.end
        }
        guard cursor == dataSize else {
            throw CheckpointError(.invalidLayout, file: file, "tensors cover \(cursor) bytes but the data section has \(dataSize)")
        }
        header.order = spans.map(\.name)
        return header
    }

    private static func parseEntry(name: String, _ value: Any, file: String) throws -> Entry {
        guard let fields = value as? [String: Any] else {
            throw CheckpointError(.malformedHeader, file: file, tensor: name, "entry is not an object")
        }
        guard let dtypeName = fields["dtype"] as? String else {
            throw CheckpointError(.malformedHeader, file: file, tensor: name, "missing dtype")
        }
        guard let dtype = SafetensorsDType.dtype(for: dtypeName) else {
            throw CheckpointError(.unsupportedDType, file: file, tensor: name, "dtype \(dtypeName) is not supported by Ember")
        }
        guard let shapeValues = fields["shape"] as? [Any], let offsets = fields["data_offsets"] as? [Any], offsets.count == 2 else {
            throw CheckpointError(.malformedHeader, file: file, tensor: name, "missing or malformed shape/data_offsets")
        }
        var shape: [Int] = []
        var count = 1
        for v in shapeValues {
            guard let n = (v as? NSNumber).flatMap({ Int(exactly: $0.doubleValue) }), n >= 0 else {
                throw CheckpointError(.malformedHeader, file: file, tensor: name, "shape entry \(v) is not a non-negative integer")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: n)
            guard !overflow else { throw CheckpointError(.limitExceeded, file: file, tensor: name, "shape \(shapeValues) overflows") }
            count = product
            shape.append(n)
        }
        guard let begin = (offsets[0] as? NSNumber).flatMap({ Int(exactly: $0.doubleValue) }),
            let end = (offsets[1] as? NSNumber).flatMap({ Int(exactly: $0.doubleValue) }), begin >= 0, end >= begin
        else {
            throw CheckpointError(.invalidLayout, file: file, tensor: name, "data_offsets \(offsets) are not an increasing pair of integers")
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.itemSize)
        guard !overflow, bytes == end - begin else {
            throw CheckpointError(.invalidLayout, file: file, tensor: name, "shape \(shape) of \(dtypeName) needs \(bytes) bytes but data_offsets span \(end - begin)")
        }
        return Entry(dtype: dtype, shape: shape, begin: begin, end: end)
    }
}

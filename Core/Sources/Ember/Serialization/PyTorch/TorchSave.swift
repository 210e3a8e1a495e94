import Foundation

extension TorchCheckpoint {
    /// Writes a state dict that `torch.load(path, weights_only=True)` reads back as an
    /// `OrderedDict` with the same keys in the same order. Tensors sharing a storage are
    /// written once and stay views of one storage in PyTorch.
    public static func save(_ stateDict: [(String, Tensor)], to path: String) throws {
        try save(.dict(stateDict.map { (PickleValue.string($0.0), PickleValue.tensor($0.1)) }), to: path, orderedDict: true)
    }

    /// Writes a state dict given as a dictionary (keys sorted).
    public static func save(_ stateDict: [String: Tensor], to path: String) throws {
        try save(stateDict.sorted { $0.key < $1.key }, to: path)
    }

    /// Writes any value tree of dicts, lists, tuples, strings, numbers and tensors
    /// (`{"model": ..., "epoch": 3}`); dicts become `OrderedDict`s when `orderedDict` is set.
    public static func save(_ value: PickleValue, to path: String, orderedDict: Bool = false) throws {
        var pickler = Pickler(orderedDict: orderedDict)
        pickler.measure(value)
        try pickler.write(value)
        let pickle = pickler.finish()
        var zip = ZipWriter()
        let folder = "archive/"
        zip.add(folder + "data.pkl", pickle)
        zip.add(folder + "byteorder", Array("little".utf8))
        for record in pickler.storages {
            zip.add(folder + "data/\(record.key)", UnsafeRawBufferPointer(start: record.start, count: record.byteCount))
        }
        zip.add(folder + "version", Array("3\n".utf8))
        let data = zip.finish()
        try writeAtomically(data, to: path)
    }
}

/// Writes pickle protocol 2 the way `torch.save` does for data: containers, numbers,
/// strings and tensors (as `_rebuild_tensor_v2` calls over persistent storage ids; float8 and
/// uint16/32/64 tensors, which have no typed storage class, as `_rebuild_tensor_v3` over an
/// untyped one).
struct Pickler {
    private var out: [UInt8] = [0x80, 0x02]
    /// Storage records in first-use order: key ("0", "1", ...) and the bytes written.
    private(set) var storages: [(key: String, start: UnsafeRawPointer, byteCount: Int)] = []
    private var storageKeys: [ObjectIdentifier: String] = [:]
    /// The element range of each storage that the saved tensors use: only that span is
    /// written (a tensor loaded from a mapped file must not drag the whole file along).
    private var spans: [ObjectIdentifier: (begin: Int, end: Int)] = [:]
    let orderedDict: Bool

    init(orderedDict: Bool) { self.orderedDict = orderedDict }

    mutating func finish() -> [UInt8] { out + [0x2E] }

    /// Records the storage spans of every tensor in `value`; call before `write`.
    mutating func measure(_ value: PickleValue) {
        switch value {
        case .tensor(let t):
            var begin = t.storageOffset, end = t.storageOffset
            if t.count > 0 {
                end = t.storageOffset + 1 + zip(t.shape, t.strides).reduce(0) { $0 + ($1.0 - 1) * $1.1 }
            }
            let id = ObjectIdentifier(t.storage)
            if let known = spans[id] { begin = min(begin, known.begin); end = max(end, known.end) }
            spans[id] = (begin, end)
        case .list(let values), .tuple(let values): values.forEach { measure($0) }
        case .dict(let items): items.forEach { measure($0.key); measure($0.value) }
        default: break
        }
    }

    mutating func write(_ value: PickleValue) throws {
        switch value {
        case .none: out.append(0x4E)
        case .bool(let b): out.append(b ? 0x88 : 0x89)
        case .int(let i): int(i)
        case .bigInt(let bytes):
            guard bytes.count < 256 else { throw CheckpointError(.limitExceeded, file: "pickle", "integer of \(bytes.count) bytes") }
            out += [0x8A, UInt8(bytes.count)] + bytes
        case .float(let d):
            out.append(0x47)
            withUnsafeBytes(of: d.bitPattern.bigEndian) { out += $0 }
        case .string(let s): string(s)
        case .bytes(let b):
            // Protocol 2 has no bytes opcode: torch (like pickle) writes _codecs.encode(latin-1 text).
            out += Array("c_codecs\nencode\n".utf8)
            string(String(String.UnicodeScalarView(b.map { Unicode.Scalar($0) })))
            string("latin1")
            out += [0x86, 0x52]
        case .list(let values):
            out.append(0x5D)
            if !values.isEmpty {
                out.append(0x28)
                for v in values { try write(v) }
                out.append(0x65)
            }
        case .tuple(let values):
            out.append(0x28)
            for v in values { try write(v) }
            out.append(0x74)
        case .dict(let items):
            if orderedDict {
                out += Array("ccollections\nOrderedDict\n".utf8) + [0x29, 0x52]
            } else {
                out.append(0x7D)
            }
            if !items.isEmpty {
                out.append(0x28)
                for (k, v) in items {
                    try write(k)
                    try write(v)
                }
                out.append(0x75)
            }
        case .tensor(let t): tensor(t)
        case .global(let name):
            let parts = name.split(separator: ".")
            out += Array("c\(parts.dropLast().joined(separator: "."))\n\(parts.last ?? "")\n".utf8)
        }
    }

    private mutating func int(_ i: Int64) {
        switch i {
        case 0...0xFF: out += [0x4B, UInt8(i)]
        case 0...0xFFFF: out.append(0x4D); withUnsafeBytes(of: UInt16(i).littleEndian) { out += $0 }
        case Int64(Int32.min)...Int64(Int32.max): out.append(0x4A); withUnsafeBytes(of: Int32(i).littleEndian) { out += $0 }
        default: out += [0x8A, 8]; withUnsafeBytes(of: i.littleEndian) { out += $0 }
        }
    }

    private mutating func string(_ s: String) {
        let bytes = Array(s.utf8)
        out.append(0x58)
        withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { out += $0 }
        out += bytes
    }

    private static let storageNames: [DType: String] = [
        .float32: "FloatStorage", .float64: "DoubleStorage", .float16: "HalfStorage", .bfloat16: "BFloat16Storage",
        .int64: "LongStorage", .int32: "IntStorage", .int16: "ShortStorage", .int8: "CharStorage",
        .uint8: "ByteStorage", .bool: "BoolStorage",
        .complex64: "ComplexFloatStorage", .complex128: "ComplexDoubleStorage",
    ]

    private mutating func tensor(_ t: Tensor) {
        let id = ObjectIdentifier(t.storage)
        let span = spans[id] ?? (t.storageOffset, t.storageOffset + t.count)
        let key: String
        if let known = storageKeys[id] {
            key = known
        } else {
            key = String(storages.count)
            storageKeys[id] = key
            let itemSize = t.dtype.itemSize
            storages.append((key, UnsafeRawPointer(t.storage.data + span.begin * itemSize), (span.end - span.begin) * itemSize))
        }
        let elements = span.end - span.begin
        // float8 and uint16/32/64 have no typed storage class in PyTorch.
        let untyped = t.dtype.isFloat8 || t.dtype.isBarebonesUnsigned
        out += Array("ctorch._utils\n_rebuild_tensor_v\(untyped ? 3 : 2)\n".utf8)
        out.append(0x28)  // MARK: the argument tuple
        out.append(0x28)  // MARK: the persistent id
        string("storage")
        out += Array((untyped ? "ctorch.storage\nUntypedStorage\n" : "ctorch\n\(Self.storageNames[t.dtype]!)\n").utf8)
        string(key)
        string("cpu")
        // An untyped storage counts bytes.
        int(Int64(untyped ? elements * t.dtype.itemSize : elements))
        out += [0x74, 0x51]  // TUPLE, BINPERSID
        int(Int64(t.storageOffset - span.begin))
        out.append(0x28)
        t.shape.forEach { int(Int64($0)) }
        out.append(0x74)
        out.append(0x28)
        t.strides.forEach { int(Int64($0)) }
        out.append(0x74)
        out.append(0x89)  // requires_grad False
        out += Array("ccollections\nOrderedDict\n".utf8) + [0x29, 0x52]  // backward hooks
        if untyped { out += Array("ctorch\n\(t.dtype.rawValue)\n".utf8) }  // v3's dtype
        out += [0x74, 0x52]  // TUPLE, REDUCE
    }
}

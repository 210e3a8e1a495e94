/// PyTorch's first checkpoint format (before 0.4), read as `torch.load` still reads it
/// (`torch/serialization.py`, `_legacy_load`'s tar branch).
extension TorchCheckpoint {
    /// The archive's members:
    /// - `storages`: a pickled count, then per storage a pickled `(key, location, type)`, an
    ///   int64 element count and the bytes; then a pickled list of storage views
    ///   `(key, root key, offset, count)`.
    /// - `tensors`: a pickled count, then per tensor a pickled `(key, storage key, type)`, the
    ///   rank as int32 (and 4 unused bytes), sizes and strides as int64, the storage offset.
    /// - `pickle`: the object, whose persistent ids are the decimal keys of tensors and storages.
    /// - `sys_info`: byte order and type sizes (torch ignores it; Ember refuses big-endian files).
    static func loadTar(_ bytes: UnsafeRawBufferPointer, mapping: Storage, file: String) throws -> PickleValue {
        let archive = try TarArchive(bytes: bytes, file: file)
        func reader(_ name: String) throws -> TarRecordReader {
            guard let member = archive.members[name] else {
                throw CheckpointError(.malformedArchive, file: file, "the tar checkpoint has no '\(name)' member")
            }
            return TarRecordReader(bytes: bytes, member: member, file: file)
        }

        if archive.members["sys_info"] != nil {
            var info = try reader("sys_info")
            if case .dict(let items) = try info.pickle(),
                let entry = items.items.first(where: { if case .string("little_endian") = $0.key { return true } else { return false } }),
                case .bool(false) = entry.value
            {
                throw CheckpointError(.unsupportedDType, file: file, "big-endian checkpoint: only little-endian checkpoints are supported")
            }
        }

        var storages: [Int64: Unpickler.StorageRef] = [:]
        var records = try reader("storages")
        for _ in 0..<(try records.count("storages")) {
            guard case .tuple(let fields) = try records.pickle(), fields.count == 3, case .int(let key) = fields[0],
                case .global(_, let typeName) = fields[2]
            else { throw records.fail("a storage record is not a (key, location, type) tuple") }
            guard let dtype = Unpickler.storageTypes[typeName], typeName != "UntypedStorage" else {
                throw CheckpointError(.unsupportedDType, file: file, "storage type torch.\(typeName) is not supported")
            }
            let count = try records.int64()
            let (byteCount, overflow) = count.multipliedReportingOverflow(by: Int64(dtype.itemSize))
            guard count >= 0, !overflow, byteCount <= Int64(records.remaining) else {
                throw CheckpointError(.truncated, file: file, "storage '\(key)' of \(count) elements runs past the end of its member")
            }
            let reference = Unpickler.StorageRef(key: String(key), dtype: dtype, count: Int(count))
            reference.storage = storageSlice(mapping, offset: records.absoluteOffset, byteCount: Int(byteCount), alignment: dtype.itemSize)
            try records.skip(Int(byteCount))
            storages[key] = reference
        }
        guard case .list(let views) = try records.pickle() else { throw records.fail("the storage view list is missing") }
        for view in views.items {
            guard case .tuple(let fields) = view, fields.count == 4, case .int(let key) = fields[0], case .int(let rootKey) = fields[1],
                case .int(let offset) = fields[2], case .int(let count) = fields[3]
            else { throw records.fail("a storage view is not a (key, root, offset, count) tuple") }
            guard let root = storages[rootKey], let rootStorage = root.storage, offset >= 0, count >= 0,
                offset <= Int64(root.count), count <= Int64(root.count) - offset
            else {
                throw CheckpointError(.invalidLayout, file: file, "storage view '\(key)' lies outside storage '\(rootKey)'")
            }
            let reference = Unpickler.StorageRef(key: String(key), dtype: root.dtype, count: Int(count))
            let itemSize = root.dtype.itemSize
            reference.storage = MappedFile.slice(rootStorage, offset: Int(offset) * itemSize, byteCount: Int(count) * itemSize)
            storages[key] = reference
        }

        var tensors: [Int64: Unpickler.TensorRef] = [:]
        records = try reader("tensors")
        for _ in 0..<(try records.count("tensors")) {
            guard case .tuple(let fields) = try records.pickle(), fields.count == 3, case .int(let key) = fields[0] else {
                throw records.fail("a tensor record is not a (key, storage, type) tuple")
            }
            guard case .int(let storageKey) = fields[1], let storage = storages[storageKey] else {
                throw CheckpointError(.malformedArchive, file: file, "tensor '\(key)' uses storage \(fields[1]), which the archive does not hold")
            }
            let rank = Int(try records.int32())
            try records.skip(4)
            guard (0...64).contains(rank) else { throw CheckpointError(.invalidLayout, file: file, "tensor '\(key)' claims \(rank) dimensions") }
            let shape = try (0..<rank).map { _ in try records.int64() }
            let strides = try (0..<rank).map { _ in try records.int64() }
            let offset = try records.int64()
            let limit = Int64(Int32.max) * 1024
            guard (shape + strides + [offset]).allSatisfy({ (0...limit).contains($0) }) else {
                throw CheckpointError(.invalidLayout, file: file, "tensor '\(key)' has size \(shape), stride \(strides) and offset \(offset) out of range")
            }
            tensors[key] = Unpickler.TensorRef(
                storage: storage, offset: Int(offset), shape: shape.map { Int($0) }, strides: strides.map { Int($0) })
        }

        var object = try reader("pickle")
        let root = try object.pickle { pid in
            let key: Int64?
            switch pid {
            case .string(let text): key = Int64(text)
            case .int(let value): key = value
            case .tuple:
                throw CheckpointError(.forbiddenGlobal, file: file, "the pickle holds a module class with its source (torch.save of a whole model)")
            default: key = nil
            }
            if let key, let tensor = tensors[key] { return .tensor(tensor) }
            if let key, let storage = storages[key] { return .storage(storage) }
            throw CheckpointError(.malformedArchive, file: file, "the pickle refers to object \(pid), which the archive does not hold")
        }
        var resolver = PickleResolver(file: file)
        return try resolver.resolve(root)
    }
}

/// Reads one tar member's records in order: pickles and little-endian integers, each checked
/// against the member's end.
struct TarRecordReader {
    private let bytes: UnsafeRawBufferPointer
    private let member: TarArchive.Member
    private let file: String
    /// Position within the member.
    private var position = 0

    init(bytes: UnsafeRawBufferPointer, member: TarArchive.Member, file: String) {
        self.bytes = bytes
        self.member = member
        self.file = file
    }

    var remaining: Int { member.size - position }
    /// The position as an offset in the whole file.
    var absoluteOffset: Int { member.dataOffset + position }

    func fail(_ detail: String) -> CheckpointError {
        CheckpointError(.malformedPickle, file: file, "tar member '\(member.name)', byte \(position): \(detail)")
    }

    /// The next pickle; persistent ids go to `persistentLoad`.
    mutating func pickle(
        persistentLoad: @escaping (Unpickler.Value) throws -> Unpickler.Value = { _ in
            throw CheckpointError(.malformedPickle, file: "", "unexpected persistent id in a tar checkpoint record")
        }
    ) throws -> Unpickler.Value {
        let data = UnsafeRawBufferPointer(rebasing: bytes[member.dataOffset..<(member.dataOffset + member.size)])
        let vm = Unpickler(bytes: data, start: position, file: file, legacyTypeNames: true, persistentLoad: persistentLoad)
        let value = try vm.load()
        position = vm.offset
        return value
    }

    /// A pickled record count.
    mutating func count(_ what: String) throws -> Int {
        guard case .int(let n) = try pickle(), n >= 0, n <= Int64(remaining) else {
            throw fail("the number of \(what) is missing or larger than the member")
        }
        return Int(n)
    }

    mutating func skip(_ n: Int) throws {
        guard n >= 0, n <= remaining else {
            throw CheckpointError(.truncated, file: file, "tar member '\(member.name)' ends at byte \(member.size), before byte \(position + n)")
        }
        position += n
    }

    mutating func int64() throws -> Int64 {
        let start = absoluteOffset
        try skip(8)
        return bytes.loadUnaligned(fromByteOffset: start, as: Int64.self).littleEndian
    }

    mutating func int32() throws -> Int32 {
        let start = absoluteOffset
        try skip(4)
        return bytes.loadUnaligned(fromByteOffset: start, as: Int32.self).littleEndian
    }
}

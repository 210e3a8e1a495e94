import Foundation

/// PyTorch checkpoints (`.pt`, `.pth`, `.bin`): `torch.load(weights_only=True)` and `torch.save`.
public enum TorchCheckpoint {
    /// Reads a checkpoint written by `torch.save`: the zip format (PyTorch ≥ 1.6), the
    /// legacy pickle stream (`_use_new_zipfile_serialization=False`, PyTorch 0.4–1.5) or the
    /// tar archive of PyTorch before 0.4. Tensors are views on the memory-mapped file where
    /// alignment allows; tensors that shared a storage in PyTorch share one here, so views
    /// stay views.
    public static func load(_ path: String) throws -> PickleValue {
        let mapping = try MappedFile.map(path)
        let bytes = UnsafeRawBufferPointer(start: mapping.data, count: mapping.byteCount)
        if bytes.count >= 4 && bytes.loadUnaligned(as: UInt32.self) == 0x0403_4B50 {
            return try loadZip(bytes, mapping: mapping, file: path)
        }
        if bytes.count >= 2 && bytes[0] == 0x80 {
            return try loadLegacy(bytes, mapping: mapping, file: path)
        }
        if TarArchive.looksLikeTar(bytes) {
            return try loadTar(bytes, mapping: mapping, file: path)
        }
        throw CheckpointError(.malformedArchive, file: path, "neither a torch.save zip archive, a legacy pickle checkpoint nor a pre-0.4 tar checkpoint")
    }

    /// A checkpoint's tensors by flattened name: a state dict as saved, or the tensors of a
    /// nested checkpoint (`{"model": {...}}` gives `model.layer.weight`).
    public static func loadStateDict(_ path: String) throws -> [String: Tensor] {
        Dictionary(try load(path).flattenedTensors().map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
    }

    // MARK: Zip format

    private static func loadZip(_ bytes: UnsafeRawBufferPointer, mapping: Storage, file: String) throws -> PickleValue {
        let archive = try ZipArchive(bytes: bytes, file: file)
        // The records live under one top folder ("archive/" today, the file's stem in older files).
        let candidates = archive.entries.values.filter { $0.name.split(separator: "/").last == "data.pkl" }
        guard let pickle = candidates.min(by: { $0.name.count < $1.name.count }) else {
            throw CheckpointError(.malformedArchive, file: file, "no data.pkl record in the archive")
        }
        let prefix = String(pickle.name.dropLast("data.pkl".count))
        if let order = archive.entries[prefix + "byteorder"] {
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[order.dataOffset..<(order.dataOffset + order.size)]), as: UTF8.self)
            guard text == "little" else {
                throw CheckpointError(.unsupportedDType, file: file, "byte order '\(text)': only little-endian checkpoints are supported")
            }
        }
        var storages: [String: Unpickler.StorageRef] = [:]
        let unpickler = Unpickler(
            bytes: UnsafeRawBufferPointer(rebasing: bytes[pickle.dataOffset..<(pickle.dataOffset + pickle.size)]), file: file
        ) { pid in
            let (key, dtype, count) = try storageID(pid, file: file)
            if let known = storages[key] { return .storage(known) }
            let reference = Unpickler.StorageRef(key: key, dtype: dtype, count: count)
            guard let entry = archive.entries[prefix + "data/" + key] else {
                throw CheckpointError(.malformedArchive, file: file, "storage '\(key)' has no record data/\(key)")
            }
            let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.itemSize)
            guard !overflow, byteCount <= entry.size else {
                throw CheckpointError(.invalidLayout, file: file, "storage '\(key)' claims \(count) \(dtype) elements but its record has \(entry.size) bytes")
            }
            reference.storage = storageSlice(mapping, offset: entry.dataOffset, byteCount: byteCount, alignment: dtype.itemSize)
            storages[key] = reference
            return .storage(reference)
        }
        var resolver = PickleResolver(file: file)
        return try resolver.resolve(try unpickler.load())
    }

    // MARK: Legacy format

    /// `torch.save(..., _use_new_zipfile_serialization=False)`: a magic number, a protocol
    /// version and system info, the object pickle, the list of storage keys, then each
    /// storage as an int64 element count followed by its bytes, in that list's order.
    private static func loadLegacy(_ bytes: UnsafeRawBufferPointer, mapping: Storage, file: String) throws -> PickleValue {
        let magic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]
        var offset = 0
        func next(_ persistent: @escaping (Unpickler.Value) throws -> Unpickler.Value = { _ in
            throw CheckpointError(.malformedPickle, file: "", "unexpected persistent id") }) throws -> Unpickler.Value {
            let vm = Unpickler(bytes: bytes, start: offset, file: file, persistentLoad: persistent)
            let value = try vm.load()
            offset = vm.offset
            return value
        }
        guard case .bigInt(let number) = try next(), number == magic else {
            throw CheckpointError(.malformedArchive, file: file, "the legacy checkpoint's magic number is wrong (not a torch.save file?)")
        }
        guard case .int(1001) = try next() else {
            throw CheckpointError(.malformedArchive, file: file, "unsupported legacy protocol version")
        }
        _ = try next()  // system info: endianness and type sizes
        var storages: [String: Unpickler.StorageRef] = [:]
        var views: [(view: Unpickler.StorageRef, root: String, offset: Int)] = []
        let root = try next { pid in
            guard case .tuple(let fields) = pid, fields.count >= 6 else {
                throw CheckpointError(.malformedPickle, file: file, "legacy persistent id is not a 6-tuple")
            }
            let (key, dtype, count) = try storageID(.tuple(Array(fields.prefix(5))), file: file)
            let rootRef: Unpickler.StorageRef
            if let known = storages[key] { rootRef = known } else {
                rootRef = Unpickler.StorageRef(key: key, dtype: dtype, count: count)
                storages[key] = rootRef
            }
            // A storage view (pre-1.0 checkpoints): (view_key, offset, size).
            if case .tuple(let view) = fields[5], view.count == 3, case .string(let viewKey) = view[0],
                case .int(let viewOffset) = view[1], case .int(let viewSize) = view[2], viewOffset >= 0, viewSize >= 0
            {
                let viewRef = Unpickler.StorageRef(key: viewKey, dtype: dtype, count: Int(viewSize))
                views.append((viewRef, key, Int(viewOffset)))
                return .storage(viewRef)
            }
            return .storage(rootRef)
        }
        guard case .list(let keyList) = try next() else {
            throw CheckpointError(.malformedPickle, file: file, "the legacy storage key list is missing")
        }
        for case .string(let key) in keyList.items {
            guard offset + 8 <= bytes.count else { throw CheckpointError(.truncated, file: file, "storage '\(key)' header past the end") }
            let count = Int(bytes.loadUnaligned(fromByteOffset: offset, as: Int64.self).littleEndian)
            offset += 8
            guard let reference = storages[key] else {
                throw CheckpointError(.malformedArchive, file: file, "data for storage '\(key)' that no tensor uses")
            }
            let (byteCount, overflow) = count.multipliedReportingOverflow(by: reference.dtype.itemSize)
            guard count >= 0, !overflow, byteCount <= bytes.count - offset else {
                throw CheckpointError(.truncated, file: file, "storage '\(key)' of \(count) elements runs past the end of the file")
            }
            guard count >= reference.count else {
                throw CheckpointError(.invalidLayout, file: file, "storage '\(key)' holds \(count) elements, the pickle expects \(reference.count)")
            }
            reference.storage = storageSlice(mapping, offset: offset, byteCount: byteCount, alignment: reference.dtype.itemSize)
            offset += byteCount
        }
        for (view, rootKey, viewOffset) in views {
            guard let rootStorage = storages[rootKey]?.storage,
                (viewOffset + view.count) * view.dtype.itemSize <= rootStorage.byteCount
            else {
                throw CheckpointError(.invalidLayout, file: file, "storage view '\(view.key)' lies outside storage '\(rootKey)'")
            }
            view.storage = MappedFile.slice(rootStorage, offset: viewOffset * view.dtype.itemSize, byteCount: view.count * view.dtype.itemSize)
        }
        var resolver = PickleResolver(file: file)
        return try resolver.resolve(root)
    }

    // MARK: Shared pieces

    /// Parses `('storage', torch.XStorage, key, location, numel)`.
    static func storageID(_ pid: Unpickler.Value, file: String) throws -> (String, DType, Int) {
        guard case .tuple(let fields) = pid, fields.count >= 5, case .string("storage") = fields[0],
            case .global(_, let typeName) = fields[1], case .string(let key) = fields[2], case .int(let count) = fields[4]
        else {
            throw CheckpointError(.malformedPickle, file: file, "persistent id is not a ('storage', type, key, location, numel) tuple")
        }
        guard let dtype = Unpickler.storageTypes[typeName] else {
            throw CheckpointError(.unsupportedDType, file: file, "storage type torch.\(typeName) is not supported")
        }
        guard count >= 0 else { throw CheckpointError(.invalidLayout, file: file, "storage '\(key)' has negative size") }
        return (key, dtype, Int(count))
    }

    /// A view on the mapping when aligned for the dtype, else an aligned copy.
    static func storageSlice(_ mapping: Storage, offset: Int, byteCount: Int, alignment: Int) -> Storage {
        if (Int(bitPattern: mapping.data) + offset) % alignment == 0 {
            return MappedFile.slice(mapping, offset: offset, byteCount: byteCount)
        }
        let copy = Storage(byteCount: byteCount)
        copy.data.copyMemory(from: mapping.data + offset, byteCount: byteCount)
        return copy
    }
}

/// Turns the unpickler's reference values into `PickleValue`s, building tensors after checking
/// that their shapes, strides and offsets stay inside their storages, and rejecting cycles.
struct PickleResolver {
    let file: String
    private var onPath = Set<ObjectIdentifier>()

    init(file: String) { self.file = file }

    mutating func resolve(_ value: Unpickler.Value, path: String = "") throws -> PickleValue {
        switch value {
        case .none: return .none
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .bigInt(let b): return .bigInt(b)
        case .float(let d): return .float(d)
        case .string(let s): return .string(s)
        case .bytes(let b): return .bytes(b)
        case .global(let module, let name): return .global("\(module).\(name)")
        case .mark: throw CheckpointError(.malformedPickle, file: file, "a mark left in the result")
        case .storage(let s):
            throw CheckpointError(.malformedPickle, file: file, "a bare storage ('\(s.key)') outside a tensor at '\(path)'")
        case .tuple(let values):
            return .tuple(try values.enumerated().map { try resolve($0.element, path: "\(path).\($0.offset)") })
        case .list(let box):
            try enter(box, path)
            defer { onPath.remove(ObjectIdentifier(box)) }
            return .list(try box.items.enumerated().map { try resolve($0.element, path: "\(path).\($0.offset)") })
        case .dict(let box):
            try enter(box, path)
            defer { onPath.remove(ObjectIdentifier(box)) }
            return .dict(try box.items.map { item in
                let key = try resolve(item.key, path: path)
                let name = key.stringValue ?? key.description
                return (key, try resolve(item.value, path: path.isEmpty ? name : "\(path).\(name)"))
            })
        case .tensor(let ref):
            return .tensor(try tensor(ref, path: path))
        }
    }

    private mutating func enter(_ box: AnyObject, _ path: String) throws {
        guard onPath.insert(ObjectIdentifier(box)).inserted else {
            throw CheckpointError(.malformedPickle, file: file, tensor: path.isEmpty ? nil : path, "the pickle contains a container that contains itself")
        }
    }

    private func tensor(_ ref: Unpickler.TensorRef, path: String) throws -> Tensor {
        let name = path.isEmpty ? nil : path
        guard ref.shape.count == ref.strides.count else {
            throw CheckpointError(.invalidLayout, file: file, tensor: name, "size \(ref.shape) and stride \(ref.strides) differ in length")
        }
        guard var storage = ref.storage.storage else {
            throw CheckpointError(.malformedArchive, file: file, tensor: name, "storage '\(ref.storage.key)' has no data")
        }
        if Int(bitPattern: storage.data) % ref.dtype.itemSize != 0 {
            // A byte storage read as uint16/32/64 from a record that is not aligned for it
            // (torch.save aligns records to 64 bytes, so only other writers get here): an
            // aligned copy, which tensors sharing the storage no longer share.
            storage = TorchCheckpoint.storageSlice(storage, offset: 0, byteCount: storage.byteCount, alignment: ref.dtype.itemSize)
        }
        let available = storage.byteCount / ref.dtype.itemSize
        if !ref.shape.contains(0) {
            var last = ref.offset
            for (size, stride) in zip(ref.shape, ref.strides) {
                let (step, o1) = (size - 1).multipliedReportingOverflow(by: stride)
                let (sum, o2) = last.addingReportingOverflow(step)
                guard !o1, !o2 else { throw CheckpointError(.invalidLayout, file: file, tensor: name, "size \(ref.shape) overflows") }
                last = sum
            }
            guard last < available else {
                throw CheckpointError(.invalidLayout, file: file, tensor: name,
                    "size \(ref.shape), stride \(ref.strides) and offset \(ref.offset) reach element \(last) of a storage of \(available)")
            }
        }
        return Tensor(storage: storage, dtype: ref.dtype, shape: ref.shape, strides: ref.strides, offset: ref.offset)
    }
}

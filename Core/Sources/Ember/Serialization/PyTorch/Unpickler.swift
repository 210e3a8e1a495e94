/// A pickle virtual machine that only knows data: like `torch.load(weights_only=True)`, it
/// never imports or calls anything outside a short allow-list of PyTorch's rebuild functions
/// and plain containers, and it names any other global in its error.
///
/// Containers are reference objects while the stream runs (pickles mutate lists and dicts
/// after memoising them); `PickleResolver` turns the result into `PickleValue`s.
final class Unpickler {
    /// Values on the VM's stack.
    indirect enum Value {
        case none, bool(Bool), int(Int64), bigInt([UInt8]), float(Double), string(String), bytes([UInt8])
        case list(ListBox), tuple([Value]), dict(DictBox)
        case global(module: String, name: String)
        case storage(StorageRef)
        /// `_rebuild_tensor_v2/v3(storage, offset, size, stride, ...)`, built once storages are known.
        case tensor(TensorRef)
        case mark
    }

    final class ListBox { var items: [Value] = [] }
    final class DictBox { var items: [(key: Value, value: Value)] = [] }

    /// A storage named by a persistent id: `('storage', torch.FloatStorage, key, location, numel)`.
    final class StorageRef {
        let key: String
        let dtype: DType
        let count: Int
        var storage: Storage?
        init(key: String, dtype: DType, count: Int) { self.key = key; self.dtype = dtype; self.count = count }
    }

    final class TensorRef {
        let storage: StorageRef
        /// The element type: the storage's, or the dtype `_rebuild_tensor_v3` names for an
        /// untyped (byte) storage.
        let dtype: DType
        let offset: Int
        let shape: [Int]
        let strides: [Int]
        init(storage: StorageRef, dtype: DType? = nil, offset: Int, shape: [Int], strides: [Int]) {
            self.storage = storage; self.dtype = dtype ?? storage.dtype
            self.offset = offset; self.shape = shape; self.strides = strides
        }
    }

    private let bytes: UnsafeRawBufferPointer
    private var position: Int
    private let file: String
    private var stack: [Value] = []
    private var marks: [Int] = []
    private var memo: [Int: Value] = [:]
    /// Resolves persistent ids (the storage references of a checkpoint).
    private let persistentLoad: (Value) throws -> Value

    /// Bounds that keep hostile input from exhausting memory.
    static let maximumStackDepth = 1_000_000
    static let maximumMemoEntries = 10_000_000

    /// True for the record pickles of a pre-0.4 tar checkpoint, which name tensor classes
    /// (`torch.FloatTensor`) and CUDA storage classes as plain values.
    private let legacyTypeNames: Bool

    init(
        bytes: UnsafeRawBufferPointer, start: Int = 0, file: String, legacyTypeNames: Bool = false,
        persistentLoad: @escaping (Value) throws -> Value
    ) {
        self.bytes = bytes
        position = start
        self.file = file
        self.legacyTypeNames = legacyTypeNames
        self.persistentLoad = persistentLoad
    }

    /// Where the next pickle in the stream starts (the legacy format chains several).
    var offset: Int { position }

    private func fail(_ detail: String) -> CheckpointError {
        CheckpointError(.malformedPickle, file: file, "pickle byte \(position): \(detail)")
    }

    // MARK: Reading primitives, each checked against the bytes left

    private func take(_ n: Int) throws -> UnsafeRawBufferPointer {
        guard n >= 0, n <= bytes.count - position else {
            throw CheckpointError(.truncated, file: file, "pickle needs \(n) bytes at \(position) but the data ends at \(bytes.count)")
        }
        defer { position += n }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + n)])
    }

    private func u8() throws -> Int { Int(try take(1)[0]) }
    private func le<T: FixedWidthInteger>(_: T.Type) throws -> T { try take(MemoryLayout<T>.size).loadUnaligned(as: T.self).littleEndian }

    private func line() throws -> String {
        var end = position
        while end < bytes.count && bytes[end] != 0x0A { end += 1 }
        guard end < bytes.count else { throw CheckpointError(.truncated, file: file, "unterminated text line in pickle at \(position)") }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[position..<end]), as: UTF8.self)
        position = end + 1
        return text
    }

    private func pop() throws -> Value {
        guard let value = stack.popLast() else { throw fail("stack underflow") }
        if case .mark = value { throw fail("unexpected mark") }
        return value
    }

    private func popMark() throws -> [Value] {
        guard let mark = marks.popLast(), mark <= stack.count else { throw fail("no mark on the stack") }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    private func push(_ value: Value) throws {
        guard stack.count < Self.maximumStackDepth else {
            throw CheckpointError(.limitExceeded, file: file, "pickle stack deeper than \(Self.maximumStackDepth)")
        }
        stack.append(value)
    }

    private func memoize(_ index: Int) throws {
        guard let top = stack.last else { throw fail("memoizing an empty stack") }
        guard memo.count < Self.maximumMemoEntries else {
            throw CheckpointError(.limitExceeded, file: file, "pickle memo larger than \(Self.maximumMemoEntries)")
        }
        memo[index] = top
    }

    private func recall(_ index: Int) throws {
        guard let value = memo[index] else { throw fail("memo key \(index) was never stored") }
        try push(value)
    }

    // MARK: The machine

    /// Runs one pickle up to its STOP opcode and returns its value.
    func load() throws -> Value {
        stack = []
        marks = []
        memo = [:]
        while true {
            let opcode = try u8()
            switch opcode {
            case 0x80: _ = try u8()  // PROTO
            case 0x95: _ = try le(UInt64.self)  // FRAME: framing is advisory
            case 0x2E: return try pop()  // STOP
            case 0x28: marks.append(stack.count)  // MARK
            case 0x30: _ = try pop()  // POP
            case 0x31: _ = try popMark()  // POP_MARK
            case 0x32:  // DUP
                guard let top = stack.last else { throw fail("DUP on an empty stack") }
                try push(top)
            case 0x4E: try push(.none)
            case 0x88: try push(.bool(true))
            case 0x89: try push(.bool(false))
            case 0x4A: try push(.int(Int64(try le(Int32.self))))  // BININT
            case 0x4B: try push(.int(Int64(try u8())))  // BININT1
            case 0x4D: try push(.int(Int64(try le(UInt16.self))))  // BININT2
            case 0x8A: try push(try long(count: try u8()))  // LONG1
            case 0x8B:  // LONG4
                let n = try le(Int32.self)
                guard n >= 0 else { throw fail("negative LONG4 length") }
                try push(try long(count: Int(n)))
            case 0x49:  // INT (text)
                let text = try line()
                if text == "01" { try push(.bool(true)) } else if text == "00" { try push(.bool(false)) } else {
                    guard let v = Int64(text) else { throw fail("bad INT literal '\(text)'") }
                    try push(.int(v))
                }
            case 0x4C:  // LONG (text)
                var text = try line()
                if text.hasSuffix("L") { text.removeLast() }
                guard let v = Int64(text) else { throw fail("LONG literal '\(text)' does not fit 64 bits") }
                try push(.int(v))
            case 0x47: try push(.float(Double(bitPattern: UInt64(bigEndian: try take(8).loadUnaligned(as: UInt64.self)))))  // BINFLOAT
            case 0x46:  // FLOAT (text)
                let text = try line()
                guard let v = Double(text) else { throw fail("bad FLOAT literal '\(text)'") }
                try push(.float(v))
            case 0x58: try push(.string(try utf8(count: Int(try le(UInt32.self)))))  // BINUNICODE
            case 0x8C: try push(.string(try utf8(count: try u8())))  // SHORT_BINUNICODE
            case 0x8D: try push(.string(try utf8(count: try length64())))  // BINUNICODE8
            case 0x55: try push(.string(try latin1(count: try u8())))  // SHORT_BINSTRING (Python 2 str)
            case 0x54: try push(.string(try latin1(count: Int(try le(UInt32.self)))))  // BINSTRING
            case 0x43: try push(.bytes(Array(try take(try u8()))))  // SHORT_BINBYTES
            case 0x42: try push(.bytes(Array(try take(Int(try le(UInt32.self))))))  // BINBYTES
            case 0x8E: try push(.bytes(Array(try take(try length64()))))  // BINBYTES8
            case 0x96: try push(.bytes(Array(try take(try length64()))))  // BYTEARRAY8
            case 0x5D: try push(.list(ListBox()))  // EMPTY_LIST
            case 0x7D: try push(.dict(DictBox()))  // EMPTY_DICT
            case 0x29: try push(.tuple([]))  // EMPTY_TUPLE
            case 0x8F: try push(.list(ListBox()))  // EMPTY_SET: sets become lists
            case 0x6C:  // LIST
                let list = ListBox()
                list.items = try popMark()
                try push(.list(list))
            case 0x74: try push(.tuple(try popMark()))  // TUPLE
            case 0x85: try push(.tuple([try pop()]))  // TUPLE1
            case 0x86:  // TUPLE2
                let b = try pop(), a = try pop()
                try push(.tuple([a, b]))
            case 0x87:  // TUPLE3
                let c = try pop(), b = try pop(), a = try pop()
                try push(.tuple([a, b, c]))
            case 0x64:  // DICT
                let items = try popMark()
                guard items.count % 2 == 0 else { throw fail("DICT with an odd number of items") }
                let dict = DictBox()
                for i in stride(from: 0, to: items.count, by: 2) { try set(dict, items[i], items[i + 1]) }
                try push(.dict(dict))
            case 0x61:  // APPEND
                let value = try pop()
                guard case .list(let list) = stack.last else { throw fail("APPEND to a non-list") }
                list.items.append(value)
            case 0x65:  // APPENDS
                let values = try popMark()
                guard case .list(let list) = stack.last else { throw fail("APPENDS to a non-list") }
                list.items += values
            case 0x90:  // ADDITEMS (sets)
                let values = try popMark()
                guard case .list(let list) = stack.last else { throw fail("ADDITEMS to a non-set") }
                list.items += values
            case 0x73:  // SETITEM
                let value = try pop(), key = try pop()
                guard case .dict(let dict) = stack.last else { throw fail("SETITEM on a non-dict") }
                try set(dict, key, value)
            case 0x75:  // SETITEMS
                let items = try popMark()
                guard items.count % 2 == 0 else { throw fail("SETITEMS with an odd number of items") }
                guard case .dict(let dict) = stack.last else { throw fail("SETITEMS on a non-dict") }
                for i in stride(from: 0, to: items.count, by: 2) { try set(dict, items[i], items[i + 1]) }
            case 0x71: try memoize(try u8())  // BINPUT
            case 0x72: try memoize(Int(try le(UInt32.self)))  // LONG_BINPUT
            case 0x94: try memoize(memo.count)  // MEMOIZE
            case 0x70:  // PUT (text)
                guard let index = Int(try line()) else { throw fail("bad PUT index") }
                try memoize(index)
            case 0x68: try recall(try u8())  // BINGET
            case 0x6A: try recall(Int(try le(UInt32.self)))  // LONG_BINGET
            case 0x67:  // GET (text)
                guard let index = Int(try line()) else { throw fail("bad GET index") }
                try recall(index)
            case 0x63:  // GLOBAL
                let module = try line(), name = try line()
                try push(try global(module, name))
            case 0x93:  // STACK_GLOBAL
                let name = try pop(), module = try pop()
                guard case .string(let n) = name, case .string(let m) = module else { throw fail("STACK_GLOBAL needs two strings") }
                try push(try global(m, n))
            case 0x52:  // REDUCE
                let args = try pop(), callable = try pop()
                guard case .tuple(let arguments) = args else { throw fail("REDUCE arguments are not a tuple") }
                try push(try call(callable, arguments))
            case 0x81:  // NEWOBJ
                let args = try pop(), cls = try pop()
                guard case .tuple(let arguments) = args else { throw fail("NEWOBJ arguments are not a tuple") }
                try push(try call(cls, arguments))
            case 0x62:  // BUILD
                let state = try pop()
                guard let target = stack.last else { throw fail("BUILD on an empty stack") }
                try build(target, state)
            case 0x51:  // BINPERSID
                try push(try persistentLoad(try pop()))
            case 0x50:  // PERSID (text)
                try push(try persistentLoad(.string(try line())))
            default:
                throw fail(String(format: "unsupported opcode 0x%02x", opcode))
            }
        }
    }

    private func length64() throws -> Int {
        let n = try le(UInt64.self)
        guard n <= UInt64(bytes.count - position) else {
            throw CheckpointError(.truncated, file: file, "pickle claims \(n) bytes at \(position) but \(bytes.count - position) remain")
        }
        return Int(n)
    }

    private func utf8(count: Int) throws -> String { String(decoding: try take(count), as: UTF8.self) }
    private func latin1(count: Int) throws -> String { String(String.UnicodeScalarView(try take(count).map { Unicode.Scalar($0) })) }

    private func long(count: Int) throws -> Value {
        let raw = Array(try take(count))
        if raw.isEmpty { return .int(0) }
        if raw.count > 8 { return .bigInt(raw) }
        var value: UInt64 = 0
        for (i, byte) in raw.enumerated() { value |= UInt64(byte) << (8 * UInt64(i)) }
        // Sign-extend from the last byte's top bit.
        if raw.count < 8 && raw.last! & 0x80 != 0 { value |= ~0 << (8 * UInt64(raw.count)) }
        return .int(Int64(bitPattern: value))
    }

    private func set(_ dict: DictBox, _ key: Value, _ value: Value) throws {
        if case .string(let k) = key,
            let i = dict.items.firstIndex(where: { if case .string(k) = $0.key { return true } else { return false } })
        {
            dict.items[i].value = value
        } else {
            dict.items.append((key, value))
        }
    }

    // MARK: The allow-list

    /// Storage classes by name, to their dtypes.
    static let storageTypes: [String: DType] = [
        "FloatStorage": .float32, "DoubleStorage": .float64, "HalfStorage": .float16, "BFloat16Storage": .bfloat16,
        "LongStorage": .int64, "IntStorage": .int32, "ShortStorage": .int16, "CharStorage": .int8,
        "ByteStorage": .uint8, "BoolStorage": .bool,
        "ComplexFloatStorage": .complex64, "ComplexDoubleStorage": .complex128,
        // torch.save writes dtypes without a typed storage class (float8, uint16/32/64) as bytes of an
        // untyped storage, rebuilt by `_rebuild_tensor_v3` with the dtype.
        "UntypedStorage": .uint8,
    ]

    /// The tensor classes of PyTorch before 0.4, named (never called) by tar checkpoints.
    static let legacyTensorTypes: Set<String> = [
        "FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor", "ShortTensor", "CharTensor", "ByteTensor",
    ]

    /// `torch.<name>` dtype globals, which `_rebuild_tensor_v3` receives.
    static let dtypeGlobals: [String: DType] = [
        "float32": .float32, "float64": .float64, "float16": .float16, "bfloat16": .bfloat16, "int64": .int64,
        "int32": .int32, "int16": .int16, "int8": .int8, "uint8": .uint8, "bool": .bool,
        "float": .float32, "double": .float64, "half": .float16, "long": .int64, "int": .int32, "short": .int16,
        "float8_e4m3fn": .float8e4m3fn, "float8_e5m2": .float8e5m2,
        "complex64": .complex64, "complex128": .complex128, "cfloat": .complex64, "cdouble": .complex128,
        "uint16": .uint16, "uint32": .uint32, "uint64": .uint64,
    ]

    private static let callables: Set<String> = [
        "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter",
        "torch._utils._rebuild_parameter_with_state", "torch._tensor._rebuild_from_type_v2", "torch.Size",
        "torch._utils._rebuild_tensor_v3",
        "torch.device", "_codecs.encode", "builtins.set", "builtins.frozenset", "builtins.bytearray",
        "__builtin__.set", "torch.nn.parameter.Parameter", "torch.Tensor", "torch._utils._rebuild_device_tensor_from_numpy",
    ]

    private func global(_ module: String, _ name: String) throws -> Value {
        let qualified = "\(module).\(name)"
        if module == "torch", Self.storageTypes[name] != nil || Self.dtypeGlobals[name] != nil {
            return .global(module: module, name: name)
        }
        if qualified == "torch.storage.UntypedStorage" { return .global(module: module, name: name) }
        if legacyTypeNames, module == "torch" || module == "torch.cuda",
            Self.storageTypes[name] != nil || Self.legacyTensorTypes.contains(name)
        {
            return .global(module: module, name: name)
        }
        guard Self.callables.contains(qualified), qualified != "torch._utils._rebuild_device_tensor_from_numpy" else {
            throw CheckpointError(
                .forbiddenGlobal, file: file,
                "the pickle asks for the global '\(qualified)', which is not on the allow-list of data-only types (as torch.load(weights_only=True))")
        }
        return .global(module: module, name: name)
    }

    private func call(_ callable: Value, _ args: [Value]) throws -> Value {
        guard case .global(let module, let name) = callable else { throw fail("calling a value that is not an allowed global") }
        switch "\(module).\(name)" {
        case "collections.OrderedDict":
            let dict = DictBox()
            if case .list(let pairs)? = args.first {
                for pair in pairs.items {
                    guard case .tuple(let kv) = pair, kv.count == 2 else { throw fail("OrderedDict items are not pairs") }
                    try set(dict, kv[0], kv[1])
                }
            }
            return .dict(dict)
        case "torch._utils._rebuild_tensor_v2":
            guard args.count >= 4, case .storage(let storage) = args[0], case .int(let offset) = args[1],
                case .tuple(let size) = args[2], case .tuple(let stride) = args[3]
            else { throw fail("_rebuild_tensor_v2 with unexpected arguments") }
            return .tensor(TensorRef(storage: storage, offset: Int(offset), shape: try ints(size), strides: try ints(stride)))
        case "torch._utils._rebuild_tensor_v3":
            // (storage, offset, size, stride, requires_grad, backward_hooks, dtype[, metadata])
            guard args.count >= 7, case .storage(let storage) = args[0], case .int(let offset) = args[1],
                case .tuple(let size) = args[2], case .tuple(let stride) = args[3],
                case .global("torch", let dtypeName) = args[6]
            else { throw fail("_rebuild_tensor_v3 with unexpected arguments") }
            guard let dtype = Self.dtypeGlobals[dtypeName] else {
                throw CheckpointError(.unsupportedDType, file: file, "dtype torch.\(dtypeName) is not supported")
            }
            // Byte storages are read as 1-byte dtypes and as uint16/32/64, the wider dtypes
            // torch.save writes untyped (the others have typed storages); the resolver copies a
            // byte storage that is not aligned for the wider dtype.
            guard storage.dtype == dtype || (storage.dtype == .uint8 && (dtype.itemSize == 1 || dtype.isBarebonesUnsigned)) else {
                throw CheckpointError(.unsupportedDType, file: file, "_rebuild_tensor_v3 of \(dtype) over a \(storage.dtype) storage")
            }
            return .tensor(
                TensorRef(storage: storage, dtype: dtype, offset: Int(offset), shape: try ints(size), strides: try ints(stride)))
        case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state":
            guard let data = args.first else { throw fail("\(name) without data") }
            return data
        case "torch._tensor._rebuild_from_type_v2":
            guard args.count >= 3, case .tuple(let inner) = args[2] else { throw fail("_rebuild_from_type_v2 with unexpected arguments") }
            return try call(args[0], inner)
        case "torch.nn.parameter.Parameter", "torch.Tensor":
            guard let data = args.first else { throw fail("\(name) without data") }
            return data
        case "torch.Size":
            guard case .tuple(let dims)? = args.first else { return .tuple([]) }
            return .tuple(dims)
        case "torch.device":
            return args.first ?? .string("cpu")
        case "_codecs.encode":
            guard case .string(let text)? = args.first else { throw fail("_codecs.encode without a string") }
            return .bytes(text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) })
        case "builtins.set", "builtins.frozenset", "__builtin__.set":
            let list = ListBox()
            if case .list(let items)? = args.first { list.items = items.items }
            return .list(list)
        case "builtins.bytearray":
            if case .bytes(let b)? = args.first { return .bytes(b) }
            return .bytes([])
        default:
            throw CheckpointError(.forbiddenGlobal, file: file, "'\(module).\(name)' cannot be called")
        }
    }

    private func build(_ target: Value, _ state: Value) throws {
        switch target {
        case .dict, .tensor, .list:
            // OrderedDict's attributes (a state dict's `_metadata`) and Parameter state carry
            // nothing a tensor needs.
            return
        default:
            throw fail("BUILD on a value that takes no state")
        }
    }

    private func ints(_ values: [Value]) throws -> [Int] {
        try values.map {
            guard case .int(let v) = $0, v >= 0, v <= Int64(Int32.max) * 1024 else { throw fail("bad size or stride entry") }
            return Int(v)
        }
    }
}

import Foundation

/// A small data-only pickle reader for the dataset files torchvision opens with
/// `pickle.load(f, encoding="latin1")`: CIFAR's batches and metadata.
///
/// It understands protocols 2 to 5 (Python 2's `str` included, kept as bytes), dicts, lists,
/// tuples, numbers, strings and NumPy arrays, and nothing else: like Core's checkpoint
/// unpickler it calls no code, and refuses every global except the few NumPy and codec
/// functions that rebuild an array (`numpy[._]core.multiarray._reconstruct`, `numpy.ndarray`,
/// `numpy.dtype`, `numpy[._]core.numeric._frombuffer`, `_codecs.encode`). (Core's `Unpickler` is
/// bound to torch's storages and internal to Core; NumPy's reduce protocol is all this needs.)
struct PickleReader {
    /// A decoded value.
    indirect enum Value {
        case none, bool(Bool), int(Int), float(Double), string(String), bytes([UInt8])
        case list(Box), tuple([Value]), dict(DictBox)
        case global(String)
        /// A NumPy dtype: its type string (`"u1"`, `"i8"`...) and byte order (`"<"`, `">"`, `"|"`).
        case dtype(String, order: String)
        /// An array waiting for its BUILD state (`_reconstruct`'s result).
        case emptyArray
        case array(NumPyArray)

        var text: String? {
            switch self {
            case .string(let s): return s
            case .bytes(let b):  // a Python 2 str, decoded as latin-1 (torchvision's encoding="latin1")
                var scalars = String.UnicodeScalarView()
                scalars.append(contentsOf: b.map { Unicode.Scalar($0) })
                return String(scalars)
            default: return nil
            }
        }
    }

    final class Box { var items: [Value] = [] }
    final class DictBox { var items: [(key: Value, value: Value)] = [] }

    /// A NumPy array's raw contents.
    struct NumPyArray {
        var shape: [Int]
        var type: String  // "u1", "i8", "f4"...
        var littleEndian: Bool
        var fortranOrder: Bool
        var data: [UInt8]
    }

    struct Failure: Error { var detail: String }

    private let bytes: [UInt8]
    private var position = 0
    private var stack: [Value] = []
    private var marks: [Int] = []
    private var memo: [Int: Value] = [:]

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Decodes one pickle; throws `Failure` on anything unexpected.
    static func load(_ bytes: [UInt8]) throws -> Value {
        var reader = PickleReader(bytes)
        return try reader.run()
    }

    private mutating func run() throws -> Value {
        while true {
            let op = try take(1)[0]
            switch op {
            case 0x80: _ = try take(1)  // PROTO
            case 0x95: _ = try take(8)  // FRAME
            case 0x2E: return try pop()  // STOP
            case 0x28: marks.append(stack.count)  // MARK
            case 0x30: _ = try pop()  // POP
            case 0x31: _ = try popMark()  // POP_MARK
            case 0x4E: stack.append(.none)
            case 0x88: stack.append(.bool(true))
            case 0x89: stack.append(.bool(false))
            case 0x4A: stack.append(.int(Int(Int32(bitPattern: UInt32(truncatingIfNeeded: try uint(4))))))  // BININT
            case 0x4B: stack.append(.int(Int(try uint(1))))  // BININT1
            case 0x4D: stack.append(.int(Int(try uint(2))))  // BININT2
            case 0x8A: stack.append(.int(try long(Int(try uint(1)))))  // LONG1
            case 0x47: stack.append(.float(Double(bitPattern: UInt64(try take(8).reduce(0) { $0 << 8 | UInt64($1) }))))  // BINFLOAT
            case 0x55: stack.append(.bytes(try take(Int(try uint(1)))))  // SHORT_BINSTRING (Python 2 str)
            case 0x54: stack.append(.bytes(try take(Int(try uint(4)))))  // BINSTRING
            case 0x43: stack.append(.bytes(try take(Int(try uint(1)))))  // SHORT_BINBYTES
            case 0x42: stack.append(.bytes(try take(Int(try uint(4)))))  // BINBYTES
            case 0x8E, 0x96: stack.append(.bytes(try take(Int(try uint(8)))))  // BINBYTES8, BYTEARRAY8
            case 0x8C: stack.append(.string(try utf8(Int(try uint(1)))))  // SHORT_BINUNICODE
            case 0x58: stack.append(.string(try utf8(Int(try uint(4)))))  // BINUNICODE
            case 0x8D: stack.append(.string(try utf8(Int(try uint(8)))))  // BINUNICODE8
            case 0x5D: stack.append(.list(Box()))  // EMPTY_LIST
            case 0x7D: stack.append(.dict(DictBox()))  // EMPTY_DICT
            case 0x29: stack.append(.tuple([]))  // EMPTY_TUPLE
            case 0x74: stack.append(.tuple(try popMark()))  // TUPLE
            case 0x85: stack.append(.tuple([try pop()]))  // TUPLE1
            case 0x86:  // TUPLE2
                let b = try pop(), a = try pop()
                stack.append(.tuple([a, b]))
            case 0x87:  // TUPLE3
                let c = try pop(), b = try pop(), a = try pop()
                stack.append(.tuple([a, b, c]))
            case 0x6C:  // LIST
                let box = Box()
                box.items = try popMark()
                stack.append(.list(box))
            case 0x64:  // DICT
                let items = try popMark(), box = DictBox()
                guard items.count % 2 == 0 else { throw Failure(detail: "DICT with an odd number of items") }
                for i in stride(from: 0, to: items.count, by: 2) { box.items.append((items[i], items[i + 1])) }
                stack.append(.dict(box))
            case 0x61:  // APPEND
                let value = try pop()
                guard case .list(let box) = stack.last else { throw Failure(detail: "APPEND to a non-list") }
                box.items.append(value)
            case 0x65:  // APPENDS
                let values = try popMark()
                guard case .list(let box) = stack.last else { throw Failure(detail: "APPENDS to a non-list") }
                box.items += values
            case 0x73:  // SETITEM
                let value = try pop(), key = try pop()
                guard case .dict(let box) = stack.last else { throw Failure(detail: "SETITEM on a non-dict") }
                box.items.append((key, value))
            case 0x75:  // SETITEMS
                let items = try popMark()
                guard case .dict(let box) = stack.last, items.count % 2 == 0 else { throw Failure(detail: "bad SETITEMS") }
                for i in stride(from: 0, to: items.count, by: 2) { box.items.append((items[i], items[i + 1])) }
            case 0x71: memo[Int(try uint(1))] = try top()  // BINPUT
            case 0x72: memo[Int(try uint(4))] = try top()  // LONG_BINPUT
            case 0x94: memo[memo.count] = try top()  // MEMOIZE
            case 0x68, 0x6A:  // BINGET, LONG_BINGET
                let key = Int(try uint(op == 0x68 ? 1 : 4))
                guard let value = memo[key] else { throw Failure(detail: "memo \(key) is empty") }
                stack.append(value)
            case 0x63:  // GLOBAL "module\nname\n"
                let module = try line(), name = try line()
                stack.append(.global(try allowed(module + "." + name)))
            case 0x93:  // STACK_GLOBAL
                let name = try pop(), module = try pop()
                guard case .string(let n) = name, case .string(let m) = module else { throw Failure(detail: "STACK_GLOBAL needs strings") }
                stack.append(.global(try allowed(m + "." + n)))
            case 0x52, 0x81:  // REDUCE, NEWOBJ
                let args = try pop(), callable = try pop()
                guard case .tuple(let arguments) = args, case .global(let name) = callable else { throw Failure(detail: "bad REDUCE") }
                stack.append(try call(name, arguments))
            case 0x62:  // BUILD
                let state = try pop(), object = try pop()
                stack.append(try build(object, state))
            default:
                throw Failure(detail: String(format: "unsupported pickle opcode 0x%02x at byte %d", op, position - 1))
            }
        }
    }

    // MARK: NumPy's reduce protocol

    private static let globals: Set<String> = [
        "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct", "numpy.ndarray", "numpy.dtype",
        "numpy.core.numeric._frombuffer", "numpy._core.numeric._frombuffer", "_codecs.encode",
    ]

    private func allowed(_ name: String) throws -> String {
        guard Self.globals.contains(name) else { throw Failure(detail: "the pickle asks for '\(name)', which a data file should not need") }
        return name
    }

    private func call(_ name: String, _ args: [Value]) throws -> Value {
        switch name {
        case "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct": return .emptyArray
        case "numpy.dtype":
            guard case .string(let type)? = args.first else { throw Failure(detail: "numpy.dtype without a type string") }
            return .dtype(type, order: "|")
        case "_codecs.encode":  // Python 3 bytes in protocol 2: encode(latin-1 text, "latin1")
            guard case .string(let text)? = args.first else { throw Failure(detail: "_codecs.encode without text") }
            var out: [UInt8] = []
            out.reserveCapacity(text.unicodeScalars.count)
            for scalar in text.unicodeScalars {
                guard scalar.value < 256 else { throw Failure(detail: "_codecs.encode: text is not latin-1") }
                out.append(UInt8(scalar.value))
            }
            return .bytes(out)
        case "numpy.core.numeric._frombuffer", "numpy._core.numeric._frombuffer":  // (buffer, dtype, shape, order)
            guard args.count == 4, case .bytes(let data) = args[0], case .dtype(let type, let order) = args[1],
                case .tuple(let dims) = args[2], let orderText = args[3].text
            else { throw Failure(detail: "_frombuffer with unexpected arguments") }
            return .array(NumPyArray(shape: try ints(dims), type: type, littleEndian: order != ">", fortranOrder: orderText == "F", data: data))
        default: throw Failure(detail: "'\(name)' cannot be called")
        }
    }

    private func build(_ object: Value, _ state: Value) throws -> Value {
        guard case .tuple(let s) = state else { throw Failure(detail: "BUILD state is not a tuple") }
        switch object {
        case .dtype(let type, _):
            // (version, byte order, subarray, names, fields, elsize, alignment, flags)
            guard s.count >= 2, case .string(let order) = s[1] else { throw Failure(detail: "unexpected dtype state") }
            return .dtype(type, order: order)
        case .emptyArray:
            // (version, shape, dtype, is_fortran, raw data)
            guard s.count == 5, case .tuple(let dims) = s[1], case .dtype(let type, let order) = s[2],
                case .bool(let fortran) = s[3], case .bytes(let data) = s[4]
            else { throw Failure(detail: "unexpected ndarray state (object arrays are not supported)") }
            let little = order == "<" || order == "|" || (order == "=" && 1.littleEndian == 1)
            return .array(NumPyArray(shape: try ints(dims), type: type, littleEndian: little, fortranOrder: fortran, data: data))
        default: throw Failure(detail: "BUILD on an unsupported object")
        }
    }

    private func ints(_ values: [Value]) throws -> [Int] {
        try values.map {
            guard case .int(let v) = $0, v >= 0 else { throw Failure(detail: "bad array shape") }
            return v
        }
    }

    // MARK: Reading

    private mutating func take(_ n: Int) throws -> [UInt8] {
        guard n >= 0, n <= bytes.count - position else { throw Failure(detail: "the pickle ends early (at byte \(bytes.count), wanted \(n) more at \(position))") }
        defer { position += n }
        return Array(bytes[position..<(position + n)])
    }

    private mutating func uint(_ n: Int) throws -> UInt64 {
        try take(n).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    private mutating func long(_ n: Int) throws -> Int {
        guard n <= 8 else { throw Failure(detail: "integer too large") }
        let raw = try take(n)
        if n == 0 { return 0 }
        var value = raw.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        if raw[n - 1] & 0x80 != 0 && n < 8 { value |= ~UInt64(0) << (8 * n) }
        return Int(Int64(bitPattern: value))
    }

    private mutating func utf8(_ n: Int) throws -> String {
        guard let s = String(bytes: try take(n), encoding: .utf8) else { throw Failure(detail: "invalid UTF-8 string") }
        return s
    }

    private mutating func line() throws -> String {
        guard let end = bytes[position...].firstIndex(of: 0x0A) else { throw Failure(detail: "the pickle ends inside a GLOBAL") }
        defer { position = end + 1 }
        return String(decoding: bytes[position..<end], as: UTF8.self)
    }

    private mutating func pop() throws -> Value {
        guard let value = stack.popLast() else { throw Failure(detail: "stack underflow") }
        return value
    }

    private func top() throws -> Value {
        guard let value = stack.last else { throw Failure(detail: "stack underflow") }
        return value
    }

    private mutating func popMark() throws -> [Value] {
        guard let mark = marks.popLast(), mark <= stack.count else { throw Failure(detail: "missing MARK") }
        defer { stack.removeSubrange(mark...) }
        return Array(stack[mark...])
    }
}

extension PickleReader.Value {
    /// The value under a string key of a dict (Python 2 `str` keys included).
    subscript(key: String) -> PickleReader.Value? {
        guard case .dict(let box) = self else { return nil }
        return box.items.first { $0.key.text == key }?.value
    }
}

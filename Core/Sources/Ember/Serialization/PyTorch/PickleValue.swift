/// A value read from a PyTorch checkpoint's pickle: tensors, and the plain Python values
/// around them (`{"model": {...}, "optimizer": {...}, "epoch": 3}`), as a tree to walk.
public indirect enum PickleValue: @unchecked Sendable, CustomStringConvertible {
    case none
    case bool(Bool)
    case int(Int64)
    /// An integer wider than 64 bits, as little-endian two's-complement bytes.
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case list([PickleValue])
    case tuple([PickleValue])
    /// A dict or OrderedDict, in insertion order.
    case dict([(key: PickleValue, value: PickleValue)])
    case tensor(Tensor)
    /// A reference to an allow-listed Python global that is a value, e.g. `torch.float32`.
    case global(String)

    /// The value stored under a string key of a dict.
    public subscript(key: String) -> PickleValue? {
        guard case .dict(let items) = self else { return nil }
        return items.first { if case .string(key) = $0.key { return true } else { return false } }?.value
    }

    public var tensorValue: Tensor? { if case .tensor(let t) = self { return t } else { return nil } }
    public var intValue: Int64? { if case .int(let v) = self { return v } else { return nil } }
    public var doubleValue: Double? {
        switch self {
        case .float(let v): return v
        case .int(let v): return Double(v)
        default: return nil
        }
    }
    public var stringValue: String? { if case .string(let v) = self { return v } else { return nil } }

    /// Every tensor in the tree with a dotted path (`model.layer.weight`, `list.0`), the
    /// way a nested state dict is flattened.
    public func flattenedTensors(prefix: String = "") -> [(name: String, tensor: Tensor)] {
        func join(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }
        switch self {
        case .tensor(let t): return [(prefix, t)]
        case .dict(let items):
            return items.flatMap { item -> [(name: String, tensor: Tensor)] in
                let key: String
                switch item.key {
                case .string(let s): key = s
                case .int(let i): key = String(i)
                default: key = item.key.description
                }
                return item.value.flattenedTensors(prefix: join(key))
            }
        case .list(let values), .tuple(let values):
            return values.enumerated().flatMap { $0.element.flattenedTensors(prefix: join(String($0.offset))) }
        default: return []
        }
    }

    public var description: String {
        switch self {
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .bigInt(let bytes): return "<int of \(bytes.count) bytes>"
        case .float(let d): return String(d)
        case .string(let s): return "'\(s)'"
        case .bytes(let b): return "b<\(b.count) bytes>"
        case .list(let v): return "[" + v.map(\.description).joined(separator: ", ") + "]"
        case .tuple(let v): return "(" + v.map(\.description).joined(separator: ", ") + (v.count == 1 ? ",)" : ")")
        case .dict(let items): return "{" + items.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        case .tensor(let t): return "tensor(shape: \(t.shape), dtype: \(t.dtype))"
        case .global(let name): return name
        }
    }
}

/// The dtype names of the safetensors format and their Ember dtypes.
enum SafetensorsDType {
    static func dtype(for name: String) -> DType? {
        switch name {
        case "F64": return .float64
        case "F32": return .float32
        case "F16": return .float16
        case "BF16": return .bfloat16
        case "I64": return .int64
        case "I32": return .int32
        case "I16": return .int16
        case "I8": return .int8
        case "U8": return .uint8
        case "BOOL": return .bool
        case "F8_E4M3": return .float8e4m3fn
        case "F8_E5M2": return .float8e5m2
        case "C64": return .complex64
        case "U16": return .uint16
        case "U32": return .uint32
        case "U64": return .uint64
        default: return nil
        }
    }

    static func name(for dtype: DType) -> String {
        switch dtype {
        case .float64: return "F64"
        case .float32: return "F32"
        case .float16: return "F16"
        case .bfloat16: return "BF16"
        case .int64: return "I64"
        case .int32: return "I32"
        case .int16: return "I16"
        case .int8: return "I8"
        case .uint8: return "U8"
        case .bool: return "BOOL"
        case .float8e4m3fn: return "F8_E4M3"
        case .float8e5m2: return "F8_E5M2"
        case .complex64: return "C64"
        case .uint16: return "U16"
        case .uint32: return "U32"
        case .uint64: return "U64"
        case .complex128:
            // The format has no complex128 (the Python library raises KeyError on it too);
            // `Safetensors.save` throws before reaching here.
            preconditionFailure("safetensors: the format has no dtype for complex128 (save complex64, or the real view: viewAsReal())")
        }
    }

    /// The rank the Python/Rust writer sorts by (its dtype enum's declaration order): tensors
    /// are written from the highest rank down, then by name.
    static func writeRank(_ dtype: DType) -> Int {
        switch dtype {
        case .bool: return 0
        case .uint8: return 1
        case .int8: return 2
        case .float8e5m2: return 3
        case .float8e4m3fn: return 4
        case .int16: return 5
        case .uint16: return 6
        case .float16: return 7
        case .bfloat16: return 8
        case .int32: return 9
        case .uint32: return 10
        case .float32: return 11
        case .complex64: return 12
        case .float64: return 13
        case .int64: return 14
        case .uint64: return 15
        case .complex128: return 16
        }
    }
}

/// The element type of a tensor, with PyTorch's names and promotion rules.
///
/// The cases mirror `torch.float32`, `torch.int64`, ... . `complex64` and `complex128` hold
/// interleaved (real, imaginary) pairs of float32/float64 (see `ComplexElement.swift`) and
/// are the highest promotion category, as in PyTorch.
/// The float8 types (`torch.float8_e4m3fn`, `torch.float8_e5m2`) are storage formats: they are
/// read, written, copied, viewed and converted, but ops do no arithmetic on them (see
/// `Float8.swift`).
/// `uint16`, `uint32` and `uint64` are PyTorch's "barebones" unsigned types: they are created,
/// cast, copied, viewed, indexed, sorted and saved, but promote only with floating dtypes and
/// have only the few kernels PyTorch gives them (see `UnsignedElement.swift`).
public enum DType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case float32, float64, float16, bfloat16
    case int64, int32, int16, int8, uint8
    case bool
    case float8e4m3fn = "float8_e4m3fn", float8e5m2 = "float8_e5m2"
    case complex64, complex128
    case uint16, uint32, uint64

    /// PyTorch's default floating dtype (`torch.get_default_dtype()`).
    public static let defaultFloat: DType = .float32

    /// Bytes per element.
    public var itemSize: Int {
        switch self {
        case .complex128: return 16
        case .float64, .int64, .complex64, .uint64: return 8
        case .float32, .int32, .uint32: return 4
        case .float16, .bfloat16, .int16, .uint16: return 2
        case .int8, .uint8, .bool, .float8e4m3fn, .float8e5m2: return 1
        }
    }

    public var isFloatingPoint: Bool {
        switch self {
        case .float32, .float64, .float16, .bfloat16, .float8e4m3fn, .float8e5m2: return true
        default: return false
        }
    }

    /// True for the integer types (bool excluded, as in `torch.is_integral(includeBool: false)`).
    public var isIntegral: Bool {
        switch self {
        case .int64, .int32, .int16, .int8, .uint8, .uint16, .uint32, .uint64: return true
        default: return false
        }
    }

    public var isSigned: Bool { self != .uint8 && self != .bool && !isBarebonesUnsigned }

    /// The name PyTorch prints, e.g. `torch.float32` becomes `float32`.
    public var description: String { rawValue }

    /// The category used by PyTorch's promotion: bool < integral < floating < complex.
    var category: Int {
        if self == .bool { return 0 }
        if isIntegral { return 1 }
        if isComplex { return 3 }
        return 2
    }

    /// `torch.promote_types`: the smallest dtype both operands convert to without losing range.
    public static func promote(_ a: DType, _ b: DType) -> DType {
        if a == b { return a }
        precondition(
            !a.isFloat8 && !b.isFloat8,
            "Promotion for Float8 Types is not supported, attempted to promote \(a.scalarTypeName) and \(b.scalarTypeName)")
        if a.isBarebonesUnsigned || b.isBarebonesUnsigned { return UnsignedSupport.promote(a, b) }
        if a == .bool { return b }
        if b == .bool { return a }
        if a.isComplex || b.isComplex { return promoteComplex(a, b) }
        switch (a.isFloatingPoint, b.isFloatingPoint) {
        case (true, false): return a
        case (false, true): return b
        case (true, true):
            if a == .float64 || b == .float64 { return .float64 }
            // float16 with bfloat16 has no common 16-bit type: PyTorch gives float32.
            return .float32
        case (false, false):
            if a == .uint8 || b == .uint8 {
                let other = a == .uint8 ? b : a
                return other == .int8 ? .int16 : other
            }
            return a.itemSize >= b.itemSize ? a : b
        }
    }
}

/// A Swift number used as an operand, like a Python scalar in PyTorch: it takes part in type
/// promotion only through its category (`float32_tensor * 2.5` stays float32,
/// `int_tensor * 2.5` becomes the default float dtype).
public enum Scalar: Sendable, Hashable, CustomStringConvertible {
    case bool(Bool)
    case int(Int64)
    case double(Double)
    /// A Python `complex` (`1 + 2j`): promotes like PyTorch's wrapped complex numbers, to the
    /// default complex dtype (complex64) or the complex counterpart of a floating tensor.
    case complex(Double, Double)

    /// The dtype PyTorch gives a wrapped Python number of this kind.
    var wrappedDType: DType {
        switch self {
        case .bool: return .bool
        case .int: return .int64
        case .double: return DType.defaultFloat
        case .complex: return DType.defaultFloat.toComplex
        }
    }

    public var doubleValue: Double {
        switch self {
        case .bool(let v): return v ? 1 : 0
        case .int(let v): return Double(v)
        case .double(let v): return v
        case .complex(let re, _): return re
        }
    }

    public var int64Value: Int64 {
        switch self {
        case .bool(let v): return v ? 1 : 0
        case .int(let v): return v
        case .double(let v): return Int64(v)
        case .complex(let re, _): return Int64(re)
        }
    }

    public var description: String {
        switch self {
        case .bool(let v): return v ? "True" : "False"
        case .int(let v): return String(v)
        case .double(let v): return String(v)
        case .complex(let re, let im): return "(\(re)\(im.sign == .minus ? "-" : "+")\(Swift.abs(im))j)"
        }
    }
}

extension Scalar: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral {
    public init(integerLiteral value: Int) { self = .int(Int64(value)) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

/// PyTorch's `result_type` state: dimensioned tensors outrank zero-dimensional tensors, which
/// outrank scalars; a lower rank only matters when its category is higher.
struct ResultTypeState {
    private var dimResult: DType?
    private var zeroDimResult: DType?
    private var scalarResult: DType?

    mutating func add(_ tensor: Tensor) {
        if tensor.dim == 0 {
            zeroDimResult = zeroDimResult.map { DType.promote($0, tensor.dtype) } ?? tensor.dtype
        } else {
            dimResult = dimResult.map { DType.promote($0, tensor.dtype) } ?? tensor.dtype
        }
    }

    mutating func add(_ scalar: Scalar) {
        let dtype = scalar.wrappedDType
        scalarResult = scalarResult.map { DType.promote($0, dtype) } ?? dtype
    }

    private static func combine(_ higher: DType?, _ lower: DType?) -> DType? {
        guard let higher else { return lower }
        guard let lower else { return higher }
        // PyTorch's combine_categories: a complex lower rank keeps a floating higher rank's
        // precision (float64 tensor * 1j is complex128).
        if higher.isComplex { return higher }
        if lower.isComplex { return higher.isFloatingPoint ? higher.toComplex : lower }
        if higher.isFloatingPoint { return higher }
        if higher == .bool || lower.category > higher.category { return DType.promote(higher, lower) }
        return higher
    }

    var result: DType {
        Self.combine(dimResult, Self.combine(zeroDimResult, scalarResult)) ?? DType.defaultFloat
    }
}

/// `torch.result_type` for tensors and Swift scalars.
public func resultType(_ tensors: [Tensor], scalars: [Scalar] = []) -> DType {
    var state = ResultTypeState()
    tensors.forEach { state.add($0) }
    scalars.forEach { state.add($0) }
    return state.result
}

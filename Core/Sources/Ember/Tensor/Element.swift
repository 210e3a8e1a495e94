import ComplexModule
import RealModule

/// A Swift type that can be a tensor's element. Each dtype has exactly one such type:
/// `Float`, `Double`, `Float16`, `BFloat16`, `Int64`, `Int32`, `Int16`, `Int8`, `UInt8`, `Bool`,
/// `Complex<Float>`, `Complex<Double>` (see `ComplexElement.swift`), `UInt16`, `UInt32`, `UInt64`
/// (see `UnsignedElement.swift`).
public protocol TensorElement: Sendable {
    /// The dtype tensors of this element type have.
    static var dtype: DType { get }
    /// Conversion from a double, with PyTorch's C-cast semantics for integer targets
    /// (truncation toward zero).
    init(fromDouble value: Double)
    /// Conversion from an integer, wrapping to the target's width as C casts do.
    init(fromInt64 value: Int64)
    var doubleValue: Double { get }
    var int64Value: Int64 { get }
    /// Conversion from a complex value, as PyTorch casts complex numbers: real types keep the
    /// real part, bool tests both parts for non-zero. Defaults to `init(fromDouble: real)`.
    init(fromReal real: Double, imaginary: Double)
    /// The imaginary part (0 for real types); `doubleValue` is the real part.
    var imaginaryDoubleValue: Double { get }
}

extension TensorElement {
    @inline(__always) public init(fromReal real: Double, imaginary: Double) { self.init(fromDouble: real) }
    @inline(__always) public var imaginaryDoubleValue: Double { 0 }
}

/// Elements that kernels compute on directly (half types are computed as `Float`).
protocol ArithmeticElement: TensorElement, Numeric, Comparable {}

/// Floating elements with the elementary functions (`exp`, `log`, ...).
protocol FloatElement: ArithmeticElement, BinaryFloatingPoint, Real {}

/// Integer elements.
protocol IntegerElement: ArithmeticElement, FixedWidthInteger {}

extension Float: FloatElement {
    public static var dtype: DType { .float32 }
    @inline(__always) public init(fromDouble value: Double) { self = Float(value) }
    @inline(__always) public init(fromInt64 value: Int64) { self = Float(value) }
    @inline(__always) public var doubleValue: Double { Double(self) }
    @inline(__always) public var int64Value: Int64 { truncatingToInt64(Double(self)) }
}

extension Double: FloatElement {
    public static var dtype: DType { .float64 }
    @inline(__always) public init(fromDouble value: Double) { self = value }
    @inline(__always) public init(fromInt64 value: Int64) { self = Double(value) }
    @inline(__always) public var doubleValue: Double { self }
    @inline(__always) public var int64Value: Int64 { truncatingToInt64(self) }
}

extension Float16: TensorElement {
    public static var dtype: DType { .float16 }
    @inline(__always) public init(fromDouble value: Double) { self = Float16(Float(value)) }
    @inline(__always) public init(fromInt64 value: Int64) { self = Float16(Float(value)) }
    @inline(__always) public var doubleValue: Double { Double(self) }
    @inline(__always) public var int64Value: Int64 { truncatingToInt64(Double(self)) }
}

/// Float-to-integer conversion that never traps: NaN becomes 0 and out-of-range values
/// saturate (C leaves these undefined; PyTorch's results vary by platform).
@inline(__always) func truncatingToInt64(_ value: Double) -> Int64 {
    if value.isNaN { return 0 }
    if value >= 9.2233720368547758e18 { return Int64.max }
    if value <= -9.2233720368547758e18 { return Int64.min }
    return Int64(value)
}

/// bfloat16: the upper 16 bits of a float32, rounded to nearest even (as PyTorch rounds).
public struct BFloat16: TensorElement, Hashable, Comparable, CustomStringConvertible {
    public var bitPattern: UInt16

    public init(bitPattern: UInt16) { self.bitPattern = bitPattern }

    @inline(__always) public init(_ value: Float) {
        if value.isNaN {
            bitPattern = 0x7FC0
            return
        }
        let bits = value.bitPattern
        let roundingBias: UInt32 = 0x7FFF + ((bits >> 16) & 1)
        bitPattern = UInt16(truncatingIfNeeded: (bits &+ roundingBias) >> 16)
    }

    @inline(__always) public var floatValue: Float { Float(bitPattern: UInt32(bitPattern) << 16) }

    public static var dtype: DType { .bfloat16 }
    @inline(__always) public init(fromDouble value: Double) { self.init(Float(value)) }
    @inline(__always) public init(fromInt64 value: Int64) { self.init(Float(value)) }
    @inline(__always) public var doubleValue: Double { Double(floatValue) }
    @inline(__always) public var int64Value: Int64 { truncatingToInt64(Double(floatValue)) }
    public static func < (a: BFloat16, b: BFloat16) -> Bool { a.floatValue < b.floatValue }
    public var description: String { floatValue.description }
}

extension Int64: IntegerElement {
    public static var dtype: DType { .int64 }
    @inline(__always) public init(fromDouble value: Double) { self = truncatingToInt64(value) }
    @inline(__always) public init(fromInt64 value: Int64) { self = value }
    @inline(__always) public var doubleValue: Double { Double(self) }
    @inline(__always) public var int64Value: Int64 { self }
}

extension Int32: IntegerElement {
    public static var dtype: DType { .int32 }
    @inline(__always) public init(fromDouble value: Double) { self = Int32(truncatingIfNeeded: truncatingToInt64(value)) }
    @inline(__always) public init(fromInt64 value: Int64) { self = Int32(truncatingIfNeeded: value) }
    @inline(__always) public var doubleValue: Double { Double(self) }
    @inline(__always) public var int64Value: Int64 { Int64(self) }
}

extension Int16: IntegerElement {
    public static var dtype: DType { .int16 }
    @inline(__always) public init(fromDouble value: Double) { self = Int16(truncatingIfNeeded: truncatingToInt64(value)) }
    @inline(__always) public init(fromInt64 value: Int64) { self = Int16(truncatingIfNeeded: value) }
    @inline(__always) public var doubleValue: Double { Double(self) }
    @inline(__always) public var int64Value: Int64 { Int64(self) }
}

extension Int8: IntegerElement {
    public static var dtype: DType { .int8 }
    @inline(__always) public init(fromDouble value: Double) { self = Int8(truncatingIfNeeded: truncatingToInt64(value)) }
    @inline(__always) public init(fromInt64 value: Int64) { self = Int8(truncatingIfNeeded: value) }
    @inline(__always) public var doubleValue: Double { Double(self) }
    @inline(__always) public var int64Value: Int64 { Int64(self) }
}

extension UInt8: IntegerElement {
    public static var dtype: DType { .uint8 }
    @inline(__always) public init(fromDouble value: Double) { self = UInt8(truncatingIfNeeded: truncatingToInt64(value)) }
    @inline(__always) public init(fromInt64 value: Int64) { self = UInt8(truncatingIfNeeded: value) }
    @inline(__always) public var doubleValue: Double { Double(self) }
    @inline(__always) public var int64Value: Int64 { Int64(self) }
}

extension Bool: TensorElement {
    public static var dtype: DType { .bool }
    @inline(__always) public init(fromDouble value: Double) { self = value != 0 }
    @inline(__always) public init(fromInt64 value: Int64) { self = value != 0 }
    @inline(__always) public var doubleValue: Double { self ? 1 : 0 }
    @inline(__always) public var int64Value: Int64 { self ? 1 : 0 }
    @inline(__always) public init(fromReal real: Double, imaginary: Double) { self = real != 0 || imaginary != 0 }
}

/// Calls the visitor's generic method with the Swift element type of a dtype: the one place
/// where a dtype becomes a type, so every kernel is generic and specialised per element type.
protocol DTypeVisitor {
    associatedtype Result
    func visit<T: TensorElement>(_ type: T.Type) -> Result
    /// True for visitors that only move or convert elements (casts, fills), the only work
    /// float8 tensors support; any other visitor stops on a float8 dtype with a message that
    /// names its op (`Float8Support.require`).
    static var handlesFloat8: Bool { get }
    /// True for visitors that accept `Complex<Float>` and `Complex<Double>` (casts, fills, the
    /// elementwise kernels, which check their op); any other visitor stops on a complex dtype
    /// with PyTorch's "not implemented for 'ComplexFloat'" message (`ComplexSupport.require`).
    static var handlesComplex: Bool { get }
    /// True for visitors that accept `UInt16`, `UInt32` and `UInt64` (casts, fills, and the
    /// kernels that check their op against PyTorch's short list); any other visitor stops on
    /// those dtypes with PyTorch's "not implemented for 'UInt16'" message (`UnsignedSupport`).
    static var handlesUnsigned: Bool { get }
}

extension DTypeVisitor {
    static var handlesFloat8: Bool { false }
    static var handlesComplex: Bool { false }
    static var handlesUnsigned: Bool { false }
}

extension DType {
    func visit<V: DTypeVisitor>(_ visitor: V) -> V.Result {
        switch self {
        case .float32: return visitor.visit(Float.self)
        case .float64: return visitor.visit(Double.self)
        case .float16: return visitor.visit(Float16.self)
        case .bfloat16: return visitor.visit(BFloat16.self)
        case .int64: return visitor.visit(Int64.self)
        case .int32: return visitor.visit(Int32.self)
        case .int16: return visitor.visit(Int16.self)
        case .int8: return visitor.visit(Int8.self)
        case .uint8: return visitor.visit(UInt8.self)
        case .bool: return visitor.visit(Bool.self)
        case .float8e4m3fn:
            Float8Support.require(visitor, self)
            return visitor.visit(Float8E4M3FN.self)
        case .float8e5m2:
            Float8Support.require(visitor, self)
            return visitor.visit(Float8E5M2.self)
        case .complex64:
            ComplexSupport.require(visitor, self)
            return visitor.visit(Complex<Float>.self)
        case .complex128:
            ComplexSupport.require(visitor, self)
            return visitor.visit(Complex<Double>.self)
        case .uint16:
            UnsignedSupport.require(visitor, self)
            return visitor.visit(UInt16.self)
        case .uint32:
            UnsignedSupport.require(visitor, self)
            return visitor.visit(UInt32.self)
        case .uint64:
            UnsignedSupport.require(visitor, self)
            return visitor.visit(UInt64.self)
        }
    }
}

// Complex tensors hold swift-numerics' `Complex` values; re-exported so that
// `Tensor([Complex(1, 2)])` and `tensor.item(Complex<Float>.self)` need no second import.
@_exported import ComplexModule
import RealModule

/// The complex dtypes (`torch.complex64`, `torch.complex128`): elements are (real, imaginary)
/// pairs of float32/float64 stored next to each other, so a complex tensor's bytes are those
/// of a real tensor with a trailing dimension of 2 (`viewAsReal`).
///
/// The Swift element type is swift-numerics' `Complex<Float>` / `Complex<Double>`. Kernels read
/// and write the raw components (`rawStorage`), never `real`/`imaginary` or `==`, whose
/// "one point at infinity" semantics differ from IEEE and from PyTorch's `c10::complex`.

/// The component types of the complex element types: `Float` (complex64) and `Double`
/// (complex128).
public protocol ComplexComponent: TensorElement, BinaryFloatingPoint, Real {
    /// The dtype of `Complex<Self>` tensors.
    static var complexDType: DType { get }
}

extension Float: ComplexComponent {
    public static var complexDType: DType { .complex64 }
}

extension Double: ComplexComponent {
    public static var complexDType: DType { .complex128 }
}

extension Complex: TensorElement where RealType: ComplexComponent {
    public static var dtype: DType { RealType.complexDType }
    /// A real value becomes (value, 0).
    @inline(__always) public init(fromDouble value: Double) { self.init(RealType(fromDouble: value), 0) }
    @inline(__always) public init(fromInt64 value: Int64) { self.init(RealType(fromInt64: value), 0) }
    @inline(__always) public init(fromReal real: Double, imaginary: Double) {
        self.init(RealType(fromDouble: real), RealType(fromDouble: imaginary))
    }
    /// The real part, as PyTorch converts complex to real types (the imaginary part is dropped).
    @inline(__always) public var doubleValue: Double { Double(rawStorage.x) }
    @inline(__always) public var int64Value: Int64 { truncatingToInt64(Double(rawStorage.x)) }
    @inline(__always) public var imaginaryDoubleValue: Double { Double(rawStorage.y) }
}

extension DType {
    /// True for `complex64` and `complex128` (`dtype.is_complex`).
    public var isComplex: Bool { self == .complex64 || self == .complex128 }

    /// The real dtype of a complex dtype's components (complex64 → float32, complex128 →
    /// float64; PyTorch's `toRealValueType`); other dtypes are returned unchanged.
    public var toReal: DType {
        switch self {
        case .complex64: return .float32
        case .complex128: return .float64
        default: return self
        }
    }

    /// The complex dtype with this floating dtype's components (float32 → complex64, float64 →
    /// complex128; PyTorch's `toComplexType`); complex dtypes are returned unchanged.
    /// float16 would be complex32 (ComplexHalf), which Ember does not have.
    public var toComplex: DType {
        switch self {
        // bfloat16 has float32's range, so PyTorch maps it to complex64 too.
        case .float32, .bfloat16, .complex64: return .complex64
        case .float64, .complex128: return .complex128
        default:
            preconditionFailure(
                "toComplex: no complex dtype with \(self) components (Ember has complex64 and complex128; ComplexHalf is not supported)")
        }
    }

    /// `torch.promote_types` when one side is complex: complex wins, with float64 precision
    /// if either side has it (complex64 with float64 is complex128).
    static func promoteComplex(_ a: DType, _ b: DType) -> DType {
        let wide = a == .complex128 || b == .complex128 || a == .float64 || b == .float64
        return wide ? .complex128 : .complex64
    }
}

/// The guard that keeps complex tensors out of kernels without a complex implementation.
enum ComplexSupport {
    /// PyTorch's message for an op without a complex kernel.
    static func unsupported(_ op: String, _ dtype: DType) -> String {
        "\(op): \"\(op)_cpu\" not implemented for '\(dtype.scalarTypeName)'"
    }

    /// Stops unless `visitor` declares `DTypeVisitor.handlesComplex`.
    @inline(__always)
    static func require<V: DTypeVisitor>(_ visitor: V, _ dtype: DType) {
        if !V.handlesComplex { preconditionFailure(unsupported(Float8Support.opName(visitor), dtype)) }
    }

    /// Stops with the "not implemented" message when `tensor` is complex (for ops that check
    /// before dispatching).
    @inline(__always)
    static func reject(_ tensor: Tensor, _ op: String) {
        if tensor.dtype.isComplex { preconditionFailure(unsupported(op, tensor.dtype)) }
    }
}

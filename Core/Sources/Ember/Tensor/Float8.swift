/// The 8-bit floating formats of the OCP FP8 specification, as PyTorch stores them
/// (`torch.float8_e4m3fn`, `torch.float8_e5m2`; safetensors `F8_E4M3`, `F8_E5M2`).
///
/// Ember treats them as PyTorch's CPU backend mostly does: storage formats. Tensors of these
/// dtypes load and save, view, reshape, copy and clone, and convert to and from the other
/// dtypes with PyTorch's exact roundings; arithmetic, reductions and matrix products stop
/// with a message naming the op (convert with `.to(.float32)` first).

/// float8 e4m3fn: sign, 4 exponent bits (bias 7), 3 mantissa bits. "fn": finite with NaN —
/// no infinities, and only S.1111.111 is NaN, so the largest magnitude is 448.
public struct Float8E4M3FN: TensorElement, Hashable, CustomStringConvertible {
    /// The byte as stored. Equality and hashing compare bytes (so +0 and -0 differ).
    public var bitPattern: UInt8

    public init(bitPattern: UInt8) { self.bitPattern = bitPattern }

    /// Rounds to nearest even as PyTorch (c10's `fp8e4m3fn_from_fp32_value`): magnitudes that
    /// round to 480 or more, infinities included, become NaN (the format does not saturate).
    public init(_ value: Float) {
        var bits = value.bitPattern
        let sign = bits & 0x8000_0000
        bits ^= sign
        let result: UInt32
        if bits >= 0x43F0_0000 {  // 480: past the largest finite value once rounded; NaN, inf
            result = 0x7F
        } else if bits < 121 << 23 {
            // Below 2^-6, subnormal in e4m3: the ulp of 2^14 in float32 is 2^-9, e4m3's
            // smallest subnormal, so adding 2^14 rounds to nearest even in hardware and leaves
            // the result's bits at the bottom.
            let magic = Float(bitPattern: 141 << 23)
            result = (Float(bitPattern: bits) + magic).bitPattern &- magic.bitPattern
        } else {
            let odd = (bits >> 20) & 1
            result = (bits &+ (UInt32(bitPattern: Int32(7 - 127)) << 23) &+ 0x7FFFF &+ odd) >> 20
        }
        bitPattern = UInt8(truncatingIfNeeded: result) | UInt8(truncatingIfNeeded: sign >> 24)
    }

    /// The exact value (c10's `fp8e4m3fn_to_fp32_value`, bit for bit: NaN is 0x7FF00000
    /// with the byte's sign).
    public var floatValue: Float {
        let w = UInt32(bitPattern) << 24
        let sign = w & 0x8000_0000
        let nonsign = w & 0x7FFF_FFFF
        var shift = UInt32(nonsign.leadingZeroBitCount)
        shift = shift > 4 ? shift - 4 : 0
        let infNaN = UInt32(bitPattern: Int32(bitPattern: nonsign &+ 0x0100_0000) >> 8) & 0x7F80_0000
        let zero = UInt32(bitPattern: Int32(bitPattern: nonsign &- 1) >> 31)
        let magnitude = (((nonsign << shift) >> 4) &+ ((0x78 &- shift) << 23)) | infNaN
        return Float(bitPattern: sign | (magnitude & ~zero))
    }

    public static var dtype: DType { .float8e4m3fn }
    /// Through float32 first, as PyTorch converts doubles (two roundings).
    public init(fromDouble value: Double) { self.init(Float(value)) }
    public init(fromInt64 value: Int64) { self.init(Float(value)) }
    public var doubleValue: Double { Double(floatValue) }
    public var int64Value: Int64 { truncatingToInt64(Double(floatValue)) }
    public var description: String { floatValue.description }
}

/// float8 e5m2: sign, 5 exponent bits (bias 15), 2 mantissa bits — the upper byte of an IEEE
/// float16, with infinities and NaNs; the largest finite magnitude is 57344.
public struct Float8E5M2: TensorElement, Hashable, CustomStringConvertible {
    /// The byte as stored. Equality and hashing compare bytes (so +0 and -0 differ).
    public var bitPattern: UInt8

    public init(bitPattern: UInt8) { self.bitPattern = bitPattern }

    /// Rounds to nearest even as PyTorch (c10's `fp8e5m2_from_fp32_value`): magnitudes that
    /// round past 57344 become infinity; NaN becomes 0x7F with the value's sign.
    public init(_ value: Float) {
        var bits = value.bitPattern
        let sign = bits & 0x8000_0000
        bits ^= sign
        let result: UInt32
        if bits >= 143 << 23 {  // 2^16: rounds to infinity; NaN stays NaN
            result = bits > 0x7F80_0000 ? 0x7F : 0x7C
        } else if bits < 113 << 23 {
            // Below 2^-14, subnormal in e5m2: the ulp of 2^7 in float32 is 2^-16, e5m2's
            // smallest subnormal (the same trick as e4m3's).
            let magic = Float(bitPattern: 134 << 23)
            result = (Float(bitPattern: bits) + magic).bitPattern &- magic.bitPattern
        } else {
            let odd = (bits >> 21) & 1
            result = (bits &+ (UInt32(bitPattern: Int32(15 - 127)) << 23) &+ 0xFFFFF &+ odd) >> 21
        }
        bitPattern = UInt8(truncatingIfNeeded: result) | UInt8(truncatingIfNeeded: sign >> 24)
    }

    /// The exact value: the byte is the top of a float16, widened as c10's
    /// `fp16_ieee_to_fp32_value` widens it (NaN payloads are kept and quieted).
    public var floatValue: Float {
        let w = UInt32(bitPattern) << 24
        let sign = w & 0x8000_0000
        let twice = w &+ w
        let normalized = Float(bitPattern: (twice >> 4) &+ (0xE0 << 23)) * Float(bitPattern: 0x0780_0000)  // 2^-112
        let denormalized = Float(bitPattern: (twice >> 17) | (126 << 23)) - 0.5
        let magnitude = twice < 1 << 27 ? denormalized.bitPattern : normalized.bitPattern
        return Float(bitPattern: sign | magnitude)
    }

    public static var dtype: DType { .float8e5m2 }
    /// Through float32 first, as PyTorch converts doubles (two roundings).
    public init(fromDouble value: Double) { self.init(Float(value)) }
    public init(fromInt64 value: Int64) { self.init(Float(value)) }
    public var doubleValue: Double { Double(floatValue) }
    public var int64Value: Int64 { truncatingToInt64(Double(floatValue)) }
    public var description: String { floatValue.description }
}

extension DType {
    /// True for `float8_e4m3fn` and `float8_e5m2`.
    public var isFloat8: Bool { self == .float8e4m3fn || self == .float8e5m2 }
}

/// The guard that keeps float8 tensors out of kernels that would compute on them.
enum Float8Support {
    /// The message every op without a float8 kernel stops with.
    static func unsupported(_ op: String, _ dtype: DType) -> String {
        "\(op): \(dtype) tensors support only conversion (.to(.float32)) and copies"
    }

    /// Stops unless `visitor` only moves or converts elements (`DTypeVisitor.handlesFloat8`).
    @inline(__always)
    static func require<V: DTypeVisitor>(_ visitor: V, _ dtype: DType) {
        if !V.handlesFloat8 { preconditionFailure(unsupported(opName(visitor), dtype)) }
    }

    /// The op a kernel visitor runs: its `op` member's PyTorch name for elementwise kernels,
    /// else the kernel's type name, e.g. `IsCloseKernel` (only used for the failure message).
    static func opName(_ visitor: Any) -> String {
        for child in Mirror(reflecting: visitor).children where child.label == "op" {
            if let op = child.value as? any BinaryOp { return op.name }
            if let op = child.value as? any UnaryOp { return op.name }
            if let op = child.value as? any ComparisonOp { return op.name }
        }
        var name = String(describing: type(of: visitor))
        if let generic = name.firstIndex(of: "<") { name = String(name[..<generic]) }
        return name
    }
}

extension Tensor {
    /// The same bytes read as another dtype of the same size (`tensor.view(torch.uint8)`):
    /// a view sharing storage, e.g. a float8 tensor's raw bytes as `.uint8`, or bytes read
    /// back as float8. Not differentiable, as in PyTorch.
    public func view(_ dtype: DType) -> Tensor {
        if dtype == self.dtype { return self }
        precondition(
            dtype.itemSize == self.dtype.itemSize,
            "view: viewing a \(self.dtype) tensor as \(dtype) needs equal element sizes here (\(self.dtype.itemSize) and \(dtype.itemSize) bytes)")
        // No autograd link (PyTorch's dtype view is not differentiable).
        return Tensor(storage: storage, dtype: dtype, shape: shape, strides: strides, offset: storageOffset)
    }
}

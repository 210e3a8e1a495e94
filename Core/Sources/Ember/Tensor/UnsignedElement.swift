/// The unsigned dtypes wider than a byte (`torch.uint16`, `torch.uint32`, `torch.uint64`),
/// which PyTorch calls "barebones" unsigned types and supports only partly.
///
/// Ember mirrors PyTorch 2.11's CPU support for them:
/// - creation (`zeros`, `ones`, `full`, `empty`, from `[UInt16]`/`[UInt32]`/`[UInt64]`), casts
///   to and from every dtype (C casts: integers wrap, floats truncate toward zero), `item`,
///   `toArray`, printing, copies, views, indexing, joining, safetensors and `.pt` files;
/// - promotion only with floating dtypes (`uint16` with `float16` is `float16`); any other pair
///   of different dtypes, `bool` included, stops with PyTorch's "Promotion for uint16, uint32,
///   uint64 types is not supported" message. A Python scalar never promotes them
///   (`uint16_tensor * 3` stays uint16, `uint16_tensor * 1.5` is float32);
/// - the kernels PyTorch has for them: `mul`, `bitwise_and`/`or`/`xor`, `eq`/`ne` (and their
///   in-place forms), `floor`/`ceil`/`round`/`trunc`/`nan_to_num` (no-ops on integers), the
///   float-valued ops that first convert to float32 (`div`, `sqrt`, `exp`, ...), `sum`,
///   `prod`, `cumsum`, `cumprod` (int64 results), `sort`, `argsort`, `unique`, `any`, `all`,
///   `isnan`/`isinf`/`isfinite`, `isclose`/`allclose`/`equal`.
/// Every other kernel (`add`, `sub`, `lt`, `max`, `abs`, `topk`, `arange`, ...) stops with
/// PyTorch's `"add_stub" not implemented for 'UInt16'` message.
///
/// Ops that only move elements by their width (gather, index_select, flip, masked writes)
/// run on these dtypes even where PyTorch's CPU backend has no kernel for them.

extension UInt16: IntegerElement {
    public static var dtype: DType { .uint16 }
    @inline(__always) public init(fromDouble value: Double) { self = UInt16(truncatingIfNeeded: wrappingToUInt64(value)) }
    @inline(__always) public init(fromInt64 value: Int64) { self = UInt16(truncatingIfNeeded: value) }
    @inline(__always) public var doubleValue: Double { Double(self) }
    @inline(__always) public var int64Value: Int64 { Int64(self) }
}

extension UInt32: IntegerElement {
    public static var dtype: DType { .uint32 }
    @inline(__always) public init(fromDouble value: Double) { self = UInt32(truncatingIfNeeded: wrappingToUInt64(value)) }
    @inline(__always) public init(fromInt64 value: Int64) { self = UInt32(truncatingIfNeeded: value) }
    @inline(__always) public var doubleValue: Double { Double(self) }
    @inline(__always) public var int64Value: Int64 { Int64(self) }
}

extension UInt64: IntegerElement {
    public static var dtype: DType { .uint64 }
    @inline(__always) public init(fromDouble value: Double) { self = wrappingToUInt64(value) }
    @inline(__always) public init(fromInt64 value: Int64) { self = UInt64(bitPattern: value) }
    /// The unsigned value (2^64 - 1 is 1.8446744073709552e19, as PyTorch converts it).
    @inline(__always) public var doubleValue: Double { Double(self) }
    /// The same 64 bits as a signed value, as a C cast to int64 gives them.
    @inline(__always) public var int64Value: Int64 { Int64(bitPattern: self) }
}

/// A double truncated toward zero and wrapped to 64 bits, as C casts a float to an unsigned
/// integer: -1.5 becomes 2^64 - 1 (so 65535 once narrowed to uint16), 1.8e19 stays 1.8e19.
/// NaN and values outside (-2^63, 2^64) give 0, where C is undefined (PyTorch gives 0 for
/// them too on x86, except NaN, whose result depends on the code path).
@inline(__always) func wrappingToUInt64(_ value: Double) -> UInt64 {
    if value >= 9.2233720368547758e18 {
        return value < 1.8446744073709552e19 ? UInt64(value) : 0
    }
    if value > -9.2233720368547758e18 { return UInt64(bitPattern: Int64(value)) }
    return 0
}

extension DType {
    /// True for `uint16`, `uint32` and `uint64`, PyTorch's `isBarebonesUnsignedType`.
    public var isBarebonesUnsigned: Bool { self == .uint16 || self == .uint32 || self == .uint64 }
}

/// The guard that keeps uint16/uint32/uint64 tensors out of kernels PyTorch does not give them.
enum UnsignedSupport {
    /// `torch.promote_types` when one side is uint16/32/64 and the dtypes differ: a floating
    /// dtype wins; anything else stops, as in PyTorch.
    static func promote(_ a: DType, _ b: DType) -> DType {
        if a.isFloatingPoint { return a }
        if b.isFloatingPoint { return b }
        preconditionFailure(
            "Promotion for uint16, uint32, uint64 types is not supported, attempted to promote \(a.scalarTypeName) and \(b.scalarTypeName)")
    }

    /// The elementwise ops with a uint16/32/64 kernel in PyTorch 2.11 (`div` is not one of
    /// them: true division computes in float32, the rounding modes have no unsigned kernel).
    static let elementwiseOps: Set<String> = [
        "mul", "bitwise_and", "bitwise_or", "bitwise_xor", "eq", "ne",
        "floor", "ceil", "round", "trunc", "nan_to_num",
    ]

    /// PyTorch's kernel name in its "not implemented" message, e.g. `add_stub` for add and sub.
    static func kernelName(_ op: String) -> String {
        switch op {
        case "add", "sub", "rsub": return "add_stub"
        case "pow", "masked_fill", "eye", "index_put", "tril", "triu", "index_select": return op
        case "bitwise_left_shift": return "lshift_cpu"
        case "bitwise_right_shift": return "rshift_cpu"
        case "relu": return "clamp_min_scalar_cpu"
        case "max", "min": return "\(op)_all"
        case "argmax", "argmin", "topk", "kthvalue", "median", "mode", "cummax", "cummin": return "\(op)_cpu"
        default: return op.hasSuffix("_cpu") ? op : "\(op)_cpu"
        }
    }

    /// PyTorch's message for an op without a kernel for `dtype`.
    static func unsupported(_ op: String, _ dtype: DType) -> String {
        "\(op): \"\(kernelName(op))\" not implemented for '\(dtype.scalarTypeName)'"
    }

    /// Stops unless `visitor` declares `DTypeVisitor.handlesUnsigned`.
    @inline(__always)
    static func require<V: DTypeVisitor>(_ visitor: V, _ dtype: DType) {
        if !V.handlesUnsigned { preconditionFailure(unsupported(Float8Support.opName(visitor), dtype)) }
    }

    /// Stops with the "not implemented" message unless `op` has an unsigned kernel.
    @inline(__always)
    static func check(_ op: String, _ dtype: DType) {
        if !elementwiseOps.contains(op) { preconditionFailure(unsupported(op, dtype)) }
    }

    /// Stops with the "not implemented" message when `tensor` is uint16/32/64 (for ops that
    /// check before dispatching).
    @inline(__always)
    static func reject(_ tensor: Tensor, _ op: String) {
        if tensor.dtype.isBarebonesUnsigned { preconditionFailure(unsupported(op, tensor.dtype)) }
    }
}

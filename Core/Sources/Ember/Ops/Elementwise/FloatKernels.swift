import CEmberKernels

/// The float32 fast path in front of the generic kernels: contiguous float32 data goes to the
/// vectorised C kernels of `CEmberKernels` (AVX-512 / AVX2 variants chosen at run time),
/// split into chunks over the intra-op pool. Swift's auto-vectoriser cannot do this for
/// transcendental functions (it leaves libm calls scalar).
enum FloatKernels {
    typealias Kernel = @convention(c) (UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int64) -> Void

    /// Runs `kernel` when `x` (and `out`, if given) are contiguous float32 tensors of one
    /// shape; nil when the generic path must run instead.
    static func unary(_ x: Tensor, out: Tensor?, _ kernel: Kernel) -> Tensor? {
        guard x.dtype == .float32, x.isContiguous else { return nil }
        if let out {
            guard out.dtype == .float32, out.isContiguous, out.shape == x.shape,
                out.storage !== x.storage || out.storageOffset == x.storageOffset
            else { return nil }
        }
        let result = out ?? Tensor(empty: x.shape, dtype: .float32)
        let source = UnsafePointer(x.pointer(as: Float.self)), destination = result.pointer(as: Float.self)
        parallelFor(x.count, grain: elementwiseGrain) { range in
            kernel(source + range.lowerBound, destination + range.lowerBound, Int64(range.count))
        }
        if let out { out.storage.bumpVersion() }
        return result
    }
}

extension DType {
    /// PyTorch's C++ name of the dtype, as its "not implemented for 'Long'" messages print it.
    var scalarTypeName: String {
        switch self {
        case .float32: return "Float"
        case .float64: return "Double"
        case .float16: return "Half"
        case .bfloat16: return "BFloat16"
        case .int64: return "Long"
        case .int32: return "Int"
        case .int16: return "Short"
        case .int8: return "Char"
        case .uint8: return "Byte"
        case .bool: return "Bool"
        case .float8e4m3fn: return "Float8_e4m3fn"
        case .float8e5m2: return "Float8_e5m2"
        case .complex64: return "ComplexFloat"
        case .complex128: return "ComplexDouble"
        case .uint16: return "UInt16"
        case .uint32: return "UInt32"
        case .uint64: return "UInt64"
        }
    }
}

extension ElementwiseDispatch {
    /// A unary op that PyTorch defines for floating tensors only (gelu, silu, erfinv...).
    static func floatUnary<Op: UnaryOp>(_ a: Tensor, _ op: Op, out: Tensor? = nil) -> Tensor {
        precondition(a.dtype.isFloatingPoint, "\(op.name): \"\(op.name)_cpu\" not implemented for '\(a.dtype.scalarTypeName)'")
        return unary(a, op, out: out)
    }

    /// A unary op with a float32 C kernel in front of the generic path.
    static func unary<Op: UnaryOp>(_ a: Tensor, _ op: Op, out: Tensor? = nil, fast kernel: FloatKernels.Kernel) -> Tensor {
        if let result = FloatKernels.unary(a, out: out, kernel) { return result }
        return unary(a, op, out: out)
    }
}

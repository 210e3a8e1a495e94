/// Moving between dtypes and between tensors and Swift values.
extension Tensor {
    /// A copy converted to `dtype` (`tensor.to(dtype)`); returns `self` when nothing changes.
    public func to(_ dtype: DType) -> Tensor {
        if dtype == self.dtype { return self }
        let out = Elementwise.makeOutput(shape: shape, dtype: dtype, like: [self])
        copyCast(from: self, into: out)
        return Autograd.record("ToCopyBackward0", inputs: [self], output: out) { grad, _ in [grad] }
    }

    /// `tensor.float()`, `double()`, `half()`, `bfloat16()`, `long()`, `int()`, `bool()`.
    public func float() -> Tensor { to(.float32) }
    public func double() -> Tensor { to(.float64) }
    public func half() -> Tensor { to(.float16) }
    public func bfloat16() -> Tensor { to(.bfloat16) }
    public func long() -> Tensor { to(.int64) }
    public func int() -> Tensor { to(.int32) }
    public func bool() -> Tensor { to(.bool) }

    /// A contiguous tensor with the same values; `self` when already contiguous.
    public func contiguous() -> Tensor {
        if isContiguous { return self }
        return clone()
    }

    /// A row-major copy that shares nothing with `self` (`tensor.clone()`).
    public func clone() -> Tensor {
        let out = Tensor(empty: shape, dtype: dtype)
        copyCast(from: self, into: out)
        return Autograd.record("CloneBackward0", inputs: [self], output: out) { grad, _ in [grad] }
    }

    /// Copies `source` (broadcast, any dtype) into `self` in place (`tensor.copy_(src)`).
    @discardableResult
    public func copy_(_ source: Tensor) -> Tensor {
        _ = Shape.broadcast(source.shape, shape, op: "copy_")
        precondition(
            Shape.broadcast(source.shape, shape, op: "copy_") == shape,
            "copy_: source of shape \(source.shape) cannot be broadcast to \(shape)")
        let shape = self.shape, dtype = self.dtype
        return Autograd.inPlace(
            self, others: [source], name: "copy_",
            inPlace: {
                copyCast(from: source.overlapSafe(with: self), into: self)
                storage.bumpVersion()
            },
            outOfPlace: { _ in source.to(dtype).expand(shape) })
    }

    /// `source` itself, or a copy of it when it shares storage with `destination` (so an
    /// in-place write cannot read values it already overwrote).
    func overlapSafe(with destination: Tensor) -> Tensor {
        storage === destination.storage && !(self.isSameLayout(as: destination)) ? clone() : self
    }

    func isSameLayout(as other: Tensor) -> Bool {
        shape == other.shape && strides == other.strides && storageOffset == other.storageOffset
    }

    /// The single value of a one-element tensor, converted to `T` (`tensor.item()`).
    public func item<T: TensorElement>(_: T.Type = T.self) -> T {
        precondition(count == 1, "item: a Tensor with \(count) elements cannot be converted to Scalar")
        // Keep the converted tensor alive while reading: its buffer is freed (and may be reused
        // by the caching allocator) as soon as the last reference goes.
        let converted = to(T.dtype)
        return withExtendedLifetime(converted) { converted.pointer(as: T.self).pointee }
    }

    /// The single value as a `Scalar` (int for integer tensors, double for floating ones; a
    /// uint64 value from 2^63 up comes back as the Int64 with the same bits: read it with
    /// `item(UInt64.self)`).
    public func itemScalar() -> Scalar {
        if dtype == .bool { return .bool(item(Bool.self)) }
        if dtype.isIntegral { return .int(item(Int64.self)) }
        return .double(item(Double.self))
    }

    /// All elements in row-major order, converted to `T` (`tensor.flatten().tolist()`).
    public func toArray<T: TensorElement>(_: T.Type = T.self) -> [T] {
        let source = to(T.dtype).contiguous()
        return Array(UnsafeBufferPointer(start: source.pointer(as: T.self), count: count))
    }
}

/// Copies with conversion between any two dtypes, following PyTorch's casts: floating to
/// integer truncates toward zero, anything to bool tests for non-zero, complex to real keeps
/// the real part.
func copyCast(from source: Tensor, into out: Tensor) {
    struct SourceVisitor: DTypeVisitor {
        static var handlesFloat8: Bool { true }
        static var handlesComplex: Bool { true }
        static var handlesUnsigned: Bool { true }
        let source: Tensor, out: Tensor
        func visit<S: TensorElement>(_: S.Type) { out.dtype.visit(CastKernel<S>(source: source, out: out)) }
    }
    source.dtype.visit(SourceVisitor(source: source, out: out))
}

private struct CastKernel<S: TensorElement>: DTypeVisitor {
    static var handlesFloat8: Bool { true }
    static var handlesComplex: Bool { true }
    static var handlesUnsigned: Bool { true }
    let source: Tensor, out: Tensor
    func visit<D: TensorElement>(_: D.Type) {
        if S.self == D.self {
            Elementwise.map(source, into: out, ElementCopy<S>())
        } else if S.self == UInt64.self && (D.dtype.isFloatingPoint || D.dtype.isComplex) {
            // uint64 values from 2^63 up are no Int64s: convert the unsigned value (float32
            // directly, so it is rounded once, as C's cast rounds it).
            if D.self == Float.self {
                Elementwise.map(source, into: out) { (x: S) -> D in unsafeBitCast(Float(unsafeBitCast(x, to: UInt64.self)), to: D.self) }
            } else {
                Elementwise.map(source, into: out) { (x: S) -> D in D(fromDouble: x.doubleValue) }
            }
        } else if S.dtype.isComplex {
            // Complex to real keeps the real part (bool tests both parts), as PyTorch casts.
            Elementwise.map(source, into: out) { (x: S) -> D in
                D(fromReal: x.doubleValue, imaginary: x.imaginaryDoubleValue)
            }
        } else if S.dtype.isFloatingPoint {
            Elementwise.map(source, into: out, CastFromFloating<S, D>())
        } else {
            Elementwise.map(source, into: out, CastFromInteger<S, D>())
        }
    }
}

// The common copies and casts as types rather than closures, so that `contiguous()`, `copy_`
// and `to(dtype)` specialise into plain (vectorised) loops instead of a call per element.

/// Copies an element unchanged.
struct ElementCopy<T: TensorElement>: ElementFunction1 {
    @inline(__always) func callAsFunction(_ a: T) -> T { a }
}

/// Casts a floating-point element (through Double, exact for every float dtype).
struct CastFromFloating<S: TensorElement, D: TensorElement>: ElementFunction1 {
    @inline(__always) func callAsFunction(_ a: S) -> D { D(fromDouble: a.doubleValue) }
}

/// Casts an integer or bool element (through Int64).
struct CastFromInteger<S: TensorElement, D: TensorElement>: ElementFunction1 {
    @inline(__always) func callAsFunction(_ a: S) -> D { D(fromInt64: a.int64Value) }
}

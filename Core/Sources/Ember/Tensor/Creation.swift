import Foundation

/// Creating tensors: from Swift values and with PyTorch's factory functions.
extension Tensor {
    /// A tensor from row-major `values` and a shape (`torch.tensor(values).reshape(shape)`).
    public init<T: TensorElement>(_ values: [T], shape: [Int]) {
        precondition(
            values.count == shape.reduce(1, *),
            "tensor: \(values.count) values cannot fill shape \(shape)")
        self.init(empty: shape, dtype: T.dtype)
        let destination = pointer(as: T.self)
        values.withUnsafeBufferPointer { destination.update(from: $0.baseAddress!, count: values.count) }
    }

    /// A 1-D tensor of `values`, with the element type's dtype.
    public init<T: TensorElement>(_ values: [T]) { self.init(values, shape: [values.count]) }

    /// A 2-D tensor from rows of equal length.
    public init<T: TensorElement>(_ rows: [[T]]) { self.init(generic: rows) }

    private init<T: TensorElement>(generic rows: [[T]]) {
        let width = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == width }, "tensor: rows of unequal length \(rows.map(\.count))")
        self.init(rows.flatMap { $0 }, shape: [rows.count, width])
    }

    /// A 3-D tensor from nested arrays of equal lengths.
    public init<T: TensorElement>(_ planes: [[[T]]]) { self.init(generic: planes) }

    private init<T: TensorElement>(generic planes: [[[T]]]) {
        let inner = Tensor.nestedShape(planes.map { $0.map(\.count) })
        self.init(planes.flatMap { $0.flatMap { $0 } }, shape: [planes.count] + inner)
    }

    private static func nestedShape(_ counts: [[Int]]) -> [Int] {
        let rows = counts.first?.count ?? 0
        let width = counts.first?.first ?? 0
        precondition(
            counts.allSatisfy { $0.count == rows && $0.allSatisfy { $0 == width } },
            "tensor: nested arrays of unequal lengths")
        return [rows, width]
    }

    /// Swift `Double` values behave like Python floats: they make the default float dtype
    /// (float32) unless `dtype` says otherwise.
    public init(_ values: [Double], dtype: DType = .defaultFloat) {
        self = Tensor(values, shape: [values.count]).to(dtype)
    }

    public init(_ rows: [[Double]], dtype: DType = .defaultFloat) {
        self = Tensor(generic: rows).to(dtype)
    }

    public init(_ planes: [[[Double]]], dtype: DType = .defaultFloat) {
        self = Tensor(generic: planes).to(dtype)
    }

    /// Swift `Int` values behave like Python ints: they make int64 unless `dtype` says otherwise.
    public init(_ values: [Int], dtype: DType = .int64) {
        self = Tensor(values.map { Int64($0) }, shape: [values.count]).to(dtype)
    }

    public init(_ rows: [[Int]], dtype: DType = .int64) {
        self = Tensor(generic: rows.map { $0.map { Int64($0) } }).to(dtype)
    }

    /// A zero-dimensional tensor holding one value.
    public init<T: TensorElement>(scalar value: T) { self.init([value], shape: []) }

    /// A zero-dimensional tensor from a Swift scalar in `dtype` (default: the scalar's own
    /// PyTorch dtype: int64, float32 or bool).
    public init(scalar value: Scalar, dtype: DType? = nil) {
        self.init(empty: [], dtype: dtype ?? value.wrappedDType)
        fill_(value)
    }

    /// `torch.zeros`.
    public static func zeros(_ shape: [Int], dtype: DType = .defaultFloat) -> Tensor {
        full(shape, 0, dtype: dtype)
    }

    /// `torch.ones`.
    public static func ones(_ shape: [Int], dtype: DType = .defaultFloat) -> Tensor {
        full(shape, 1, dtype: dtype)
    }

    /// `torch.full`; the dtype defaults as in PyTorch from the fill value's kind.
    public static func full(_ shape: [Int], _ value: Scalar, dtype: DType? = nil) -> Tensor {
        let t = Tensor(empty: shape, dtype: dtype ?? value.wrappedDType)
        t.fill_(value)
        return t
    }

    /// `torch.empty`.
    public static func empty(_ shape: [Int], dtype: DType = .defaultFloat) -> Tensor {
        Tensor(empty: shape, dtype: dtype)
    }

    /// `torch.zeros_like`, `ones_like`, `full_like`, `empty_like`.
    public static func zerosLike(_ t: Tensor, dtype: DType? = nil) -> Tensor { zeros(t.shape, dtype: dtype ?? t.dtype) }
    public static func onesLike(_ t: Tensor, dtype: DType? = nil) -> Tensor { ones(t.shape, dtype: dtype ?? t.dtype) }
    public static func fullLike(_ t: Tensor, _ value: Scalar, dtype: DType? = nil) -> Tensor {
        full(t.shape, value, dtype: dtype ?? t.dtype)
    }
    public static func emptyLike(_ t: Tensor, dtype: DType? = nil) -> Tensor { empty(t.shape, dtype: dtype ?? t.dtype) }

    /// `torch.arange(start, end, step)`: int64 when all three are integers, else float32.
    public static func arange(_ start: Scalar = 0, _ end: Scalar, step: Scalar = 1, dtype: DType? = nil) -> Tensor {
        let integral = [start, end, step].allSatisfy { if case .double = $0 { return false } else { return true } }
        let resolved = dtype ?? (integral ? .int64 : .defaultFloat)
        precondition(!resolved.isBarebonesUnsigned, UnsignedSupport.unsupported("arange", resolved))
        let (a, b, s) = (start.doubleValue, end.doubleValue, step.doubleValue)
        precondition(s != 0, "arange: step must be nonzero")
        precondition((b - a) / s >= 0, "arange: upper bound and larger bound inconsistent with step sign")
        let n = Int(((b - a) / s).rounded(.up))
        let t = Tensor(empty: [n], dtype: resolved)
        if integral && !resolved.isFloatingPoint {
            let (a64, s64) = (start.int64Value, step.int64Value)
            t.fillIndexed { a64 + Int64($0) * s64 }
        } else {
            // PyTorch computes start + i * step in double for float outputs.
            t.fillIndexed(double: { a + Double($0) * s })
        }
        return t
    }

    /// `torch.arange(end)`.
    public static func arange(_ end: Scalar, dtype: DType? = nil) -> Tensor { arange(0, end, dtype: dtype) }

    /// `torch.linspace`: `steps` points from `start` to `end`, both included.
    public static func linspace(_ start: Double, _ end: Double, steps: Int, dtype: DType = .defaultFloat) -> Tensor {
        precondition(steps >= 0, "linspace: number of steps must be non-negative")
        precondition(!dtype.isBarebonesUnsigned, UnsignedSupport.unsupported("linspace", dtype))
        let t = Tensor(empty: [steps], dtype: dtype)
        let step = steps > 1 ? (end - start) / Double(steps - 1) : 0
        // PyTorch fills the first half from the start and the second half from the end, so
        // both endpoints are exact.
        let half = steps / 2
        if steps == 1 {
            t.fill_(.double(start))
        } else {
            t.fillIndexed(double: { i in i < half ? start + step * Double(i) : end - step * Double(steps - 1 - i) })
        }
        return t
    }

    /// `torch.logspace`: `base` raised to `linspace(start, end, steps)`.
    public static func logspace(
        _ start: Double, _ end: Double, steps: Int, base: Double = 10, dtype: DType = .defaultFloat
    ) -> Tensor {
        let exponents = linspace(start, end, steps: steps, dtype: .float64).toArray(Double.self)
        return Tensor(exponents.map { Foundation.pow(base, $0) }, shape: [steps]).to(dtype)
    }

    /// `torch.eye(n, m)`.
    public static func eye(_ n: Int, _ m: Int? = nil, dtype: DType = .defaultFloat) -> Tensor {
        precondition(!dtype.isBarebonesUnsigned, UnsignedSupport.unsupported("eye", dtype))
        let columns = m ?? n
        let t = zeros([n, columns], dtype: dtype)
        let diagonal = Tensor(storage: t.storage, dtype: dtype, shape: [Swift.min(n, columns)], strides: [columns + 1], offset: 0)
        diagonal.fill_(1)
        return t
    }

    /// Fills every element with `value` in place (`tensor.fill_(value)`). With autograd the
    /// old values get a zero gradient (`FillBackward2`), as in PyTorch.
    @discardableResult
    public func fill_(_ value: Scalar) -> Tensor {
        inPlaceOp("fill_", raw: { fillRaw(value) }) { old in
            let filled = Tensor.full(old.shape, value, dtype: old.dtype)
            return Autograd.record("FillBackward2", inputs: [old], output: filled) { grad, _ in [Tensor.zerosLike(grad)] }
        }
    }

    /// Fills with zeros in place (`tensor.zero_()`); with autograd, `ZeroBackward0`.
    @discardableResult
    public func zero_() -> Tensor {
        inPlaceOp("zero_", raw: { fillRaw(0) }) { old in
            let zeros = Tensor.zeros(old.shape, dtype: old.dtype)
            return Autograd.record("ZeroBackward0", inputs: [old], output: zeros) { grad, _ in [Tensor.zerosLike(grad)] }
        }
    }

    private func fillRaw(_ value: Scalar) {
        struct Fill: DTypeVisitor {
            static var handlesFloat8: Bool { true }
            static var handlesComplex: Bool { true }
            static var handlesUnsigned: Bool { true }
            let t: Tensor, value: Scalar
            func visit<T: TensorElement>(_: T.Type) {
                let v: T
                if case .complex(let re, let im) = value {
                    v = T(fromReal: re, imaginary: im)
                } else {
                    v = T.dtype.isFloatingPoint || T.dtype.isComplex
                        ? T(fromDouble: value.doubleValue) : T(fromInt64: value.int64Value)
                }
                let p = t.pointer(as: T.self)
                let loop = StridedLoop(shape: t.shape, strides: [t.strides])
                let s = loop.innerStrides[0]
                loop.forEachRun { offsets, n in
                    let o = p + offsets[0]
                    if s == 1 { o.update(repeating: v, count: n) } else { for i in 0..<n { o[i * s] = v } }
                }
            }
        }
        dtype.visit(Fill(t: self, value: value))
        storage.bumpVersion()
    }

    /// Writes `value(i)` to element i of a new contiguous 1-D tensor.
    private func fillIndexed(double value: (Int) -> Double) {
        copy_(Tensor((0..<count).map(value), shape: [count]))
    }

    private func fillIndexed(_ value: (Int) -> Int64) {
        copy_(Tensor((0..<count).map(value), shape: [count]))
    }
}

/// The machinery every elementwise op is built on: type promotion, broadcasting, the compute
/// dtype (half types compute in float32 and round once, as PyTorch's CPU kernels do), output
/// allocation, in-place writes, and one dtype dispatch per call into a specialised kernel.

/// A binary op defined per element. Ops are small structs; their generic methods are
/// specialised for each element type, so there is no per-element dispatch.
protocol BinaryOp {
    /// The op's PyTorch name, used in error messages.
    var name: String { get }
    /// True when integer inputs give a floating result (true division, atan2, pow with
    /// float exponents...).
    var integersPromoteToFloat: Bool { get }
    func apply<T: FloatElement>(_ a: T, _ b: T) -> T
    func apply<T: IntegerElement>(_ a: T, _ b: T) -> T
    /// The op on bools; nil when PyTorch rejects bool inputs.
    func applyBool(_ a: Bool, _ b: Bool) -> Bool?
    /// True for ops with a complex formula (`applyComplex`; see `ComplexKernels.swift`).
    var supportsComplex: Bool { get }
    func applyComplex<R: ComplexComponent>(_ a: Complex<R>, _ b: Complex<R>) -> Complex<R>
}

extension BinaryOp {
    var integersPromoteToFloat: Bool { false }
    func applyBool(_ a: Bool, _ b: Bool) -> Bool? { nil }
}

/// A unary op defined per element.
protocol UnaryOp {
    var name: String { get }
    /// True when integer inputs give a floating result (exp, sqrt, sigmoid...); false for
    /// ops that keep the dtype (neg, abs, relu...).
    var integersPromoteToFloat: Bool { get }
    func apply<T: FloatElement>(_ x: T) -> T
    func apply<T: IntegerElement>(_ x: T) -> T
    func applyBool(_ x: Bool) -> Bool?
    var supportsComplex: Bool { get }
    func applyComplex<R: ComplexComponent>(_ x: Complex<R>) -> Complex<R>
}

extension UnaryOp {
    var integersPromoteToFloat: Bool { true }
    func apply<T: IntegerElement>(_ x: T) -> T {
        preconditionFailure("\(name): not defined for integer tensors")
    }
    func applyBool(_ x: Bool) -> Bool? { nil }
}

/// A comparison: any dtype in, bool out.
protocol ComparisonOp {
    var name: String { get }
    func apply<T: Comparable>(_ a: T, _ b: T) -> Bool
    var supportsComplex: Bool { get }
    func applyComplex<R: ComplexComponent>(_ a: Complex<R>, _ b: Complex<R>) -> Bool
}

extension DType {
    /// The dtype kernels compute in for values of this dtype.
    var computeDType: DType { self == .float16 || self == .bfloat16 ? .float32 : self }
}

/// An elementwise operand: a tensor or a Swift scalar.
enum Operand {
    case tensor(Tensor)
    case scalar(Scalar)

    func materialize(_ dtype: DType) -> Tensor {
        switch self {
        case .tensor(let t): return t.to(dtype)
        case .scalar(let s): return Tensor(scalar: s, dtype: dtype)
        }
    }

    var shape: [Int] {
        if case .tensor(let t) = self { return t.shape }
        return []
    }
}

enum ElementwiseDispatch {
    static func resultType(_ operands: [Operand]) -> DType {
        var state = ResultTypeState()
        for operand in operands {
            switch operand {
            case .tensor(let t): state.add(t)
            case .scalar(let s): state.add(s)
            }
        }
        return state.result
    }

    /// Runs a binary op with promotion and broadcasting; writes into `out` when given (in-place ops).
    static func binary<Op: BinaryOp>(_ a: Operand, _ b: Operand, _ op: Op, out: Tensor? = nil) -> Tensor {
        if out == nil, let result = contiguousBinary(a, b, op) { return result }
        var dtype = resultType([a, b])
        if op.integersPromoteToFloat && !dtype.isFloatingPoint && !dtype.isComplex { dtype = .defaultFloat }
        let shape = Shape.broadcast(a.shape, b.shape, op: op.name)
        if let out { checkInPlace(out, resultDType: dtype, shape: shape, op: op.name) }
        let compute = dtype.computeDType
        let x = a.materialize(compute), y = b.materialize(compute)
        let writesDirectly = out.map { $0.dtype == compute } ?? false
        let result = writesDirectly ? out! : Elementwise.makeOutput(shape: shape, dtype: compute, like: [x, y])
        let (xs, ys) = writesDirectly ? (x.overlapSafe(with: result), y.overlapSafe(with: result)) : (x, y)
        compute.visit(BinaryKernel(x: xs, y: ys, result: result, op: op))
        return finish(result, dtype: dtype, out: out, wroteDirectly: writesDirectly)
    }

    /// Runs a unary op; integer inputs of float-valued ops become the default float dtype.
    static func unary<Op: UnaryOp>(_ a: Tensor, _ op: Op, out: Tensor? = nil) -> Tensor {
        var dtype = a.dtype
        if op.integersPromoteToFloat && !dtype.isFloatingPoint && !dtype.isComplex { dtype = .defaultFloat }
        if let out { checkInPlace(out, resultDType: dtype, shape: a.shape, op: op.name) }
        let compute = dtype.computeDType
        let x = a.to(compute)
        let writesDirectly = out.map { $0.dtype == compute } ?? false
        let result = writesDirectly ? out! : Elementwise.makeOutput(shape: a.shape, dtype: compute, like: [x])
        let xs = writesDirectly ? x.overlapSafe(with: result) : x
        compute.visit(UnaryKernel(x: xs, result: result, op: op))
        return finish(result, dtype: dtype, out: out, wroteDirectly: writesDirectly)
    }

    /// Compares two operands after promotion; the result is bool.
    static func compare<Op: ComparisonOp>(_ a: Operand, _ b: Operand, _ op: Op) -> Tensor {
        let compute = resultType([a, b]).computeDType
        let shape = Shape.broadcast(a.shape, b.shape, op: op.name)
        let x = a.materialize(compute), y = b.materialize(compute)
        let result = Elementwise.makeOutput(shape: shape, dtype: .bool, like: [x, y])
        compute.visit(CompareKernel(x: x, y: y, result: result, op: op))
        return result
    }

    /// PyTorch's in-place rules: the result must broadcast to `out`'s shape and be castable to its dtype.
    static func checkInPlace(_ out: Tensor, resultDType: DType, shape: [Int], op: String) {
        precondition(
            Shape.broadcast(shape, out.shape, op: op) == out.shape,
            "\(op): output with shape \(out.shape) doesn't match the broadcast shape \(shape)")
        precondition(
            resultDType.category <= out.dtype.category,
            "\(op): result type \(resultDType) can't be cast to the desired output type \(out.dtype)")
    }

    private static func finish(_ result: Tensor, dtype: DType, out: Tensor?, wroteDirectly: Bool) -> Tensor {
        if let out {
            if !wroteDirectly { copyCast(from: result, into: out) }
            out.storage.bumpVersion()
            return out
        }
        return result.dtype == dtype ? result : result.to(dtype)
    }
}

private struct BinaryKernel<Op: BinaryOp>: DTypeVisitor {
    static var handlesComplex: Bool { true }
    static var handlesUnsigned: Bool { true }
    let x: Tensor, y: Tensor, result: Tensor, op: Op
    func visit<T: TensorElement>(_: T.Type) {
        switch T.self {
        case is Float.Type: Elementwise.map(x, y, into: result, FloatBinaryFunction<Op, Float>(op: op))
        case is Double.Type: Elementwise.map(x, y, into: result, FloatBinaryFunction<Op, Double>(op: op))
        case is Int64.Type: Elementwise.map(x, y, into: result, IntegerBinaryFunction<Op, Int64>(op: op))
        case is Int32.Type: Elementwise.map(x, y, into: result, IntegerBinaryFunction<Op, Int32>(op: op))
        case is Int16.Type: Elementwise.map(x, y, into: result, IntegerBinaryFunction<Op, Int16>(op: op))
        case is Int8.Type: Elementwise.map(x, y, into: result, IntegerBinaryFunction<Op, Int8>(op: op))
        case is UInt8.Type: Elementwise.map(x, y, into: result, IntegerBinaryFunction<Op, UInt8>(op: op))
        case is UInt16.Type:
            UnsignedSupport.check(op.name, T.dtype)
            Elementwise.map(x, y, into: result, IntegerBinaryFunction<Op, UInt16>(op: op))
        case is UInt32.Type:
            UnsignedSupport.check(op.name, T.dtype)
            Elementwise.map(x, y, into: result, IntegerBinaryFunction<Op, UInt32>(op: op))
        case is UInt64.Type:
            UnsignedSupport.check(op.name, T.dtype)
            Elementwise.map(x, y, into: result, IntegerBinaryFunction<Op, UInt64>(op: op))
        case is Bool.Type:
            precondition(op.applyBool(false, false) != nil, "\(op.name): not supported for bool tensors")
            Elementwise.map(x, y, into: result) { (a: Bool, b: Bool) in op.applyBool(a, b)! }
        case is Complex<Float>.Type:
            ComplexSupport.check(op.supportsComplex, op.name, T.dtype)
            Elementwise.map(x, y, into: result) { (a: Complex<Float>, b: Complex<Float>) in op.applyComplex(a, b) }
        case is Complex<Double>.Type:
            ComplexSupport.check(op.supportsComplex, op.name, T.dtype)
            Elementwise.map(x, y, into: result) { (a: Complex<Double>, b: Complex<Double>) in op.applyComplex(a, b) }
        default: preconditionFailure("\(op.name): no kernel for \(T.dtype)")
        }
    }
}

private struct UnaryKernel<Op: UnaryOp>: DTypeVisitor {
    static var handlesComplex: Bool { true }
    static var handlesUnsigned: Bool { true }
    let x: Tensor, result: Tensor, op: Op
    func visit<T: TensorElement>(_: T.Type) {
        switch T.self {
        case is Float.Type: Elementwise.map(x, into: result, FloatUnaryFunction<Op, Float>(op: op))
        case is Double.Type: Elementwise.map(x, into: result, FloatUnaryFunction<Op, Double>(op: op))
        case is Int64.Type: Elementwise.map(x, into: result, IntegerUnaryFunction<Op, Int64>(op: op))
        case is Int32.Type: Elementwise.map(x, into: result, IntegerUnaryFunction<Op, Int32>(op: op))
        case is Int16.Type: Elementwise.map(x, into: result, IntegerUnaryFunction<Op, Int16>(op: op))
        case is Int8.Type: Elementwise.map(x, into: result, IntegerUnaryFunction<Op, Int8>(op: op))
        case is UInt8.Type: Elementwise.map(x, into: result, IntegerUnaryFunction<Op, UInt8>(op: op))
        case is UInt16.Type:
            UnsignedSupport.check(op.name, T.dtype)
            Elementwise.map(x, into: result, IntegerUnaryFunction<Op, UInt16>(op: op))
        case is UInt32.Type:
            UnsignedSupport.check(op.name, T.dtype)
            Elementwise.map(x, into: result, IntegerUnaryFunction<Op, UInt32>(op: op))
        case is UInt64.Type:
            UnsignedSupport.check(op.name, T.dtype)
            Elementwise.map(x, into: result, IntegerUnaryFunction<Op, UInt64>(op: op))
        case is Bool.Type:
            precondition(op.applyBool(false) != nil, "\(op.name): not supported for bool tensors")
            Elementwise.map(x, into: result) { (a: Bool) in op.applyBool(a)! }
        case is Complex<Float>.Type:
            ComplexSupport.check(op.supportsComplex, op.name, T.dtype)
            Elementwise.map(x, into: result) { (a: Complex<Float>) in op.applyComplex(a) }
        case is Complex<Double>.Type:
            ComplexSupport.check(op.supportsComplex, op.name, T.dtype)
            Elementwise.map(x, into: result) { (a: Complex<Double>) in op.applyComplex(a) }
        default: preconditionFailure("\(op.name): no kernel for \(T.dtype)")
        }
    }
}

private struct CompareKernel<Op: ComparisonOp>: DTypeVisitor {
    static var handlesComplex: Bool { true }
    static var handlesUnsigned: Bool { true }
    let x: Tensor, y: Tensor, result: Tensor, op: Op
    func visit<T: TensorElement>(_: T.Type) {
        switch T.self {
        case is Float.Type: Elementwise.map(x, y, into: result, CompareFunction<Op, Float>(op: op))
        case is Double.Type: Elementwise.map(x, y, into: result, CompareFunction<Op, Double>(op: op))
        case is Int64.Type: Elementwise.map(x, y, into: result, CompareFunction<Op, Int64>(op: op))
        case is Int32.Type: Elementwise.map(x, y, into: result, CompareFunction<Op, Int32>(op: op))
        case is Int16.Type: Elementwise.map(x, y, into: result, CompareFunction<Op, Int16>(op: op))
        case is Int8.Type: Elementwise.map(x, y, into: result, CompareFunction<Op, Int8>(op: op))
        case is UInt8.Type: Elementwise.map(x, y, into: result, CompareFunction<Op, UInt8>(op: op))
        case is UInt16.Type:
            UnsignedSupport.check(op.name, T.dtype)
            Elementwise.map(x, y, into: result, CompareFunction<Op, UInt16>(op: op))
        case is UInt32.Type:
            UnsignedSupport.check(op.name, T.dtype)
            Elementwise.map(x, y, into: result, CompareFunction<Op, UInt32>(op: op))
        case is UInt64.Type:
            UnsignedSupport.check(op.name, T.dtype)
            Elementwise.map(x, y, into: result, CompareFunction<Op, UInt64>(op: op))
        case is Bool.Type:
            Elementwise.map(x, y, into: result) { (a: Bool, b: Bool) in op.apply(a ? 1 : 0, b ? 1 : 0) }
        case is Complex<Float>.Type:
            ComplexSupport.check(op.supportsComplex, op.name, T.dtype)
            Elementwise.map(x, y, into: result) { (a: Complex<Float>, b: Complex<Float>) in op.applyComplex(a, b) }
        case is Complex<Double>.Type:
            ComplexSupport.check(op.supportsComplex, op.name, T.dtype)
            Elementwise.map(x, y, into: result) { (a: Complex<Double>, b: Complex<Double>) in op.applyComplex(a, b) }
        default: preconditionFailure("\(op.name): no kernel for \(T.dtype)")
        }
    }
}

// The ops as element-function types, so kernels specialise on them (see `Elementwise.map`).

struct FloatBinaryFunction<Op: BinaryOp, T: FloatElement>: ElementFunction2 {
    let op: Op
    @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { op.apply(a, b) }
}

struct IntegerBinaryFunction<Op: BinaryOp, T: IntegerElement>: ElementFunction2 {
    let op: Op
    @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { op.apply(a, b) }
}

private struct FloatUnaryFunction<Op: UnaryOp, T: FloatElement>: ElementFunction1 {
    let op: Op
    @inline(__always) func callAsFunction(_ a: T) -> T { op.apply(a) }
}

private struct IntegerUnaryFunction<Op: UnaryOp, T: IntegerElement>: ElementFunction1 {
    let op: Op
    @inline(__always) func callAsFunction(_ a: T) -> T { op.apply(a) }
}

private struct CompareFunction<Op: ComparisonOp, T: TensorElement & Comparable>: ElementFunction2 {
    let op: Op
    @inline(__always) func callAsFunction(_ a: T, _ b: T) -> Bool { op.apply(a, b) }
}

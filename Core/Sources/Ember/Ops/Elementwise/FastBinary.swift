import CEmberKernels

/// The per-op fast path for the common small-tensor case: contiguous operands of one shape
/// and dtype (or a tensor and a Python scalar), a result of that same dtype, no `out`. It
/// skips the scalar tensor, the broadcast plan and the strided iterator, which dominate the
/// cost of an op on a handful of elements (a chain of small ops is dispatch-bound).
extension ElementwiseDispatch {
    static func contiguousBinary<Op: BinaryOp>(_ a: Operand, _ b: Operand, _ op: Op) -> Tensor? {
        guard case .tensor(let x) = a, x.isContiguous else { return nil }
        let dtype = x.dtype
        guard dtype == .float32 || dtype == .float64 || dtype == .int64 || dtype == .int32 else { return nil }
        if op.integersPromoteToFloat && !dtype.isFloatingPoint { return nil }
        switch b {
        case .tensor(let y):
            guard y.dtype == dtype, y.isContiguous, y.shape == x.shape else { return nil }
        case .scalar(let s):
            var state = ResultTypeState()
            state.add(x)
            state.add(s)
            guard state.result == dtype else { return nil }
        }
        let result = Tensor(empty: x.shape, dtype: dtype)
        dtype.visit(ContiguousBinaryKernel(x: x, y: b, result: result, op: op))
        return result
    }
}

private struct ContiguousBinaryKernel<Op: BinaryOp>: DTypeVisitor {
    let x: Tensor, y: Operand, result: Tensor, op: Op

    func visit<T: TensorElement>(_: T.Type) {
        switch T.self {
        case is Float.Type: run(FloatBinaryFunction<Op, Float>(op: op))
        case is Double.Type: run(FloatBinaryFunction<Op, Double>(op: op))
        case is Int64.Type: run(IntegerBinaryFunction<Op, Int64>(op: op))
        case is Int32.Type: run(IntegerBinaryFunction<Op, Int32>(op: op))
        default: preconditionFailure("\(op.name): no fast kernel for \(T.dtype)")
        }
    }

    private func streamingKernel() -> (@convention(c) (UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int64) -> Void)? {
        switch op {
        case is AddOp: return ember_stream_add_f32
        case is SubOp: return ember_stream_sub_f32
        case is MulOp: return ember_stream_mul_f32
        case is TrueDivOp: return ember_stream_div_f32
        default: return nil
        }
    }

    @inline(__always)
    private func run<F: ElementFunction2>(_ f: F) where F.A == F.B, F.A == F.R {
        typealias T = F.A
        let px = UnsafePointer(x.pointer(as: T.self)), po = result.pointer(as: T.self)
        let count = x.count
        switch y {
        case .tensor(let yt):
            let py = UnsafePointer(yt.pointer(as: T.self))
            // Smaller results are likely read back soon, so they stay on the ordinary path.
            if T.self == Float.self, count * MemoryLayout<Float>.stride >= streamingStoreBytes, let kernel = streamingKernel() {
                let (fx, fy, fo) = (UnsafeRawPointer(px).assumingMemoryBound(to: Float.self),
                                    UnsafeRawPointer(py).assumingMemoryBound(to: Float.self),
                                    UnsafeMutableRawPointer(po).assumingMemoryBound(to: Float.self))
                parallelFor(count, grain: elementwiseGrain) { range in
                    kernel(fx + range.lowerBound, fy + range.lowerBound, fo + range.lowerBound, Int64(range.count))
                }
                return
            }
            parallelFor(count, grain: elementwiseGrain) { range in
                for i in range { po[i] = f(px[i], py[i]) }
            }
        case .scalar(let s):
            // The same conversion as `Tensor(scalar:dtype:)`.
            let c: T = T.dtype.isFloatingPoint ? T(fromDouble: s.doubleValue) : T(fromInt64: s.int64Value)
            parallelFor(count, grain: elementwiseGrain) { range in
                for i in range { po[i] = f(px[i], c) }
            }
        }
    }
}


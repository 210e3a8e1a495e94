import CEmberKernels

/// Runs a fused optimizer kernel (CEmberKernels' `ember_optim.h`) on a parameter, its gradient
/// and up to three state tensors: one pass over memory instead of PyTorch's six to ten ops per
/// parameter, with the same roundings.
///
/// The kernels want contiguous float32 or float64 buffers. A non-contiguous parameter or state
/// is updated through a contiguous copy that is written back; float16 and bfloat16 tensors
/// through float32 copies that are rounded back once per step (PyTorch rounds after every op,
/// so half-precision results can differ from PyTorch's in the last bit of each update).
enum FusedStep {
    typealias Kernel<T> = (
        _ param: UnsafeMutablePointer<T>, _ grad: UnsafePointer<T>, _ s0: UnsafeMutablePointer<T>?,
        _ s1: UnsafeMutablePointer<T>?, _ s2: UnsafeMutablePointer<T>?, _ count: Int64
    ) -> Void

    static func run(
        _ op: String, param: Tensor, grad: Tensor, states s0: Tensor?, _ s1: Tensor? = nil, _ s2: Tensor? = nil,
        f32: Kernel<Float>, f64: Kernel<Double>
    ) {
        precondition(param.dtype.isFloatingPoint, "\(op): can only optimize floating-point parameters, got \(param.dtype)")
        precondition(grad.shape == param.shape, "\(op): gradient shape \(grad.shape) does not match parameter shape \(param.shape)")
        let compute: DType = param.dtype == .float64 ? .float64 : .float32
        let p = working(param, compute)
        let g = grad.dtype == compute && grad.isContiguous ? grad : grad.to(compute).contiguous()
        let w0 = s0.map { working($0, compute) }, w1 = s1.map { working($0, compute) }, w2 = s2.map { working($0, compute) }
        let count = param.count
        if compute == .float32 {
            launch(p, g, w0, w1, w2, count, as: Float.self, f32)
        } else {
            launch(p, g, w0, w1, w2, count, as: Double.self, f64)
        }
        writeBack(p, into: param)
        if let s0, let w0 { writeBack(w0, into: s0) }
        if let s1, let w1 { writeBack(w1, into: s1) }
        if let s2, let w2 { writeBack(w2, into: s2) }
    }

    /// The tensor itself when the kernel can write it directly, else a contiguous copy in `dtype`.
    private static func working(_ t: Tensor, _ dtype: DType) -> Tensor {
        if t.dtype == dtype && t.isContiguous { return t }
        let copy = Tensor(empty: t.shape, dtype: dtype)
        _ = copy.copy_(t)
        return copy
    }

    /// Publishes the update: copies a working copy back, or bumps the version of a tensor the
    /// kernel wrote directly (as PyTorch's in-place ops do, so autograd sees the change).
    private static func writeBack(_ work: Tensor, into target: Tensor) {
        if work.storage === target.storage {
            target.storage.bumpVersion()
        } else {
            _ = target.copy_(work)
        }
    }

    private static func launch<T: TensorElement>(
        _ p: Tensor, _ g: Tensor, _ s0: Tensor?, _ s1: Tensor?, _ s2: Tensor?, _ count: Int, as _: T.Type,
        _ kernel: Kernel<T>
    ) {
        guard count > 0 else { return }
        let pp = p.pointer(as: T.self), gp = UnsafePointer(g.pointer(as: T.self))
        let p0 = s0?.pointer(as: T.self), p1 = s1?.pointer(as: T.self), p2 = s2?.pointer(as: T.self)
        // Elementwise, so any split gives the same numbers.
        parallelFor(count, grain: elementwiseGrain) { range in
            let start = range.lowerBound
            kernel(pp + start, gp + start, p0.map { $0 + start }, p1.map { $0 + start }, p2.map { $0 + start }, Int64(range.count))
        }
    }
}

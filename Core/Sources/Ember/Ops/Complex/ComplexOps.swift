/// Complex-specific ops: conj, sgn, abs and angle of complex tensors, `Tensor.complex` and
/// `Tensor.polar`, and the gradient conventions they follow.
///
/// Gradients follow PyTorch's convention for complex autograd: the gradient a backward
/// receives and returns is the conjugate Wirtinger derivative ∂L/∂z̄ of a real loss, so for
/// s = f(z) it returns conj(g)·∂s/∂z̄ + g·conj(∂s/∂z). Holomorphic ops multiply by the conjugate
/// derivative (mul: g·conj(w), exp: g·conj(e^z)); abs gives g·z/|z|, angle g·i·z/|z|².

extension DType {
    /// Dtypes whose tensors can require gradients: floating and complex.
    var isDifferentiable: Bool { isFloatingPoint || isComplex }
}

extension Scalar {
    /// The complex conjugate (real scalars are their own).
    public var conjugate: Scalar {
        if case .complex(let re, let im) = self { return .complex(re, -im) }
        return self
    }
}

extension Tensor {
    /// `torch.conj` / `torch.conj_physical`: the imaginary parts negated. Complex tensors get
    /// a new tensor (Ember computes the conjugate eagerly; PyTorch's `conj` sets a lazy bit),
    /// real tensors return themselves, as in PyTorch. Backward: the conjugate of the gradient.
    public func conj() -> Tensor {
        guard dtype.isComplex else { return self }
        return unaryOp("ConjBackward0", saving: .nothing, { ElementwiseDispatch.unary(self, ConjOp()) }) { grad, _ in
            grad.conj()
        }
    }

    /// `torch.conj_physical` (the same as `conj` here, which is eager).
    public func conjPhysical() -> Tensor { conj() }

    /// `torch.sgn`: z / |z| for complex tensors (0 where z is 0), the sign for real ones.
    public func sgn() -> Tensor {
        guard dtype.isComplex else { return sign() }
        return unaryOp("SgnBackward0", saving: .input, { ElementwiseDispatch.unary(self, SgnOp()) }) { grad, z in
            // (g − sgn²·conj(g)) / (2|z|), and 0 where z is 0 (PyTorch's sgn_backward).
            let s = z.sgn()
            let magnitude = z.abs()
            let denominator = Tensor.where(magnitude.eq(0), .double(.infinity), magnitude.mul(2))
            return grad.sub(s.mul(s).mul(grad.conj())).div(denominator)
        }
    }

    /// |z| of a complex tensor as a real tensor (`torch.abs`), computed as `hypot`.
    func complexAbs() -> Tensor {
        let out = ComplexKernels.mapToReal(self, op: "abs") { ComplexMath.magnitude($0) } double: { ComplexMath.magnitude($0) }
        guard Autograd.needsGrad(self) else { return out }
        return Autograd.record("AbsBackward0", inputs: [self], output: out, saving: [self]) { grad, saved in
            [grad.mul(saved[0].sgn())]
        }
    }

    /// `torch.angle`: the argument atan2(imag, real) of complex elements as a real tensor; for
    /// real tensors π where x < 0, else 0 (NaN stays NaN), in a floating dtype.
    public func angle() -> Tensor {
        if !dtype.isComplex {
            return zeroGradOp("AngleBackward0") { ElementwiseDispatch.unary(self, RealAngleOp()) }
        }
        let out = ComplexKernels.mapToReal(self, op: "angle") { z -> Float in
            Float.atan2(y: z.rawStorage.y, x: z.rawStorage.x)
        } double: { z -> Double in
            Double.atan2(y: z.rawStorage.y, x: z.rawStorage.x)
        }
        guard Autograd.needsGrad(self) else { return out }
        return Autograd.record("AngleBackward0", inputs: [self], output: out, saving: [self]) { grad, saved in
            // grad · i·z / |z|², and 0 where z is 0 (PyTorch's angle_backward).
            let z = saved[0]
            let squared = z.abs().pow(2)
            let safe = Tensor.where(squared.eq(0), .double(1), squared)
            return [grad.mul(z).div(safe).mul(.complex(0, 1))]
        }
    }

    /// `torch.complex(real, imag)`: a complex tensor from float32 (→ complex64) or float64
    /// (→ complex128) parts of one dtype, broadcast together. Backward: the real and imaginary
    /// parts of the gradient.
    public static func complex(real: Tensor, imag: Tensor) -> Tensor {
        precondition(
            real.dtype == imag.dtype,
            "complex: Expected object of scalar type \(real.dtype.scalarTypeName) but got scalar type \(imag.dtype.scalarTypeName) for second argument")
        precondition(
            real.dtype == .float32 || real.dtype == .float64,
            "complex: Expected both inputs to be Half, Float or Double tensors but got \(real.dtype.scalarTypeName) and \(imag.dtype.scalarTypeName)")
        let shape = Shape.broadcast(real.shape, imag.shape, op: "complex")
        let out = Tensor(empty: shape, dtype: real.dtype.toComplex)
        withNoGrad {
            let pairs = out.rawViewAsReal()
            pairs.select(-1, 0).copy_(real)
            pairs.select(-1, 1).copy_(imag)
        }
        guard Autograd.needsGrad(real, imag) else { return out }
        return Autograd.record("ComplexBackward0", inputs: [real, imag], output: out) { grad, _ in
            [grad.real, grad.imag]
        }
    }

    /// `torch.polar(abs, angle)`: abs·(cos(angle) + i·sin(angle)), built from `complex(real:imag:)`
    /// (so its gradient is that of the composite; PyTorch's `PolarBackward0` gives the same values).
    public static func polar(abs: Tensor, angle: Tensor) -> Tensor {
        precondition(
            abs.dtype == angle.dtype && (abs.dtype == .float32 || abs.dtype == .float64),
            "polar: expected abs and angle of one dtype, float32 or float64 (got \(abs.dtype) and \(angle.dtype))")
        return complex(real: abs.mul(angle.cos()), imag: abs.mul(angle.sin()))
    }
}

/// `torch.angle` of real values: π for negatives, NaN for NaN, else 0.
struct RealAngleOp: UnaryOp {
    var name: String { "angle" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { x.isNaN ? x : (x < 0 ? T.pi : 0) }
}

extension ComplexKernels {
    /// A real tensor (the components' dtype) of `f` applied to each complex element.
    static func mapToReal(
        _ x: Tensor, op: String, float: (Complex<Float>) -> Float, double: (Complex<Double>) -> Double
    ) -> Tensor {
        precondition(x.dtype.isComplex, "internal: \(op) on \(x.dtype) is not a complex kernel")
        let out = Elementwise.makeOutput(shape: x.shape, dtype: x.dtype.toReal, like: [x])
        if x.dtype == .complex64 {
            Elementwise.map(x, into: out, float)
        } else {
            Elementwise.map(x, into: out, double)
        }
        return out
    }
}

/// sum and mean of complex tensors: the real and imaginary parts reduce separately, through
/// the real kernels on `viewAsReal` (differentiable views, so the gradient is the real
/// reductions' gradient read back as complex).
enum ComplexReduction {
    static func sum(_ input: Tensor, dims: [Int]?, keepDim: Bool, dtype: DType?, mean: Bool) -> Tensor {
        let op = mean ? "mean" : "sum"
        if let dtype {
            precondition(
                dtype.isComplex,
                "\(op)(): the dtype of a complex tensor's \(op) must be complex, got \(dtype)")
        }
        let x = dtype.map { input.to($0) } ?? input
        let pairs = x.viewAsReal()
        let reduced: Tensor
        if let dims, !dims.isEmpty {
            let axes = dims.map { Shape.normalize($0, rank: x.dim, op: op) }
            reduced = mean ? pairs.mean(dims: axes, keepDim: keepDim) : pairs.sum(dims: axes, keepDim: keepDim)
        } else {
            let flat = pairs.reshape([-1, 2])
            reduced = mean ? flat.mean(dim: 0) : flat.sum(dim: 0)
            if keepDim {
                return reduced.contiguous().viewAsComplex().reshape([Int](repeating: 1, count: x.dim))
            }
        }
        return reduced.contiguous().viewAsComplex()
    }
}

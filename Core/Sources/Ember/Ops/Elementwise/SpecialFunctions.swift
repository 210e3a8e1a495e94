import CEmberKernels
import RealModule

/// sigmoid, erf, erfc and erfinv. Integer and bool inputs give float32.

struct SigmoidOp: UnaryOp {
    var name: String { "sigmoid" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { 1 / (1 + T.exp(-x)) }
}

struct ErfOp: UnaryOp {
    var name: String { "erf" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { T.erf(x) }
}

struct ErfcOp: UnaryOp {
    var name: String { "erfc" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { T.erfc(x) }
}

struct ErfinvOp: UnaryOp {
    var name: String { "erfinv" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { T(fromDouble: erfinv(x.doubleValue)) }
}

/// The inverse error function in double: Giles' single-precision approximation ("Approximating
/// the erfinv function", 2010) refined by two Newton steps on erf, which brings it to double
/// precision; exact ±inf at ±1 and NaN outside [-1, 1].
func erfinv(_ x: Double) -> Double {
    if x.isNaN || x < -1 || x > 1 { return .nan }
    if x == 1 { return .infinity }
    if x == -1 { return -.infinity }
    if x == 0 { return x }
    var w = -Double.log(onePlus: -x * x)
    var p: Double
    if w < 5 {
        w -= 2.5
        p = 2.81022636e-08
        p = 3.43273939e-07 + p * w
        p = -3.5233877e-06 + p * w
        p = -4.39150654e-06 + p * w
        p = 0.00021858087 + p * w
        p = -0.00125372503 + p * w
        p = -0.00417768164 + p * w
        p = 0.246640727 + p * w
        p = 1.50140941 + p * w
    } else {
        w = w.squareRoot() - 3
        p = -0.000200214257
        p = 0.000100950558 + p * w
        p = 0.00134934322 + p * w
        p = -0.00367342844 + p * w
        p = 0.00573950773 + p * w
        p = -0.0076224613 + p * w
        p = 0.00943887047 + p * w
        p = 1.00167406 + p * w
        p = 2.83297682 + p * w
    }
    var y = p * x
    // Newton on erf(y) - x: the derivative is 2/sqrt(pi) e^{-y^2}.
    for _ in 0..<2 {
        let err = Double.erf(y) - x
        y -= err / (1.1283791670955126 * Double.exp(-y * y))
    }
    return y
}

extension Tensor {
    /// `torch.sigmoid`: 1 / (1 + e^-x). Contiguous float32 runs through a vectorised kernel.
    public func sigmoid() -> Tensor {
        unaryOp("SigmoidBackward0", saving: .output, { ElementwiseDispatch.unary(self, SigmoidOp(), fast: ember_sigmoid_f32) }) {
            grad, y in ActivationBackward.sigmoid(grad, y)
        }
    }
    /// `torch.erf`.
    public func erf() -> Tensor {
        unaryOp("ErfBackward0", saving: .input, { ElementwiseDispatch.unary(self, ErfOp()) }) { grad, x in
            x.mul(x).neg().exp().mul(1.1283791670955126).mul(grad)
        }
    }
    /// `torch.erfc`: 1 - erf(x), accurate in the tail.
    public func erfc() -> Tensor {
        unaryOp("ErfcBackward0", saving: .input, { ElementwiseDispatch.unary(self, ErfcOp()) }) { grad, x in
            x.mul(x).neg().exp().mul(-1.1283791670955126).mul(grad)
        }
    }
    /// `torch.erfinv`: the inverse of erf on [-1, 1]. The gradient √π/2 e^(y²) reads the
    /// output, which PyTorch recomputes from the input.
    public func erfinv() -> Tensor {
        unaryOp("ErfinvBackward0", saving: .output, { ElementwiseDispatch.unary(self, ErfinvOp()) }) { grad, y in
            y.pow(2).exp().mul(0.88622692545275801365).mul(grad)
        }
    }

    @discardableResult public func sigmoid_() -> Tensor {
        inPlaceOp("sigmoid_", raw: { _ = ElementwiseDispatch.unary(self, SigmoidOp(), out: self, fast: ember_sigmoid_f32) }) {
            $0.sigmoid()
        }
    }
    @discardableResult public func erf_() -> Tensor {
        inPlaceOp("erf_", raw: { _ = ElementwiseDispatch.unary(self, ErfOp(), out: self) }) { $0.erf() }
    }
    @discardableResult public func erfc_() -> Tensor {
        inPlaceOp("erfc_", raw: { _ = ElementwiseDispatch.unary(self, ErfcOp(), out: self) }) { $0.erfc() }
    }
    @discardableResult public func erfinv_() -> Tensor {
        inPlaceOp("erfinv_", raw: { _ = ElementwiseDispatch.unary(self, ErfinvOp(), out: self) }) { $0.erfinv() }
    }
}

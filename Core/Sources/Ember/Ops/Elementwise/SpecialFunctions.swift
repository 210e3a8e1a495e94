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
    public func sigmoid() -> Tensor { ElementwiseDispatch.unary(self, SigmoidOp(), fast: ember_sigmoid_f32) }
    /// `torch.erf`.
    public func erf() -> Tensor { ElementwiseDispatch.unary(self, ErfOp()) }
    /// `torch.erfc`: 1 - erf(x), accurate in the tail.
    public func erfc() -> Tensor { ElementwiseDispatch.unary(self, ErfcOp()) }
    /// `torch.erfinv`: the inverse of erf on [-1, 1].
    public func erfinv() -> Tensor { ElementwiseDispatch.unary(self, ErfinvOp()) }

    @discardableResult public func sigmoid_() -> Tensor { ElementwiseDispatch.unary(self, SigmoidOp(), out: self, fast: ember_sigmoid_f32) }
    @discardableResult public func erf_() -> Tensor { ElementwiseDispatch.unary(self, ErfOp(), out: self) }
    @discardableResult public func erfc_() -> Tensor { ElementwiseDispatch.unary(self, ErfcOp(), out: self) }
    @discardableResult public func erfinv_() -> Tensor { ElementwiseDispatch.unary(self, ErfinvOp(), out: self) }
}

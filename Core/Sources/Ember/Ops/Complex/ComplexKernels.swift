import RealModule

/// Complex arithmetic for the elementwise machinery. Ops opt in with `supportsComplex` and
/// `applyComplex` (add, sub, mul, div, neg, exp, conj, sgn, eq, ne); the generic kernels in
/// `ElementwiseOp.swift` run them on `Complex<Float>` / `Complex<Double>` and stop with
/// PyTorch's "not implemented for 'ComplexFloat'" for every other op.
///
/// The formulas are those of PyTorch's `c10::complex` on raw IEEE components (swift-numerics'
/// `real`, `imaginary` and `==` treat every non-finite value as one point at infinity, which
/// PyTorch does not): products are the textbook `(ac − bd, ad + bc)` and division is the scaled
/// (Smith's) form of `c10::complex::operator/=`.

extension BinaryOp {
    var supportsComplex: Bool { false }
    func applyComplex<R: ComplexComponent>(_ a: Complex<R>, _ b: Complex<R>) -> Complex<R> {
        preconditionFailure(ComplexSupport.unsupported(name, R.complexDType))
    }
}

extension UnaryOp {
    var supportsComplex: Bool { false }
    func applyComplex<R: ComplexComponent>(_ x: Complex<R>) -> Complex<R> {
        preconditionFailure(ComplexSupport.unsupported(name, R.complexDType))
    }
}

extension ComparisonOp {
    var supportsComplex: Bool { false }
    func applyComplex<R: ComplexComponent>(_ a: Complex<R>, _ b: Complex<R>) -> Bool {
        preconditionFailure(ComplexSupport.unsupported(name, R.complexDType))
    }
}

extension ComplexSupport {
    /// Stops before a kernel runs when `supported` is false (the op has no complex formula).
    @inline(__always)
    static func check(_ supported: Bool, _ op: String, _ dtype: DType) {
        if !supported { preconditionFailure(unsupported(op, dtype)) }
    }
}

/// Raw-component helpers (IEEE semantics, no non-finite fix-ups).
enum ComplexMath {
    @inline(__always) static func parts<R>(_ z: Complex<R>) -> (R, R) { (z.rawStorage.x, z.rawStorage.y) }

    @inline(__always) static func multiply<R: ComplexComponent>(_ z: Complex<R>, _ w: Complex<R>) -> Complex<R> {
        let (a, b) = parts(z), (c, d) = parts(w)
        return Complex(a * c - b * d, a * d + b * c)
    }

    /// `c10::complex<T>::operator/=` (numpy's scaled division).
    @inline(__always) static func divide<R: ComplexComponent>(_ z: Complex<R>, _ w: Complex<R>) -> Complex<R> {
        let (a, b) = parts(z), (c, d) = parts(w)
        let (absC, absD) = (Swift.abs(c), Swift.abs(d))
        if absC >= absD {
            if absC == 0 && absD == 0 { return Complex(a / absC, b / absD) }
            let rat = d / c
            let scl = 1 / (c + d * rat)
            return Complex((a + b * rat) * scl, (b - a * rat) * scl)
        }
        let rat = c / d
        let scl = 1 / (d + c * rat)
        return Complex((a * rat + b) * scl, (b * rat - a) * scl)
    }

    /// |z| as `std::abs` (hypot: no overflow for large components).
    @inline(__always) static func magnitude<R: ComplexComponent>(_ z: Complex<R>) -> R {
        let (a, b) = parts(z)
        return R.hypot(a, b)
    }
}

extension AddOp {
    var supportsComplex: Bool { true }
    @inline(__always) func applyComplex<R: ComplexComponent>(_ a: Complex<R>, _ b: Complex<R>) -> Complex<R> {
        Complex(a.rawStorage.x + b.rawStorage.x, a.rawStorage.y + b.rawStorage.y)
    }
}

extension SubOp {
    var supportsComplex: Bool { true }
    @inline(__always) func applyComplex<R: ComplexComponent>(_ a: Complex<R>, _ b: Complex<R>) -> Complex<R> {
        Complex(a.rawStorage.x - b.rawStorage.x, a.rawStorage.y - b.rawStorage.y)
    }
}

extension MulOp {
    var supportsComplex: Bool { true }
    @inline(__always) func applyComplex<R: ComplexComponent>(_ a: Complex<R>, _ b: Complex<R>) -> Complex<R> {
        ComplexMath.multiply(a, b)
    }
}

extension TrueDivOp {
    var supportsComplex: Bool { true }
    @inline(__always) func applyComplex<R: ComplexComponent>(_ a: Complex<R>, _ b: Complex<R>) -> Complex<R> {
        ComplexMath.divide(a, b)
    }
}

extension NegOp {
    var supportsComplex: Bool { true }
    @inline(__always) func applyComplex<R: ComplexComponent>(_ x: Complex<R>) -> Complex<R> {
        Complex(-x.rawStorage.x, -x.rawStorage.y)
    }
}

extension ExpOp {
    var supportsComplex: Bool { true }
    /// exp(a + bi) = e^a (cos b + i sin b), as `std::exp` computes it for finite values.
    @inline(__always) func applyComplex<R: ComplexComponent>(_ x: Complex<R>) -> Complex<R> {
        let (a, b) = ComplexMath.parts(x)
        let e = R.exp(a)
        return Complex(e * R.cos(b), e * R.sin(b))
    }
}

/// `torch.conj_physical`: the imaginary part negated (the identity on real values).
struct ConjOp: UnaryOp {
    var name: String { "conj" }
    var integersPromoteToFloat: Bool { false }
    var supportsComplex: Bool { true }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { x }
    @inline(__always) func apply<T: IntegerElement>(_ x: T) -> T { x }
    @inline(__always) func applyBool(_ x: Bool) -> Bool? { x }
    @inline(__always) func applyComplex<R: ComplexComponent>(_ x: Complex<R>) -> Complex<R> {
        Complex(x.rawStorage.x, -x.rawStorage.y)
    }
}

/// `torch.sgn`: z / |z|, and 0 at 0.
struct SgnOp: UnaryOp {
    var name: String { "sgn" }
    var integersPromoteToFloat: Bool { false }
    var supportsComplex: Bool { true }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { (x > 0 ? 1 : 0) - (x < 0 ? 1 : 0) }
    @inline(__always) func apply<T: IntegerElement>(_ x: T) -> T { (x > 0 ? 1 : 0) &- (x < 0 ? 1 : 0) }
    @inline(__always) func applyBool(_ x: Bool) -> Bool? { x }
    @inline(__always) func applyComplex<R: ComplexComponent>(_ x: Complex<R>) -> Complex<R> {
        let (a, b) = ComplexMath.parts(x)
        if a == 0 && b == 0 { return Complex(0, 0) }
        let m = R.hypot(a, b)
        return Complex(a / m, b / m)
    }
}

extension EqOp {
    var supportsComplex: Bool { true }
    /// Componentwise IEEE equality (NaN is unequal to everything, as in PyTorch).
    @inline(__always) func applyComplex<R: ComplexComponent>(_ a: Complex<R>, _ b: Complex<R>) -> Bool {
        a.rawStorage.x == b.rawStorage.x && a.rawStorage.y == b.rawStorage.y
    }
}

extension NeOp {
    var supportsComplex: Bool { true }
    @inline(__always) func applyComplex<R: ComplexComponent>(_ a: Complex<R>, _ b: Complex<R>) -> Bool {
        a.rawStorage.x != b.rawStorage.x || a.rawStorage.y != b.rawStorage.y
    }
}

/// Complex kernels outside the op protocols (results of another dtype).
enum ComplexKernels {}

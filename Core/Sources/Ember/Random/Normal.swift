import Foundation

/// Normal numbers: `normal_`, `randn`, `randn_like`.
///
/// PyTorch has two paths and both are reproduced because they give different numbers: a
/// contiguous tensor of at least 16 elements is filled with uniforms first and transformed
/// 16 at a time (8 pairs through Box-Muller, cosines in the first half of each block, sines
/// in the second; a ragged tail redraws and transforms the last 16 elements); smaller or
/// strided tensors draw one double normal per element, using the sine branch cached on the
/// generator every other time.
extension Tensor {
    /// Fills the tensor in place with normal numbers (`tensor.normal_(mean, std)`).
    @discardableResult
    public func normal_(mean: Double = 0, std: Double = 1, generator: Generator? = nil) -> Tensor {
        precondition(dtype.isFloatingPoint, "normal_: expected a floating point tensor, got \(dtype)")
        precondition(std >= 0, "normal_: expects std >= 0.0, but found std \(std)")
        let gen = generator ?? Random.defaultGenerator
        gen.withLock {
            if count >= 16 && isContiguous {
                switch dtype {
                case .float32: normalFill16AVX2(gen, mean: Float(mean), std: Float(std))
                case .float64: normalFill16(Double.self, gen, mean: mean, std: std) { gen.uniformDouble() }
                case .float16:
                    normalFill16Half(Float16.self, gen, mean: mean, std: std, digits: 11) { Float16($0) } toFloat: { Float($0) }
                case .bfloat16:
                    normalFill16Half(BFloat16.self, gen, mean: mean, std: std, digits: 8) { BFloat16($0) } toFloat: { $0.floatValue }
                default: preconditionFailure("normal_: no kernel for \(dtype)")
                }
            } else {
                struct Scalar: DTypeVisitor {
                    let t: Tensor, gen: Generator, mean: Double, std: Double
                    func visit<T: TensorElement>(_: T.Type) {
                        t.fillSerially(T.self) { T(fromDouble: gen.normalDouble(mean: mean, std: std)) }
                    }
                }
                dtype.visit(Scalar(t: self, gen: gen, mean: mean, std: std))
            }
        }
        storage.bumpVersion()
        return self
    }

    private func normalFill16<T: BinaryFloatingPoint & ElementaryFunctionsShim>(
        _: T.Type, _ gen: Generator, mean: T, std: T, uniform: () -> T
    ) where T: TensorElement {
        let data = pointer(as: T.self)
        let n = count
        for i in 0..<n { data[i] = uniform() }
        var i = 0
        while i + 16 <= n {
            Self.boxMuller16(data + i, mean: mean, std: std)
            i += 16
        }
        if n % 16 != 0 {
            let tail = data + n - 16
            for j in 0..<16 { tail[j] = uniform() }
            Self.boxMuller16(tail, mean: mean, std: std)
        }
    }

    /// float32 blocks as PyTorch's AVX2 kernel computes them: 2π rounded to float, the
    /// Cephes log and sincos, and a fused multiply-add for `n · std + mean`.
    private func normalFill16AVX2(_ gen: Generator, mean: Float, std: Float) {
        let data = pointer(as: Float.self)
        let n = count
        let twoPi = Float(2.0 * Double.pi)
        func block(_ p: UnsafeMutablePointer<Float>) {
            for j in 0..<8 {
                let u1 = 1 - p[j]
                let u2 = p[j + 8]
                let radius = (-2 * CephesFloat.log(u1)).squareRoot()
                let (sine, cosine) = CephesFloat.sincos(twoPi * u2)
                p[j] = mean.addingProduct(radius * cosine, std)
                p[j + 8] = mean.addingProduct(radius * sine, std)
            }
        }
        for i in 0..<n { data[i] = gen.uniformFloat() }
        var i = 0
        while i + 16 <= n {
            block(data + i)
            i += 16
        }
        if n % 16 != 0 {
            let tail = data + n - 16
            for j in 0..<16 { tail[j] = gen.uniformFloat() }
            block(tail)
        }
    }

    @inline(__always)
    private static func boxMuller16<T: BinaryFloatingPoint & ElementaryFunctionsShim>(
        _ data: UnsafeMutablePointer<T>, mean: T, std: T
    ) {
        for j in 0..<8 {
            let u1 = 1 - data[j]
            let u2 = data[j + 8]
            let radius = (-2 * T.shimLog(u1)).squareRoot()
            // PyTorch multiplies by 2π in double before rounding to the element type.
            let theta = T(2.0 * Double.pi * Double(u2))
            data[j] = radius * T.shimCos(theta) * std + mean
            data[j + 8] = radius * T.shimSin(theta) * std + mean
        }
    }

    /// The 16-at-a-time path for float16/bfloat16: PyTorch draws mantissa-width uniforms and
    /// rounds each intermediate to the 16-bit type.
    private func normalFill16Half<H: TensorElement>(
        _: H.Type, _ gen: Generator, mean: Double, std: Double, digits: UInt32,
        fromFloat: @escaping (Float) -> H, toFloat: @escaping (H) -> Float
    ) {
        let data = pointer(as: H.self)
        let n = count
        let mask = (UInt32(1) << digits) - 1
        let scale = 1 / Float(UInt32(1) << digits)
        let uniform = { fromFloat(Float(gen.random32() & mask) * scale) }
        let r: (Float) -> Float = { toFloat(fromFloat($0)) }
        let (m, s) = (r(Float(mean)), r(Float(std)))
        func block(_ p: UnsafeMutablePointer<H>) {
            for j in 0..<8 {
                let u1 = r(1 - toFloat(p[j]))
                let u2 = toFloat(p[j + 8])
                let radius = r(r(-2 * r(Foundation.log(u1))).squareRoot())
                let theta = r(Float(2.0 * Double.pi * Double(u2)))
                p[j] = fromFloat(r(r(radius * r(Foundation.cos(theta))) * s) + m)
                p[j + 8] = fromFloat(r(r(radius * r(Foundation.sin(theta))) * s) + m)
            }
        }
        for i in 0..<n { data[i] = uniform() }
        var i = 0
        while i + 16 <= n {
            block(data + i)
            i += 16
        }
        if n % 16 != 0 {
            let tail = data + n - 16
            for j in 0..<16 { tail[j] = uniform() }
            block(tail)
        }
    }

    /// `torch.randn(shape)`: standard normal numbers.
    public static func randn(_ shape: [Int], dtype: DType = .defaultFloat, generator: Generator? = nil) -> Tensor {
        precondition(dtype.isFloatingPoint, "randn: expected a floating point dtype, got \(dtype)")
        return Tensor(empty: shape, dtype: dtype).normal_(generator: generator)
    }

    /// `torch.randn_like(t)`.
    public static func randnLike(_ t: Tensor, dtype: DType? = nil, generator: Generator? = nil) -> Tensor {
        randn(t.shape, dtype: dtype ?? t.dtype, generator: generator)
    }

    /// `torch.normal(mean, std, size)`.
    public static func normal(
        mean: Double, std: Double, _ shape: [Int], dtype: DType = .defaultFloat, generator: Generator? = nil
    ) -> Tensor {
        Tensor(empty: shape, dtype: dtype).normal_(mean: mean, std: std, generator: generator)
    }
}

/// The C library's single and double precision log/sin/cos, as PyTorch's scalar kernels call them.
protocol ElementaryFunctionsShim {
    static func shimLog(_ x: Self) -> Self
    static func shimCos(_ x: Self) -> Self
    static func shimSin(_ x: Self) -> Self
}

extension Float: ElementaryFunctionsShim {
    @inline(__always) static func shimLog(_ x: Float) -> Float { Foundation.logf(x) }
    @inline(__always) static func shimCos(_ x: Float) -> Float { Foundation.cosf(x) }
    @inline(__always) static func shimSin(_ x: Float) -> Float { Foundation.sinf(x) }
}

extension Double: ElementaryFunctionsShim {
    @inline(__always) static func shimLog(_ x: Double) -> Double { Foundation.log(x) }
    @inline(__always) static func shimCos(_ x: Double) -> Double { Foundation.cos(x) }
    @inline(__always) static func shimSin(_ x: Double) -> Double { Foundation.sin(x) }
}

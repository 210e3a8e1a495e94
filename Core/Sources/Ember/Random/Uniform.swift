/// Uniform numbers: `uniform_`, `rand`, `rand_like`.
extension Tensor {
    /// Fills the tensor in place with numbers drawn uniformly from [from, to)
    /// (`tensor.uniform_(from, to)`), with PyTorch's draws: float32 takes 24 bits of one
    /// 32-bit word, float64 53 bits of a 64-bit draw, float16/bfloat16 their mantissa width.
    /// The scaling `u · (to - from) + from` is one fused multiply-add, as PyTorch's compiled
    /// kernel does it.
    @discardableResult
    public func uniform_(from: Double = 0, to: Double = 1, generator: Generator? = nil) -> Tensor {
        precondition(dtype.isFloatingPoint, "uniform_: expected a floating point tensor, got \(dtype)")
        precondition(
            from <= to, "uniform_: expects to return a [from, to) range, but found from=\(from) > to=\(to)")
        let gen = generator ?? Random.defaultGenerator
        gen.withLock {
            switch dtype {
            case .float32:
                let (a, b) = (Float(from), Float(to))
                let range = b - a
                fillSerially(Float.self) { a.addingProduct(gen.uniformFloat(), range) }
            case .float64:
                let range = to - from
                fillSerially(Double.self) { from.addingProduct(gen.uniformDouble(), range) }
            case .float16:
                let (a, b) = (Float(Float16(from)), Float(Float16(to)))
                fillSerially(Float16.self) { Float16(Self.uniformHalfBits(gen, digits: 11) * (b - a) + a) }
            case .bfloat16:
                let (a, b) = (BFloat16(Float(from)).floatValue, BFloat16(Float(to)).floatValue)
                fillSerially(BFloat16.self) { BFloat16(Self.uniformHalfBits(gen, digits: 8) * (b - a) + a) }
            default:
                preconditionFailure("uniform_: no kernel for \(dtype)")
            }
        }
        storage.bumpVersion()
        return self
    }

    /// A 16-bit float's uniform draw: as many random bits as the type has significand digits.
    @inline(__always)
    private static func uniformHalfBits(_ gen: Generator, digits: UInt32) -> Float {
        let mask = (UInt32(1) << digits) - 1
        return Float(gen.random32() & mask) / Float(UInt32(1) << digits)
    }

    /// `torch.rand(shape)`: uniform numbers in [0, 1).
    public static func rand(_ shape: [Int], dtype: DType = .defaultFloat, generator: Generator? = nil) -> Tensor {
        precondition(dtype.isFloatingPoint, "rand: expected a floating point dtype, got \(dtype)")
        return Tensor(empty: shape, dtype: dtype).uniform_(generator: generator)
    }

    /// `torch.rand_like(t)`.
    public static func randLike(_ t: Tensor, dtype: DType? = nil, generator: Generator? = nil) -> Tensor {
        rand(t.shape, dtype: dtype ?? t.dtype, generator: generator)
    }
}

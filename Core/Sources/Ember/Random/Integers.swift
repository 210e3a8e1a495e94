/// Random integers: `randint`, `random_(from, to)`, `randperm`.
extension Tensor {
    /// Fills the tensor in place with integers drawn uniformly from [low, high)
    /// (`tensor.random_(low, high)`). Like PyTorch, a narrow range takes one 32-bit word per
    /// element and a wide one a 64-bit draw, reduced modulo the range: wide means from 2²⁸ on
    /// for int64, int32 and float64 (PyTorch avoids the modulo bias of 32-bit draws there),
    /// from 2³² on for float32 and bfloat16.
    @discardableResult
    public func random_(_ low: Int64, _ high: Int64, generator: Generator? = nil) -> Tensor {
        precondition(dtype != .bool || (low >= 0 && high <= 2), "random_: from and to must be in [0, 2] for bool, got [\(low), \(high))")
        precondition(low < high, "random_: expects 'from' to be less than 'to', but got from=\(low) >= to=\(high)")
        let range = UInt64(bitPattern: high &- low)
        let gen = generator ?? Random.defaultGenerator
        struct Fill: DTypeVisitor {
            static var handlesUnsigned: Bool { true }
            let t: Tensor, gen: Generator, range: UInt64, low: Int64
            func visit<T: TensorElement>(_: T.Type) {
                let (range, low, gen) = (range, low, gen)
                let wide: Bool
                switch T.dtype {
                case .int64, .int32, .float64, .uint64, .uint32: wide = range >= 1 << 28
                case .float32, .bfloat16: wide = range >= 1 << 32
                default: wide = false
                }
                if wide {
                    t.fillSerially(T.self) { T(fromInt64: Int64(bitPattern: gen.random64() % range &+ UInt64(bitPattern: low))) }
                } else {
                    t.fillSerially(T.self) { T(fromInt64: Int64(bitPattern: UInt64(gen.random32()) % range &+ UInt64(bitPattern: low))) }
                }
            }
        }
        gen.withLock { dtype.visit(Fill(t: self, gen: gen, range: range, low: low)) }
        storage.bumpVersion()
        return self
    }

    /// `torch.randint(low, high, shape)`: integers uniform in [low, high), int64 by default.
    public static func randint(
        _ low: Int, _ high: Int, _ shape: [Int], dtype: DType = .int64, generator: Generator? = nil
    ) -> Tensor {
        precondition(
            low < high, "randint: random_ expects 'from' to be less than 'to', but got from=\(low) >= to=\(high)")
        return Tensor(empty: shape, dtype: dtype).random_(Int64(low), Int64(high), generator: generator)
    }

    /// `torch.randint(high, shape)`: integers uniform in [0, high).
    public static func randint(_ high: Int, _ shape: [Int], dtype: DType = .int64, generator: Generator? = nil) -> Tensor {
        randint(0, high, shape, dtype: dtype, generator: generator)
    }

    /// `torch.randint_like(t, low, high)`.
    public static func randintLike(_ t: Tensor, _ low: Int, _ high: Int, dtype: DType? = nil, generator: Generator? = nil) -> Tensor {
        randint(low, high, t.shape, dtype: dtype ?? t.dtype, generator: generator)
    }

    /// `torch.randperm(n)`: a random permutation of 0..<n, with PyTorch's shuffle (a
    /// Fisher-Yates pass with 32-bit draws for n below 2³²/20, the inside-out variant with
    /// 64-bit draws above), so seeded results match PyTorch's.
    public static func randperm(_ n: Int, dtype: DType = .int64, generator: Generator? = nil) -> Tensor {
        precondition(n >= 0, "randperm: n must be non-negative, got \(n)")
        precondition(dtype != .bool, "randperm: not implemented for 'Bool'")
        let gen = generator ?? Random.defaultGenerator
        var values = [Int64](repeating: 0, count: n)
        gen.withLock {
            values.withUnsafeMutableBufferPointer { r in
                if n < Int(UInt32.max / 20) {
                    for i in 0..<n { r[i] = Int64(i) }
                    if n > 1 {
                        for i in 0..<(n - 1) {
                            let z = Int(UInt64(gen.random32()) % UInt64(n - i))
                            r.swapAt(i, z + i)
                        }
                    }
                } else {
                    for i in 0..<n {
                        let z = Int(gen.random64() % UInt64(i + 1))
                        r[i] = r[z]
                        r[z] = Int64(i)
                    }
                }
            }
        }
        return Tensor(values, shape: [n]).to(dtype)
    }
}

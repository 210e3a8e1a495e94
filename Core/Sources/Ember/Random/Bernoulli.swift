/// Bernoulli draws: `bernoulli`, `bernoulli_`.
///
/// PyTorch compares one uniform draw per element with its probability: a float32 (or
/// narrower) probability tensor draws 24-bit floats, a float64 tensor and a scalar
/// probability draw 53-bit doubles. (On Intel CPUs with MKL, PyTorch's scalar-probability
/// path uses MKL's own stream instead, so seeded results only match PyTorch elsewhere.)
extension Tensor {
    /// Fills the tensor with 1 with probability `p`, else 0 (`tensor.bernoulli_(p)`).
    @discardableResult
    public func bernoulli_(p: Double, generator: Generator? = nil) -> Tensor {
        precondition(p >= 0 && p <= 1, "bernoulli_: expected p to be in [0, 1], but got p=\(p)")
        let gen = generator ?? Random.defaultGenerator
        struct Fill: DTypeVisitor {
            let t: Tensor, gen: Generator, p: Double
            func visit<T: TensorElement>(_: T.Type) {
                let (gen, p) = (gen, p)
                t.fillSerially(T.self) { T(fromInt64: gen.uniformDouble() < p ? 1 : 0) }
            }
        }
        gen.withLock { dtype.visit(Fill(t: self, gen: gen, p: p)) }
        storage.bumpVersion()
        return self
    }

    /// Fills element i with 1 with probability `p[i]` (`tensor.bernoulli_(p)`; `p` broadcasts).
    @discardableResult
    public func bernoulli_(p: Tensor, generator: Generator? = nil) -> Tensor {
        precondition(p.dtype.isFloatingPoint, "bernoulli_: expected a floating point probability tensor, got \(p.dtype)")
        precondition(
            Shape.broadcast(p.shape, shape, op: "bernoulli_") == shape,
            "bernoulli_: probabilities of shape \(p.shape) cannot be broadcast to the tensor's shape \(shape)")
        let gen = generator ?? Random.defaultGenerator
        let probabilities = p.dtype == .float64 ? p : p.to(.float32)
        struct Fill: DTypeVisitor {
            let t: Tensor, p: Tensor, gen: Generator
            func visit<T: TensorElement>(_: T.Type) {
                let gen = gen
                if p.dtype == .float64 {
                    t.fillSerially(T.self, reading: p, Double.self) { T(fromInt64: gen.uniformDouble() < $0 ? 1 : 0) }
                } else {
                    t.fillSerially(T.self, reading: p, Float.self) { T(fromInt64: gen.uniformFloat() < $0 ? 1 : 0) }
                }
            }
        }
        gen.withLock { dtype.visit(Fill(t: self, p: probabilities, gen: gen)) }
        storage.bumpVersion()
        return self
    }

    /// `torch.bernoulli(p)`: 0/1 draws with the probabilities in `self`, in its dtype.
    public func bernoulli(generator: Generator? = nil) -> Tensor {
        precondition(dtype.isFloatingPoint, "bernoulli: expected a floating point tensor of probabilities, got \(dtype)")
        return Tensor(empty: shape, dtype: dtype).bernoulli_(p: self, generator: generator)
    }

    /// `torch.bernoulli(input, p)`: a tensor shaped like `self` of draws with probability `p`.
    public func bernoulli(p: Double, generator: Generator? = nil) -> Tensor {
        Tensor(empty: shape, dtype: dtype).bernoulli_(p: p, generator: generator)
    }
}

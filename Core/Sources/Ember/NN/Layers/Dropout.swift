/// Dropout layers (`nn.Dropout`, `nn.Dropout1d`, `nn.Dropout2d`, `nn.Dropout3d`): random
/// zeroing in training mode, the identity in evaluation mode. Draws come from `generator`, or
/// the default generator when it is nil.

/// Zeroes each element with probability `p` in training, scaling the rest by 1 / (1 - p).
public final class Dropout: Module, UnaryLayer {
    public let p: Double
    public let inplace: Bool
    /// The generator the masks are drawn from; nil uses the default generator.
    public var generator: Generator?

    public init(p: Double = 0.5, inplace: Bool = false, generator: Generator? = nil) {
        precondition(p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got \(p)")
        self.p = p
        self.inplace = inplace
        self.generator = generator
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        Functional.dropout(input, p: p, training: training, inplace: inplace, generator: generator)
    }

    public override var extraRepr: String { "p=\(p), inplace=\(pythonBool(inplace))" }
}

/// Zeroes whole channels of `(N, C, L)` / `(C, L)` input with probability `p` in training.
public final class Dropout1d: Module, UnaryLayer {
    public let p: Double
    public let inplace: Bool
    public var generator: Generator?

    public init(p: Double = 0.5, inplace: Bool = false, generator: Generator? = nil) {
        precondition(p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got \(p)")
        self.p = p
        self.inplace = inplace
        self.generator = generator
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        Functional.dropout1d(input, p: p, training: training, inplace: inplace, generator: generator)
    }

    public override var extraRepr: String { "p=\(p), inplace=\(pythonBool(inplace))" }
}

/// Zeroes whole channels of `(N, C, H, W)` input with probability `p` in training (3-D input
/// is read as `(N, C, L)`, as PyTorch does).
public final class Dropout2d: Module, UnaryLayer {
    public let p: Double
    public let inplace: Bool
    public var generator: Generator?

    public init(p: Double = 0.5, inplace: Bool = false, generator: Generator? = nil) {
        precondition(p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got \(p)")
        self.p = p
        self.inplace = inplace
        self.generator = generator
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        Functional.dropout2d(input, p: p, training: training, inplace: inplace, generator: generator)
    }

    public override var extraRepr: String { "p=\(p), inplace=\(pythonBool(inplace))" }
}

/// Zeroes whole channels of `(N, C, D, H, W)` / `(C, D, H, W)` input with probability `p`.
public final class Dropout3d: Module, UnaryLayer {
    public let p: Double
    public let inplace: Bool
    public var generator: Generator?

    public init(p: Double = 0.5, inplace: Bool = false, generator: Generator? = nil) {
        precondition(p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got \(p)")
        self.p = p
        self.inplace = inplace
        self.generator = generator
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        Functional.dropout3d(input, p: p, training: training, inplace: inplace, generator: generator)
    }

    public override var extraRepr: String { "p=\(p), inplace=\(pythonBool(inplace))" }
}

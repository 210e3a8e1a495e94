/// Reshaping layers: `Flatten` (`nn.Flatten`) and `Unflatten` (`nn.Unflatten`).

/// Flattens dims `startDim...endDim` into one (`nn.Flatten`; by default all but the batch dim).
public final class Flatten: Module, UnaryLayer {
    public let startDim: Int
    public let endDim: Int

    public init(startDim: Int = 1, endDim: Int = -1) {
        self.startDim = startDim
        self.endDim = endDim
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { input.flatten(startDim: startDim, endDim: endDim) }

    public override var extraRepr: String { "start_dim=\(startDim), end_dim=\(endDim)" }
}

/// Splits dim `dim` into `unflattenedSize` (`nn.Unflatten`); one size may be -1.
public final class Unflatten: Module, UnaryLayer {
    public let dim: Int
    public let unflattenedSize: [Int]

    public init(dim: Int, unflattenedSize: [Int]) {
        self.dim = dim
        self.unflattenedSize = unflattenedSize
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { input.unflatten(dim, unflattenedSize) }

    public override var extraRepr: String { "dim=\(dim), unflattened_size=\(pythonTuple(unflattenedSize))" }
}

/// Python's repr of a tuple of ints: `(4,)`, `(2, 3)`.
func pythonTuple(_ values: [Int]) -> String {
    values.count == 1 ? "(\(values[0]),)" : "(" + values.map(String.init).joined(separator: ", ") + ")"
}

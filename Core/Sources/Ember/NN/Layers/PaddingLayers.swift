/// Padding layers (`nn.ZeroPad2d`, `nn.ConstantPad1d`, `nn.ReflectionPad2d`, ...): one class
/// per mode and rank, all over `Functional.pad`.

/// What the padding layers share: the padding as (before, after) pairs from the last dim, as
/// `Functional.pad` takes it, and the mode.
public class PaddingLayer: Module, UnaryLayer {
    /// `[left, right]` for 1-d, `[left, right, top, bottom]` for 2-d, then `front, back` for 3-d.
    public let padding: [Int]
    public let mode: PaddingMode

    init(_ padding: IntOrTuple, rank: Int, mode: PaddingMode, op: String) {
        let values = padding.values
        precondition(
            values.count == 1 || values.count == 2 * rank,
            "\(op): padding must be an int or a tuple of \(2 * rank) ints, got \(values)")
        self.padding = values.count == 1 ? Array(repeating: values[0], count: 2 * rank) : values
        self.mode = mode
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { Functional.pad(input, padding, mode: mode) }

    /// PyTorch prints `padding=..., value=...` for the constant pads and the bare tuple for
    /// the others (zero pads included).
    public override var extraRepr: String {
        if case .constant(let value) = mode, !(self is ZeroPad1d || self is ZeroPad2d || self is ZeroPad3d) {
            return "padding=\(pythonTuple(padding)), value=\(value)"
        }
        return pythonTuple(padding)
    }
}

/// Pads the last dim with zeros (`nn.ZeroPad1d`).
public final class ZeroPad1d: PaddingLayer {
    public init(_ padding: IntOrTuple) { super.init(padding, rank: 1, mode: .zeros, op: "ZeroPad1d") }
}

/// Pads the last two dims with zeros (`nn.ZeroPad2d`); `padding` is `[left, right, top, bottom]`.
public final class ZeroPad2d: PaddingLayer {
    public init(_ padding: IntOrTuple) { super.init(padding, rank: 2, mode: .zeros, op: "ZeroPad2d") }
}

/// Pads the last three dims with zeros (`nn.ZeroPad3d`).
public final class ZeroPad3d: PaddingLayer {
    public init(_ padding: IntOrTuple) { super.init(padding, rank: 3, mode: .zeros, op: "ZeroPad3d") }
}

/// Pads the last dim with `value` (`nn.ConstantPad1d`).
public final class ConstantPad1d: PaddingLayer {
    public init(_ padding: IntOrTuple, value: Double) { super.init(padding, rank: 1, mode: .constant(value), op: "ConstantPad1d") }
}

/// Pads the last two dims with `value` (`nn.ConstantPad2d`).
public final class ConstantPad2d: PaddingLayer {
    public init(_ padding: IntOrTuple, value: Double) { super.init(padding, rank: 2, mode: .constant(value), op: "ConstantPad2d") }
}

/// Pads the last three dims with `value` (`nn.ConstantPad3d`).
public final class ConstantPad3d: PaddingLayer {
    public init(_ padding: IntOrTuple, value: Double) { super.init(padding, rank: 3, mode: .constant(value), op: "ConstantPad3d") }
}

/// Mirrors the last dim at its edges (`nn.ReflectionPad1d`).
public final class ReflectionPad1d: PaddingLayer {
    public init(_ padding: IntOrTuple) { super.init(padding, rank: 1, mode: .reflect, op: "ReflectionPad1d") }
}

/// Mirrors the last two dims at their edges (`nn.ReflectionPad2d`).
public final class ReflectionPad2d: PaddingLayer {
    public init(_ padding: IntOrTuple) { super.init(padding, rank: 2, mode: .reflect, op: "ReflectionPad2d") }
}

/// Mirrors the last three dims at their edges (`nn.ReflectionPad3d`).
public final class ReflectionPad3d: PaddingLayer {
    public init(_ padding: IntOrTuple) { super.init(padding, rank: 3, mode: .reflect, op: "ReflectionPad3d") }
}

/// Repeats the edge of the last dim (`nn.ReplicationPad1d`).
public final class ReplicationPad1d: PaddingLayer {
    public init(_ padding: IntOrTuple) { super.init(padding, rank: 1, mode: .replicate, op: "ReplicationPad1d") }
}

/// Repeats the edges of the last two dims (`nn.ReplicationPad2d`).
public final class ReplicationPad2d: PaddingLayer {
    public init(_ padding: IntOrTuple) { super.init(padding, rank: 2, mode: .replicate, op: "ReplicationPad2d") }
}

/// Repeats the edges of the last three dims (`nn.ReplicationPad3d`).
public final class ReplicationPad3d: PaddingLayer {
    public init(_ padding: IntOrTuple) { super.init(padding, rank: 3, mode: .replicate, op: "ReplicationPad3d") }
}

/// Wraps the last dim around (`nn.CircularPad1d`).
public final class CircularPad1d: PaddingLayer {
    public init(_ padding: IntOrTuple) { super.init(padding, rank: 1, mode: .circular, op: "CircularPad1d") }
}

/// Wraps the last two dims around (`nn.CircularPad2d`).
public final class CircularPad2d: PaddingLayer {
    public init(_ padding: IntOrTuple) { super.init(padding, rank: 2, mode: .circular, op: "CircularPad2d") }
}

/// Wraps the last three dims around (`nn.CircularPad3d`).
public final class CircularPad3d: PaddingLayer {
    public init(_ padding: IntOrTuple) { super.init(padding, rank: 3, mode: .circular, op: "CircularPad3d") }
}

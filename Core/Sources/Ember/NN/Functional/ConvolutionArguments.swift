/// PyTorch's "int or tuple" arguments (`kernel_size=3`, `stride=(2, 1)`): one value for every
/// spatial dimension, or one per dimension. Written as an integer or array literal:
/// `stride: 2`, `stride: [2, 1]`.
public struct IntOrTuple: Sendable, Hashable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral,
    CustomStringConvertible
{
    public let values: [Int]

    public init(_ values: [Int]) { self.values = values }
    public init(_ value: Int) { values = [value] }
    public init(integerLiteral value: Int) { values = [value] }
    public init(arrayLiteral elements: Int...) { values = elements }

    /// The values for `rank` dimensions: a single value repeats; otherwise the count must match.
    public func expand(_ rank: Int, _ op: String, _ name: String) -> [Int] {
        if values.count == 1 { return Array(repeating: values[0], count: rank) }
        precondition(
            values.count == rank, "\(op): expected \(name) to be a single integer value or a list of \(rank) values, got \(values)")
        return values
    }

    public var description: String { values.count == 1 ? "\(values[0])" : "\(values)" }
}

/// The `padding` of a convolution: explicit sizes (`padding: 1`, `padding: [1, 2]`) or
/// PyTorch's strings `"valid"` (no padding) and `"same"` (output as large as the input;
/// stride 1 only; an odd total pads one more element at the end, as PyTorch does).
public enum ConvPadding: Sendable, Hashable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral {
    case explicit(IntOrTuple)
    case valid
    case same

    public init(integerLiteral value: Int) { self = .explicit(IntOrTuple(value)) }
    public init(arrayLiteral elements: Int...) { self = .explicit(IntOrTuple(elements)) }
}

/// What is wrong with the lengths or fractions given to `randomSplit`. They are user data
/// (often computed from a configuration), so they throw instead of stopping the program;
/// the descriptions are PyTorch's `ValueError` messages.
public enum DatasetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The lengths add up to `sum`, not to the dataset's `count`.
    case lengthsDoNotMatchCount(sum: Int, count: Int)
    /// A length below zero.
    case negativeLength(index: Int, length: Int)
    /// A fraction outside [0, 1].
    case fractionOutOfRange(index: Int, fraction: Double)
    /// Fractions whose sum is not 1 (within `math.isclose`'s relative 1e-9) or is above 1.
    case fractionsDoNotSumToOne(sum: Double)

    public var description: String {
        switch self {
        case .lengthsDoNotMatchCount(let sum, let count):
            return "Sum of input lengths does not equal the length of the input dataset! (sum \(sum), length \(count))"
        case .negativeLength(let index, let length):
            return "Length at index \(index) is negative (\(length))"
        case .fractionOutOfRange(let index, let fraction):
            return "Fraction at index \(index) is not between 0 and 1 (\(fraction))"
        case .fractionsDoNotSumToOne(let sum):
            return "Fractions must sum to 1, got \(sum)"
        }
    }
}

/// Splits a dataset into non-overlapping random subsets of the given lengths
/// (`torch.utils.data.random_split(dataset, lengths, generator)`): one `randperm` of the
/// dataset's size, cut into consecutive slices, so a seeded generator gives PyTorch's subsets.
///
/// ```swift
/// let (train, test) = try randomSplit(dataset, lengths: [1500, 297], generator: Generator(seed: 0))
/// ```
/// - Throws: `DatasetError` when the lengths are negative or do not add up to `dataset.count`.
public func randomSplit<D: Dataset>(
    _ dataset: D, lengths: [Int], generator: Generator = Random.defaultGenerator
) throws(DatasetError) -> [Subset<D>] {
    if let (index, length) = lengths.enumerated().first(where: { $0.element < 0 }).map({ ($0.offset, $0.element) }) {
        throw .negativeLength(index: index, length: length)
    }
    let total = lengths.reduce(0, +)
    guard total == dataset.count else { throw .lengthsDoNotMatchCount(sum: total, count: dataset.count) }
    let permutation = Tensor.randperm(total, generator: generator).toArray(Int64.self).map { Int($0) }
    var offset = 0
    return lengths.map { length in
        defer { offset += length }
        return Subset(dataset, indices: Array(permutation[offset..<(offset + length)]))
    }
}

/// `random_split` with fractions that sum to 1: each split gets `floor(count * fraction)`
/// samples and the remainder is handed out one by one from the first split on, as PyTorch
/// does, so `[0.3, 0.3, 0.4]` of 11 samples gives lengths 4, 3, 4.
/// - Throws: `DatasetError` when a fraction is outside [0, 1] or the fractions do not sum to 1.
public func randomSplit<D: Dataset>(
    _ dataset: D, fractions: [Double], generator: Generator = Random.defaultGenerator
) throws(DatasetError) -> [Subset<D>] {
    let sum = fractions.reduce(0, +)
    // Python's math.isclose(sum, 1) with its default relative tolerance, and sum <= 1.
    guard abs(sum - 1) <= 1e-9 * max(abs(sum), 1), sum <= 1 else { throw .fractionsDoNotSumToOne(sum: sum) }
    var lengths = [Int]()
    for (i, fraction) in fractions.enumerated() {
        guard fraction >= 0 && fraction <= 1 else { throw .fractionOutOfRange(index: i, fraction: fraction) }
        lengths.append(Int((Double(dataset.count) * fraction).rounded(.down)))
    }
    let remainder = dataset.count - lengths.reduce(0, +)
    for i in 0..<max(remainder, 0) { lengths[i % lengths.count] += 1 }
    return try randomSplit(dataset, lengths: lengths, generator: generator)
}

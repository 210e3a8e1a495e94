/// An ordering of dataset indices for a `DataLoader` (`torch.utils.data.Sampler`): a sequence
/// that is iterated once per epoch, with a known length.
///
/// Random samplers draw when iteration starts, so every epoch gets a fresh order from the
/// generator. Ranges and arrays of `Int` are samplers that always yield themselves, as
/// Python iterables handed to PyTorch's `sampler=` are.
public protocol Sampler<Element>: Sequence {
    /// The number of elements one pass yields (`len(sampler)`).
    var count: Int { get }
}

extension Range: Sampler where Bound == Int {}
extension Array: Sampler where Element == Int {}

/// `0, 1, ..., count - 1`, always in that order (`SequentialSampler`).
public struct SequentialSampler: Sampler, Sendable {
    public let count: Int

    /// Indices of every sample of `dataset`.
    public init(_ dataset: some Dataset) { count = dataset.count }

    public init(count: Int) {
        precondition(count >= 0, "SequentialSampler: count must be non-negative, got \(count)")
        self.count = count
    }

    public func makeIterator() -> Range<Int>.Iterator { (0..<count).makeIterator() }
}

/// Groups the indices of another sampler into batches (`torch.utils.data.BatchSampler`).
///
/// The last batch is shorter when the count is not a multiple of `batchSize`, or left out
/// with `dropLast: true`.
public struct BatchSampler: Sampler {
    public let sampler: any Sampler<Int>
    public let batchSize: Int
    public let dropLast: Bool

    public init(_ sampler: any Sampler<Int>, batchSize: Int, dropLast: Bool) {
        precondition(batchSize > 0, "BatchSampler: batch_size should be a positive integer value, but got batch_size=\(batchSize)")
        self.sampler = sampler
        self.batchSize = batchSize
        self.dropLast = dropLast
    }

    /// The number of batches: `count / batchSize`, rounded up unless `dropLast`.
    public var count: Int {
        dropLast ? sampler.count / batchSize : (sampler.count + batchSize - 1) / batchSize
    }

    public func makeIterator() -> Iterator { Iterator(base: sampler.makeIterator(), batchSize: batchSize, dropLast: dropLast) }

    public struct Iterator: IteratorProtocol {
        var base: any IteratorProtocol<Int>
        let batchSize: Int
        let dropLast: Bool
        var finished = false

        public mutating func next() -> [Int]? {
            guard !finished else { return nil }
            var batch = [Int]()
            batch.reserveCapacity(batchSize)
            while batch.count < batchSize, let index = base.next() { batch.append(index) }
            if batch.count < batchSize {
                // The base iterator is exhausted; like PyTorch, it is not asked again.
                finished = true
                if batch.isEmpty || dropLast { return nil }
            }
            return batch
        }
    }
}

/// The random samplers: `RandomSampler`, `SubsetRandomSampler`, `WeightedRandomSampler`.
/// Each draws lazily, as PyTorch's generator functions do: nothing is drawn until the first
/// index is asked for, and each later block (a permutation, 32 integers) when the previous
/// one is used up. With the same seed they consume the generator exactly as PyTorch does, so
/// the orders and every later draw from that generator are PyTorch's.

/// An iterator over blocks of indices that are drawn one block at a time.
public struct SamplerIterator: IteratorProtocol {
    private var block: [Int] = []
    private var position = 0
    private let nextBlock: () -> [Int]?

    /// `nextBlock` returns the next block (possibly empty), or nil when iteration is over.
    init(nextBlock: @escaping () -> [Int]?) { self.nextBlock = nextBlock }

    public mutating func next() -> Int? {
        while position == block.count {
            guard let drawn = nextBlock() else { return nil }
            block = drawn
            position = 0
        }
        defer { position += 1 }
        return block[position]
    }
}

extension Generator {
    /// `torch.empty((), dtype=torch.int64).random_(generator=self).item()`: a 64-bit draw
    /// reduced to [0, 2⁶³), the seed PyTorch's data utilities take from a generator.
    func drawSeed() -> UInt64 { withLock { random64() } % (1 << 63) }
}

/// Samples elements in random order (`torch.utils.data.RandomSampler`).
///
/// Without replacement each pass of `count` samples is a `randperm`; `numSamples` above the
/// dataset's size chains permutations. With replacement the indices are `randint` draws in
/// blocks of 32. Without a generator each epoch seeds a fresh one from the default generator
/// (one 64-bit draw), which is what makes `Random.manualSeed` fix the order, as
/// `torch.manual_seed` does.
public struct RandomSampler: Sampler, Sendable {
    /// The size of the dataset: indices are in `0..<size`.
    public let size: Int
    public let replacement: Bool
    /// How many indices one pass yields; the dataset's size by default.
    public let numSamples: Int
    public let generator: Generator?

    public init(_ dataset: some Dataset, replacement: Bool = false, numSamples: Int? = nil, generator: Generator? = nil) {
        self.init(size: dataset.count, replacement: replacement, numSamples: numSamples, generator: generator)
    }

    public init(size: Int, replacement: Bool = false, numSamples: Int? = nil, generator: Generator? = nil) {
        let numSamples = numSamples ?? size
        precondition(
            numSamples > 0, "RandomSampler: num_samples should be a positive integer value, but got num_samples=\(numSamples)")
        precondition(size > 0, "RandomSampler: the dataset is empty")
        self.size = size
        self.replacement = replacement
        self.numSamples = numSamples
        self.generator = generator
    }

    public var count: Int { numSamples }

    public func makeIterator() -> SamplerIterator {
        let (n, numSamples, replacement, given) = (size, numSamples, replacement, generator)
        var active: Ember.Generator? = nil
        // Full blocks, then the last (possibly empty) partial block, which PyTorch draws too.
        let blockSize = replacement ? 32 : n
        var fullBlocksLeft = numSamples / blockSize
        var lastDrawn = false
        return SamplerIterator {
            let gen: Ember.Generator
            if let g = active {
                gen = g
            } else {
                gen = given ?? Ember.Generator(seed: Random.defaultGenerator.drawSeed())
                active = gen
            }
            let length: Int
            if fullBlocksLeft > 0 {
                fullBlocksLeft -= 1
                length = blockSize
            } else if !lastDrawn {
                lastDrawn = true
                length = numSamples % blockSize
            } else {
                return nil
            }
            if replacement {
                return Tensor.randint(n, [length], generator: gen).toArray(Int64.self).map { Int($0) }
            }
            return Array(Tensor.randperm(n, generator: gen).toArray(Int64.self).prefix(length).map { Int($0) })
        }
    }
}

/// A random permutation of given indices, new each epoch (`SubsetRandomSampler`); the
/// default generator is used when none is given.
public struct SubsetRandomSampler: Sampler, Sendable {
    public let indices: [Int]
    public let generator: Generator?

    public init(_ indices: [Int], generator: Generator? = nil) {
        self.indices = indices
        self.generator = generator
    }

    public var count: Int { indices.count }

    public func makeIterator() -> SamplerIterator {
        let (indices, generator) = (indices, generator)
        var drawn = false
        return SamplerIterator {
            if drawn { return nil }
            drawn = true
            return Tensor.randperm(indices.count, generator: generator).toArray(Int64.self).map { indices[Int($0)] }
        }
    }
}

/// Indices drawn with probabilities proportional to `weights` (`WeightedRandomSampler`),
/// one `multinomial` call per epoch. With replacement (the default) the draws are PyTorch's
/// for the same seed; without replacement they follow PyTorch's distribution (see
/// `Tensor.multinomial`).
public struct WeightedRandomSampler: Sampler, Sendable {
    /// The weights as a float64 tensor, as PyTorch keeps them.
    public let weights: Tensor
    public let numSamples: Int
    public let replacement: Bool
    public let generator: Generator?

    public init(weights: [Double], numSamples: Int, replacement: Bool = true, generator: Generator? = nil) {
        self.init(weights: Tensor(weights, shape: [weights.count]), numSamples: numSamples, replacement: replacement, generator: generator)
    }

    public init(weights: Tensor, numSamples: Int, replacement: Bool = true, generator: Generator? = nil) {
        precondition(
            numSamples > 0, "WeightedRandomSampler: num_samples should be a positive integer value, but got num_samples=\(numSamples)")
        precondition(
            weights.dim == 1, "WeightedRandomSampler: weights should be a 1d sequence but given weights have shape \(weights.shape)")
        precondition(
            replacement || numSamples <= weights.shape[0],
            "WeightedRandomSampler: cannot sample \(numSamples) indices without replacement from \(weights.shape[0]) weights")
        self.weights = weights.to(.float64)
        self.numSamples = numSamples
        self.replacement = replacement
        self.generator = generator
    }

    public var count: Int { numSamples }

    public func makeIterator() -> SamplerIterator {
        let (weights, numSamples, replacement, generator) = (weights, numSamples, replacement, generator)
        var drawn = false
        return SamplerIterator {
            if drawn { return nil }
            drawn = true
            return weights.multinomial(numSamples, replacement: replacement, generator: generator)
                .toArray(Int64.self).map { Int($0) }
        }
    }
}

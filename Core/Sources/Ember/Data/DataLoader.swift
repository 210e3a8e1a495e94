/// Batches of a dataset, in the order a sampler chooses, optionally loaded by worker threads
/// (`torch.utils.data.DataLoader`).
///
/// ```swift
/// let dataset = TensorDataset(images, labels)               // samples (Tensor, Tensor)
/// let loader = DataLoader(dataset, batchSize: 64, shuffle: true, numWorkers: 2, generator: Generator(seed: 0))
/// for epoch in 0..<10 {
///     for (x, y) in loader { ... }                         // x: [64, ...], y: [64]
/// }
/// ```
///
/// Each `for` loop is one epoch: it draws the loader's base seed from the generator (as
/// PyTorch does, even without shuffling) and a new order from the sampler, so with the same
/// seed the batches are PyTorch's, epoch after epoch.
///
/// Batches come out in sampler order whatever `numWorkers` is: with workers, batch `k` is
/// loaded by worker `k % numWorkers` (round robin, as PyTorch assigns them) while the loop
/// consumes earlier ones, with up to `prefetchFactor × numWorkers` batches in flight. Workers
/// are threads, not processes, so they share the dataset: its subscript must be safe to call
/// from several threads, hence the `Sendable` requirement. Leaving a loop early (`break`)
/// stops the workers: the iterator waits for the batch each worker is loading, then they exit.
/// Ops on a worker thread run single-threaded (`Threading.numThreads` is 1 there), as PyTorch
/// sets one thread in each worker process.
///
/// Batching: the default collation applies to `Collatable` samples and tuples of them (see
/// `defaultCollate`); pass `collate:` for anything else. Not provided: `batch_size=None`
/// (per-sample loading without collation; use `batchSize: 1` and `collate: { $0[0] }`),
/// `pin_memory`, `timeout`, `worker_init_fn` (a worker can read `WorkerInfo.current`), and
/// persistent workers (threads are cheap to start each epoch).
public final class DataLoader<Batch: Sendable>: Sequence {
    /// Samples per batch; nil when batches come from a custom `batchSampler`.
    public let batchSize: Int?
    public let dropLast: Bool
    public let numWorkers: Int
    /// Batches each worker may have in flight; nil without workers.
    public let prefetchFactor: Int?
    /// The generator for the base seed and, with `shuffle`, for the order; the default
    /// generator when nil.
    public let generator: Generator?
    /// The index sampler: `RandomSampler` with `shuffle`, `SequentialSampler` otherwise, or
    /// the one given; nil for iterable datasets and with a custom batch sampler.
    public let sampler: (any Sampler<Int>)?
    /// The batches of indices the loader fetches; nil for iterable datasets.
    public let batchSampler: (any Sampler<[Int]>)?

    private let makeFetcher: @Sendable () -> ([Int]) -> Batch?

    private init(
        batchSize: Int?, dropLast: Bool, numWorkers: Int, prefetchFactor: Int?, generator: Generator?,
        sampler: (any Sampler<Int>)?, batchSampler: (any Sampler<[Int]>)?,
        makeFetcher: @escaping @Sendable () -> ([Int]) -> Batch?
    ) {
        precondition(
            numWorkers >= 0, "DataLoader: num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.")
        precondition(
            prefetchFactor == nil || numWorkers > 0,
            "DataLoader: prefetch_factor option could only be specified in multiprocessing. Let num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to nil.")
        precondition((prefetchFactor ?? 1) > 0, "DataLoader: prefetchFactor must be positive, got \(prefetchFactor ?? 0)")
        self.batchSize = batchSize
        self.dropLast = dropLast
        self.numWorkers = numWorkers
        self.prefetchFactor = numWorkers > 0 ? (prefetchFactor ?? 2) : nil
        self.generator = generator
        self.sampler = sampler
        self.batchSampler = batchSampler
        self.makeFetcher = makeFetcher
    }

    // MARK: Map-style datasets

    /// A loader over a map-style dataset, batching samples with `collate`.
    ///
    /// - Parameters:
    ///   - batchSize: samples per batch (leave it at 1 with `batchSampler`).
    ///   - shuffle: a new random order each epoch (a `RandomSampler` on `generator`).
    ///   - sampler: the order of indices; not with `shuffle`.
    ///   - batchSampler: batches of indices; not with `batchSize`, `shuffle`, `sampler` or `dropLast`.
    ///   - numWorkers: threads that load batches ahead of the loop; 0 loads on the caller's thread.
    ///   - dropLast: leave out the last batch when it is smaller than `batchSize`.
    ///   - generator: the source of the base seed and of the shuffled order.
    ///   - prefetchFactor: batches in flight per worker (2 when workers are used).
    ///   - collate: turns the samples of one batch into a batch.
    public convenience init<D: Dataset & Sendable>(
        _ dataset: D, batchSize: Int = 1, shuffle: Bool = false, sampler: (any Sampler<Int>)? = nil,
        batchSampler: (any Sampler<[Int]>)? = nil, numWorkers: Int = 0, dropLast: Bool = false,
        generator: Generator? = nil, prefetchFactor: Int? = nil,
        collate: @escaping @Sendable ([D.Element]) -> Batch
    ) {
        let indexBatches: any Sampler<[Int]>
        var indexSampler: (any Sampler<Int>)? = nil
        if let batchSampler {
            precondition(
                batchSize == 1 && !shuffle && sampler == nil && !dropLast,
                "DataLoader: batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last")
            indexBatches = batchSampler
        } else {
            precondition(sampler == nil || !shuffle, "DataLoader: sampler option is mutually exclusive with shuffle")
            let chosen: any Sampler<Int> =
                sampler ?? (shuffle ? RandomSampler(dataset, generator: generator) : SequentialSampler(dataset))
            indexSampler = chosen
            indexBatches = BatchSampler(chosen, batchSize: batchSize, dropLast: dropLast)
        }
        self.init(
            batchSize: batchSampler == nil ? batchSize : nil, dropLast: dropLast, numWorkers: numWorkers,
            prefetchFactor: prefetchFactor, generator: generator, sampler: indexSampler, batchSampler: indexBatches,
            makeFetcher: { { indices in collate(indices.map { dataset[$0] }) } })
    }

    /// A loader over a map-style dataset of `Collatable` samples, batched by `defaultCollate`.
    public convenience init<D: Dataset & Sendable>(
        _ dataset: D, batchSize: Int = 1, shuffle: Bool = false, sampler: (any Sampler<Int>)? = nil,
        batchSampler: (any Sampler<[Int]>)? = nil, numWorkers: Int = 0, dropLast: Bool = false,
        generator: Generator? = nil, prefetchFactor: Int? = nil
    ) where D.Element: Collatable, Batch == D.Element.Collated {
        self.init(
            dataset, batchSize: batchSize, shuffle: shuffle, sampler: sampler, batchSampler: batchSampler,
            numWorkers: numWorkers, dropLast: dropLast, generator: generator, prefetchFactor: prefetchFactor,
            collate: { D.Element.collate($0) })
    }

    /// A loader over a map-style dataset of tuple samples, `(image, label)` say, batched
    /// position by position: the batches are tuples, `(images, labels)`.
    public convenience init<D: Dataset & Sendable, A: Collatable, B: Collatable, each Rest: Collatable>(
        _ dataset: D, batchSize: Int = 1, shuffle: Bool = false, sampler: (any Sampler<Int>)? = nil,
        batchSampler: (any Sampler<[Int]>)? = nil, numWorkers: Int = 0, dropLast: Bool = false,
        generator: Generator? = nil, prefetchFactor: Int? = nil
    ) where D.Element == (A, B, repeat each Rest), Batch == (A.Collated, B.Collated, repeat (each Rest).Collated) {
        self.init(
            dataset, batchSize: batchSize, shuffle: shuffle, sampler: sampler, batchSampler: batchSampler,
            numWorkers: numWorkers, dropLast: dropLast, generator: generator, prefetchFactor: prefetchFactor,
            collate: { defaultCollate($0) })
    }

    // MARK: Iterable datasets

    /// A loader over an iterable dataset: each batch is the next `batchSize` samples of the
    /// stream (of each worker's own stream, with workers), batched with `collate`.
    public convenience init<D: IterableDataset & Sendable>(
        _ dataset: D, batchSize: Int = 1, numWorkers: Int = 0, dropLast: Bool = false,
        generator: Generator? = nil, prefetchFactor: Int? = nil,
        collate: @escaping @Sendable ([D.Element]) -> Batch
    ) {
        precondition(batchSize > 0, "DataLoader: batch_size should be a positive integer value, but got batch_size=\(batchSize)")
        self.init(
            batchSize: batchSize, dropLast: dropLast, numWorkers: numWorkers, prefetchFactor: prefetchFactor,
            generator: generator, sampler: nil, batchSampler: nil,
            makeFetcher: {
                // Made on the thread that fetches: the iterator never crosses threads.
                var iterator = dataset.makeIterator()
                var ended = false
                return { _ in
                    if ended { return nil }
                    var samples = [D.Element]()
                    samples.reserveCapacity(batchSize)
                    while samples.count < batchSize {
                        guard let sample = iterator.next() else {
                            ended = true
                            break
                        }
                        samples.append(sample)
                    }
                    if samples.isEmpty || (dropLast && samples.count < batchSize) { return nil }
                    return collate(samples)
                }
            })
    }

    /// A loader over an iterable dataset of `Collatable` samples.
    public convenience init<D: IterableDataset & Sendable>(
        _ dataset: D, batchSize: Int = 1, numWorkers: Int = 0, dropLast: Bool = false,
        generator: Generator? = nil, prefetchFactor: Int? = nil
    ) where D.Element: Collatable, Batch == D.Element.Collated {
        self.init(
            dataset, batchSize: batchSize, numWorkers: numWorkers, dropLast: dropLast, generator: generator,
            prefetchFactor: prefetchFactor, collate: { D.Element.collate($0) })
    }

    /// A loader over an iterable dataset of tuple samples.
    public convenience init<D: IterableDataset & Sendable, A: Collatable, B: Collatable, each Rest: Collatable>(
        _ dataset: D, batchSize: Int = 1, numWorkers: Int = 0, dropLast: Bool = false,
        generator: Generator? = nil, prefetchFactor: Int? = nil
    ) where D.Element == (A, B, repeat each Rest), Batch == (A.Collated, B.Collated, repeat (each Rest).Collated) {
        self.init(
            dataset, batchSize: batchSize, numWorkers: numWorkers, dropLast: dropLast, generator: generator,
            prefetchFactor: prefetchFactor, collate: { defaultCollate($0) })
    }

    // MARK: Iteration

    /// The number of batches per epoch (`len(loader)`). An iterable dataset has no length:
    /// asking stops the program, as `len()` raises in PyTorch.
    public var count: Int {
        guard let batchSampler else {
            preconditionFailure("DataLoader.count: a loader over an IterableDataset has no length")
        }
        return batchSampler.count
    }

    /// Starts an epoch: draws the base seed, then (lazily) the sampler's order, and starts
    /// the workers.
    public func makeIterator() -> DataLoaderIterator<Batch> {
        let baseSeed = (generator ?? Random.defaultGenerator).drawSeed()
        let indexBatches: any IteratorProtocol<[Int]> =
            batchSampler?.makeIterator() ?? AnyIterator { [Int]() }  // iterable datasets: one placeholder per batch
        return DataLoaderIterator(
            indexBatches: indexBatches, makeFetcher: makeFetcher, numWorkers: numWorkers,
            prefetchFactor: prefetchFactor ?? 0, baseSeed: baseSeed)
    }
}

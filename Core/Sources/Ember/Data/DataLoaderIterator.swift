/// One epoch of a `DataLoader`: batches in sampler order, loaded on the calling thread or
/// by worker threads. Ending the loop early (dropping the iterator) stops the workers.
public final class DataLoaderIterator<Batch: Sendable>: IteratorProtocol {
    private var indexBatches: any IteratorProtocol<[Int]>
    private var finished = false

    // Without workers.
    private let fetch: (([Int]) -> Batch?)?

    // With workers: PyTorch's bookkeeping. Tasks are numbered in sampler order; results are
    // taken in that order, whichever worker finishes first.
    private let pool: WorkerPool<Batch>?
    private let prefetch: Int
    private var sent = 0
    private var received = 0
    private var taskWorker: [Int: Int] = [:]
    private var active: [Bool]
    private var nextWorker = 0

    init(
        indexBatches: any IteratorProtocol<[Int]>, makeFetcher: @escaping @Sendable () -> ([Int]) -> Batch?,
        numWorkers: Int, prefetchFactor: Int, baseSeed: UInt64
    ) {
        self.indexBatches = indexBatches
        active = Array(repeating: true, count: numWorkers)
        prefetch = prefetchFactor * numWorkers
        if numWorkers == 0 {
            fetch = makeFetcher()
            pool = nil
        } else {
            fetch = nil
            pool = WorkerPool(numWorkers: numWorkers, baseSeed: baseSeed, makeFetcher: makeFetcher)
            for _ in 0..<prefetch { putTask() }
        }
    }

    deinit { pool?.stop() }

    public func next() -> Batch? {
        if finished { return nil }
        guard let pool else {
            if let indices = indexBatches.next(), let batch = fetch!(indices) { return batch }
            finished = true
            return nil
        }
        while received < sent {
            let seq = received
            received += 1
            let worker = taskWorker.removeValue(forKey: seq)!
            if let batch = pool.take(seq) {
                putTask()
                return batch
            }
            // The worker's stream ended (iterable datasets): no more tasks for it.
            active[worker] = false
            putTask()
        }
        // Nothing in flight: the sampler is exhausted, or every worker's stream ended.
        finished = true
        pool.stop()
        return nil
    }

    /// Sends the next batch of indices to the next active worker in round-robin order.
    private func putTask() {
        guard let pool, let indices = indexBatches.next() else { return }
        for _ in 0..<active.count {
            let worker = nextWorker
            nextWorker = (nextWorker + 1) % active.count
            if active[worker] {
                taskWorker[sent] = worker
                pool.submit(seq: sent, indices: indices, to: worker)
                sent += 1
                return
            }
        }
    }
}

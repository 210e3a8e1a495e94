import Foundation

/// What a `DataLoader` worker thread knows about itself (`torch.utils.data.get_worker_info()`).
///
/// Inside a worker, `WorkerInfo.current` lets a dataset split an iterable stream between
/// workers (`id` of `numWorkers`) and draw augmentation randomness from `generator`, which is
/// seeded with `seed` = the epoch's base seed + `id`, as PyTorch seeds each worker's default
/// generator. The same seed and worker count give the same draws in every run.
public struct WorkerInfo: Sendable {
    /// This worker's number, in `0..<numWorkers`.
    public let id: Int
    public let numWorkers: Int
    /// The base seed of the epoch plus `id`.
    public let seed: UInt64
    /// A generator seeded with `seed`, owned by this worker.
    public let generator: Generator

    /// The current thread's worker, or nil outside `DataLoader` workers (on the loop's thread).
    public static var current: WorkerInfo? {
        guard let box = pthread_getspecific(currentKey) else { return nil }
        return Unmanaged<Box>.fromOpaque(box).takeUnretainedValue().info
    }

    private final class Box {
        let info: WorkerInfo
        init(_ info: WorkerInfo) { self.info = info }
    }

    /// A thread-local slot, as GradMode keeps its flag (Foundation's `Thread` cannot be
    /// subclassed from language mode 5).
    private static let currentKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Runs `body` with `current` set to this info on the calling thread.
    func withCurrent(_ body: () -> Void) {
        let box = Unmanaged.passRetained(Box(self))
        pthread_setspecific(Self.currentKey, box.toOpaque())
        body()
        pthread_setspecific(Self.currentKey, nil)
        box.release()
    }
}

/// The worker threads of one epoch and what they share with the loop: a task queue per
/// worker and the finished batches, all under one condition lock.
final class WorkerPool<Batch: Sendable>: @unchecked Sendable {
    private struct Task {
        let seq: Int
        let indices: [Int]
    }

    private let condition = NSCondition()
    private var queues: [[Task]]
    /// Finished tasks by number; a nil batch means the worker's stream ended.
    private var results: [Int: Batch?] = [:]
    private var stopping = false
    private var running: Int

    init(numWorkers: Int, baseSeed: UInt64, makeFetcher: @escaping @Sendable () -> ([Int]) -> Batch?) {
        queues = Array(repeating: [], count: numWorkers)
        running = numWorkers
        for id in 0..<numWorkers {
            let seed = baseSeed &+ UInt64(id)
            let info = WorkerInfo(id: id, numWorkers: numWorkers, seed: seed, generator: Generator(seed: seed))
            LiveWorkers.adjust(+1)
            let thread = Thread { [self] in
                Threading.withSingleThreadedOps {
                    info.withCurrent { self.work(id: id, fetch: makeFetcher()) }
                }
                LiveWorkers.adjust(-1)
                self.condition.lock()
                self.running -= 1
                self.condition.broadcast()
                self.condition.unlock()
            }
            thread.name = "ember.dataloader.worker.\(id)"
            thread.start()
        }
    }

    private func work(id: Int, fetch: ([Int]) -> Batch?) {
        while true {
            condition.lock()
            while queues[id].isEmpty && !stopping { condition.wait() }
            if stopping {
                condition.unlock()
                return
            }
            let task = queues[id].removeFirst()
            condition.unlock()

            let batch = fetch(task.indices)

            condition.lock()
            results[task.seq] = .some(batch)
            condition.broadcast()
            condition.unlock()
        }
    }

    func submit(seq: Int, indices: [Int], to worker: Int) {
        condition.lock()
        queues[worker].append(Task(seq: seq, indices: indices))
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for task `seq` and returns its batch (nil: that worker's stream ended).
    func take(_ seq: Int) -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while results[seq] == nil { condition.wait() }
        return results.removeValue(forKey: seq)!
    }

    /// Tells the workers to stop and waits until each has finished the batch in hand and exited.
    func stop() {
        condition.lock()
        stopping = true
        for i in queues.indices { queues[i].removeAll() }
        condition.broadcast()
        while running > 0 { condition.wait() }
        results.removeAll()
        condition.unlock()
    }
}

/// The number of worker threads alive in the process, which tests read to check that every
/// epoch's workers exit.
enum LiveWorkers {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var live = 0

    static var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return live
    }

    static func adjust(_ delta: Int) {
        lock.lock()
        live += delta
        lock.unlock()
    }
}

import CEmberKernels
import Foundation

/// Ember's intra-op threading: one pool (Ember's own, `thread_pool.c`), one thread count, shared with OpenBLAS.
public enum Threading {
    nonisolated(unsafe) private static var threads: Int = {
        if let value = ProcessInfo.processInfo.environment["EMBER_NUM_THREADS"], let n = Int(value), n > 0 {
            return n
        }
        return ProcessInfo.processInfo.activeProcessorCount
    }()

    /// The number of threads ops use (`torch.get_num_threads`): 1 on a `DataLoader` worker
    /// thread, as PyTorch sets one thread in each worker process (the workers already keep
    /// the cores busy; splitting their ops again would only add dispatch and contention).
    public static var numThreads: Int { pthread_getspecific(singleThreadedKey) == nil ? threads : 1 }

    /// Marks threads whose ops run on the calling thread alone.
    private static let singleThreadedKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Runs `body` with the calling thread's ops single-threaded (`DataLoader` workers).
    static func withSingleThreadedOps(_ body: () -> Void) {
        let previous = pthread_getspecific(singleThreadedKey)
        pthread_setspecific(singleThreadedKey, UnsafeRawPointer(bitPattern: 1))
        body()
        pthread_setspecific(singleThreadedKey, previous)
    }

    /// Sets the threads of Ember's kernels, matrix products included (`torch.set_num_threads`).
    public static func setNumThreads(_ n: Int) {
        precondition(n > 0, "setNumThreads: expected a positive thread count, got \(n)")
        threads = n
        if BLAS.isLoaded { ember_blas_set_num_threads(Int32(n)) }
    }
}

/// Runs `body` over `0..<count` split into contiguous chunks on the intra-op pool. Below
/// `grain` elements, or with one thread, it runs inline: a dispatch costs microseconds.
///
/// The pool is Ember's own (`ember_pool_run`): its workers spin briefly after each op, so the
/// next op's chunks start at once, as with PyTorch's OpenMP threads. A nested call (from a
/// chunk) or a call while another thread's op holds the pool runs on Dispatch instead.
@inline(__always)
func parallelFor(_ count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
    let threads = Threading.numThreads
    if count <= grain || threads <= 1 {
        if count > 0 { body(0..<count) }
        return
    }
    let chunks = min(threads, (count + grain - 1) / grain)
    let perChunk = (count + chunks - 1) / chunks
    withoutActuallyEscaping(body) { body in
        var job = PoolJob(body: body, count: count, perChunk: perChunk)
        let ran = withUnsafeMutablePointer(to: &job) { job in
            ember_pool_run(Int64(chunks), Int32(threads), runPoolChunk, UnsafeMutableRawPointer(job)) == 0
        }
        if ran { return }
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in job.run(chunk) }
    }
}

/// One `parallelFor` call as the C pool sees it: the body and how the range is cut.
private struct PoolJob {
    let body: (Range<Int>) -> Void
    let count: Int
    let perChunk: Int

    func run(_ chunk: Int) {
        let start = chunk * perChunk
        let end = min(start + perChunk, count)
        if start < end { body(start..<end) }
    }
}

private let runPoolChunk: @convention(c) (UnsafeMutableRawPointer?, Int64) -> Void = { job, chunk in
    job!.assumingMemoryBound(to: PoolJob.self).pointee.run(Int(chunk))
}

/// Elements per task below which threading does not pay for elementwise work.
let elementwiseGrain = 32_768

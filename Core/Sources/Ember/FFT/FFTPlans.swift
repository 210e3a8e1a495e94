import CEmberKernels
import Foundation

/// A C plan (factorisation, twiddles, Bluestein chirps) owned by Swift: the cache hands out
/// references, so a plan evicted while a transform runs stays alive until that transform ends.
final class FFTPlan: @unchecked Sendable {
    enum Kind: Hashable { case complex, real }
    struct Key: Hashable {
        let n: Int
        let dtype: DType
        let kind: Kind
    }

    let key: Key
    let pointer: OpaquePointer

    private init(key: Key, pointer: OpaquePointer) {
        self.key = key
        self.pointer = pointer
    }

    deinit {
        switch (key.kind, key.dtype) {
        case (.complex, .float32): ember_fft_plan_destroy_f32(pointer)
        case (.complex, _): ember_fft_plan_destroy_f64(pointer)
        case (.real, .float32): ember_fft_rplan_destroy_f32(pointer)
        case (.real, _): ember_fft_rplan_destroy_f64(pointer)
        }
    }

    nonisolated(unsafe) private static var cache: [Key: FFTPlan] = [:]
    private static let lock = NSLock()
    /// Plans kept; PyTorch's pocketfft keeps a similar small cache. Creating a plan costs
    /// about as much as one transform, so a workload that cycles through more lengths than
    /// this pays twice, not more.
    private static let capacity = 64

    /// The plan for `n` points of `dtype` (float32 or float64), created on first use.
    static func get(_ n: Int, dtype: DType, kind: Kind) -> FFTPlan {
        installParallelHook
        let key = Key(n: n, dtype: dtype, kind: kind)
        lock.lock()
        if let plan = cache[key] {
            lock.unlock()
            return plan
        }
        lock.unlock()
        let raw: OpaquePointer?
        switch (kind, dtype) {
        case (.complex, .float32): raw = ember_fft_plan_create_f32(Int64(n))
        case (.complex, _): raw = ember_fft_plan_create_f64(Int64(n))
        case (.real, .float32): raw = ember_fft_rplan_create_f32(Int64(n))
        case (.real, _): raw = ember_fft_rplan_create_f64(Int64(n))
        }
        guard let raw else { fatalError("fft: out of memory creating a plan for \(n) points") }
        let plan = FFTPlan(key: key, pointer: raw)
        lock.lock()
        defer { lock.unlock() }
        if let existing = cache[key] { return existing }
        if cache.count >= capacity, let victim = cache.keys.first { cache[victim] = nil }
        cache[key] = plan
        return plan
    }

    /// Lets one long transform spread its four-step blocks over Ember's pool.
    private static let installParallelHook: Void = {
        ember_fft_set_parallel { count, context, task in
            guard let task else { return }
            parallelFor(Int(count), grain: 1) { range in
                task(context, Int64(range.lowerBound), Int64(range.upperBound))
            }
        }
    }()
}

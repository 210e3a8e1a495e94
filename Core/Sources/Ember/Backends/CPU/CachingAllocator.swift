import Foundation

/// Reuses large CPU buffers instead of returning them to the system.
///
/// A fresh 64 MB `malloc` is backed by pages the kernel must fault in on first touch, which
/// costs as much as a memory-bound kernel itself. Keeping freed blocks in power-of-two size
/// buckets lets the next op of a similar size reuse warm pages.
final class CachingAllocator: @unchecked Sendable {
    static let shared = CachingAllocator()

    /// Blocks below this size go straight to `malloc`, whose own caches serve them well.
    static let minimumCachedSize = 1 << 16
    /// Upper bound on bytes held idle in the cache.
    var cacheLimit = 2 << 30
    static let alignment = 64
    /// Blocks from this size on are aligned to 2 MB and offered to the kernel for transparent
    /// huge pages (`MADV_HUGEPAGE`; a no-op where THP is off): one TLB entry then covers 2 MB
    /// instead of 4 KB, which is what strided walks over big tensors (a transposed operand
    /// touches a new page every few elements) are bound by, and first touch faults 512× less often.
    static let hugePageThreshold = 4 << 20
    static let hugePageSize = 2 << 20

    private var freeBlocks: [Int: [UnsafeMutableRawPointer]] = [:]
    private var cachedBytes = 0
    private let lock = NSLock()

    /// The bucket a request of `byteCount` bytes is served from.
    static func bucketSize(for byteCount: Int) -> Int {
        if byteCount < minimumCachedSize { return byteCount }
        // Round up to a quarter-power-of-two step to keep waste under 25%.
        let highBit = Int.bitWidth - 1 - byteCount.leadingZeroBitCount
        let step = 1 << max(highBit - 2, 0)
        return (byteCount + step - 1) / step * step
    }

    func allocate(byteCount: Int) -> (pointer: UnsafeMutableRawPointer, capacity: Int) {
        let size = Self.bucketSize(for: max(byteCount, 1))
        if size >= Self.minimumCachedSize {
            lock.lock()
            if var blocks = freeBlocks[size], let block = blocks.popLast() {
                freeBlocks[size] = blocks
                cachedBytes -= size
                lock.unlock()
                return (block, size)
            }
            lock.unlock()
        }
        if size >= Self.hugePageThreshold {
            let block = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: Self.hugePageSize)
            #if os(Linux)
            _ = madvise(block, size, MADV_HUGEPAGE)
            #endif
            return (block, size)
        }
        return (UnsafeMutableRawPointer.allocate(byteCount: size, alignment: Self.alignment), size)
    }

    func deallocate(_ pointer: UnsafeMutableRawPointer, capacity: Int) {
        if capacity >= Self.minimumCachedSize {
            lock.lock()
            if cachedBytes + capacity <= cacheLimit {
                freeBlocks[capacity, default: []].append(pointer)
                cachedBytes += capacity
                lock.unlock()
                return
            }
            lock.unlock()
        }
        pointer.deallocate()
    }

    /// Returns every cached block to the system (`torch.cuda.empty_cache`'s CPU analogue).
    func emptyCache() {
        lock.lock()
        let blocks = freeBlocks
        freeBlocks = [:]
        cachedBytes = 0
        lock.unlock()
        for (_, list) in blocks { list.forEach { $0.deallocate() } }
    }
}

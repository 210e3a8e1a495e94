/// A tensor's bytes. Views share one storage; the version counter counts in-place writes
/// (autograd uses it to detect edits of tensors it saved).
public final class Storage: @unchecked Sendable {
    /// The first byte.
    public let data: UnsafeMutableRawPointer
    /// Usable bytes.
    public let byteCount: Int
    public let device: Device
    /// Incremented by every in-place write through any view.
    public internal(set) var version: Int = 0
    private let release: Release

    enum Release {
        case allocator(capacity: Int)
        /// Memory owned elsewhere (a memory-mapped file, ...); the closure frees it.
        case custom(@Sendable (UnsafeMutableRawPointer, Int) -> Void)
        case none
    }

    /// New uninitialised storage from the caching allocator.
    init(byteCount: Int) {
        let block = CachingAllocator.shared.allocate(byteCount: byteCount)
        data = block.pointer
        self.byteCount = byteCount
        device = .cpu
        release = .allocator(capacity: block.capacity)
    }

    /// Storage over memory owned by someone else; `deallocator` runs when the last view goes.
    public init(
        wrapping data: UnsafeMutableRawPointer, byteCount: Int,
        deallocator: (@Sendable (UnsafeMutableRawPointer, Int) -> Void)?
    ) {
        self.data = data
        self.byteCount = byteCount
        device = .cpu
        release = deallocator.map { .custom($0) } ?? .none
    }

    func bumpVersion() { version &+= 1 }

    deinit {
        switch release {
        case .allocator(let capacity): CachingAllocator.shared.deallocate(data, capacity: capacity)
        case .custom(let free): free(data, byteCount)
        case .none: break
        }
    }
}

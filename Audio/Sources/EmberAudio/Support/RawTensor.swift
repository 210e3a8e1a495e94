import Ember

/// Raw element access for EmberAudio's kernels, through Core's public storage API: the
/// tensors handed in are made contiguous first, so one pointer and a count describe them.
extension Tensor {
    /// Pointer to the first element of a contiguous tensor, typed as `T` (which must match
    /// the dtype).
    func audioPointer<T: TensorElement>(_: T.Type) -> UnsafeMutablePointer<T> {
        precondition(isContiguous, "internal: audioPointer needs a contiguous tensor")
        precondition(T.dtype == dtype, "internal: \(T.self) is not the element type of a \(dtype) tensor")
        return (storage.data + storageOffset * dtype.itemSize).assumingMemoryBound(to: T.self)
    }

    /// A new contiguous tensor whose elements `body` writes through a pointer.
    static func audioFilled<T: TensorElement>(
        _ shape: [Int], _: T.Type, _ body: (UnsafeMutablePointer<T>, Int) throws -> Void
    ) rethrows -> Tensor {
        let t = Tensor(empty: shape, dtype: T.dtype)
        try body(t.audioPointer(T.self), t.count)
        return t
    }
}

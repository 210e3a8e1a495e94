/// An n-dimensional array with PyTorch's semantics.
///
/// `Tensor` is a handle: copies of it refer to the same tensor, views share storage, and an
/// in-place op is visible through every view — as in PyTorch. The layout (shape, strides,
/// storage offset, in elements) says where each element lives in the storage.
public struct Tensor: @unchecked Sendable {
    @usableFromInline let impl: TensorImpl

    init(impl: TensorImpl) { self.impl = impl }

    /// A tensor over `storage` with the given layout (no copy).
    init(storage: Storage, dtype: DType, shape: [Int], strides: [Int], offset: Int) {
        impl = TensorImpl(storage: storage, dtype: dtype, shape: shape, strides: strides, offset: offset)
    }

    /// A new, uninitialised, contiguous tensor (`torch.empty`).
    public init(empty shape: [Int], dtype: DType = .float32) {
        precondition(shape.allSatisfy { $0 >= 0 }, "empty: negative dimension in shape \(shape)")
        let count = shape.reduce(1, *)
        self.init(
            storage: Storage(byteCount: count * dtype.itemSize), dtype: dtype, shape: shape,
            strides: Shape.contiguousStrides(shape), offset: 0)
    }

    public var dtype: DType { impl.dtype }
    public var shape: [Int] { impl.shape }
    /// Strides in elements.
    public var strides: [Int] { impl.strides }
    /// Offset of the first element in the storage, in elements.
    public var storageOffset: Int { impl.offset }
    public var storage: Storage { impl.storage }
    public var device: Device { impl.storage.device }
    /// Number of dimensions (`tensor.dim()`).
    public var dim: Int { impl.shape.count }
    /// Number of elements (`tensor.numel()`).
    public var count: Int { impl.count }
    /// `tensor.size(d)`, with negative `d` counting from the end.
    public func size(_ d: Int) -> Int { shape[Shape.normalize(d, rank: dim, op: "size")] }
    /// `tensor.stride(d)`.
    public func stride(_ d: Int) -> Int { strides[Shape.normalize(d, rank: dim, op: "stride")] }

    /// True when elements are laid out in row-major order without gaps.
    public var isContiguous: Bool { impl.isContiguous }

    /// Address of the first element.
    var dataPointer: UnsafeMutableRawPointer { impl.storage.data + impl.offset * impl.dtype.itemSize }

    /// Typed pointer to the first element; `T` must match the dtype.
    func pointer<T: TensorElement>(as _: T.Type) -> UnsafeMutablePointer<T> {
        precondition(T.dtype == dtype, "internal: \(T.self) is not the element type of a \(dtype) tensor")
        return dataPointer.assumingMemoryBound(to: T.self)
    }

    /// True when both handles refer to the same tensor object.
    public func isSameTensor(_ other: Tensor) -> Bool { impl === other.impl }
}

/// The tensor object a `Tensor` handle refers to.
@usableFromInline final class TensorImpl: @unchecked Sendable {
    let storage: Storage
    let dtype: DType
    let shape: [Int]
    let strides: [Int]
    let offset: Int
    let count: Int
    let isContiguous: Bool
    /// Autograd state; nil for tensors that never took part in autograd (most of them).
    var autograd: AutogradMeta?
    /// The tensor whose storage this view looks into (the root, never itself a view); nil for
    /// tensors that own their layout. In-place ops on views use it to update the base's history.
    var viewBase: TensorImpl?

    init(storage: Storage, dtype: DType, shape: [Int], strides: [Int], offset: Int) {
        self.storage = storage
        self.dtype = dtype
        self.shape = shape
        self.strides = strides
        self.offset = offset
        count = shape.reduce(1, *)
        isContiguous = Shape.isContiguous(shape: shape, strides: strides)
    }
}

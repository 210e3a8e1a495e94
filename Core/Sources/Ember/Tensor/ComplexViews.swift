/// Views between complex tensors and their real components: `viewAsReal`, `viewAsComplex`,
/// `.real`, `.imag`. All share storage with the input, as in PyTorch: a complex element is two
/// adjacent reals, so a complex layout is a real layout with strides doubled and a trailing
/// dimension of 2.
///
/// These views change the dtype, so in-place ops on them are not tracked back into the complex
/// base's autograd history (PyTorch's `CopySlices` across a dtype change); out-of-place use is
/// fully differentiable.
extension Tensor {
    /// `tensor.is_complex()`.
    public var isComplex: Bool { dtype.isComplex }

    /// The complex storage read as reals, shape `[..., 2]`, without autograd.
    func rawViewAsReal() -> Tensor {
        Tensor(
            storage: storage, dtype: dtype.toReal, shape: shape + [2], strides: strides.map { $0 * 2 } + [1],
            offset: storageOffset * 2)
    }

    /// Pairs of reals (last dim 2, stride 1) read as complex, without autograd or checks.
    func rawViewAsComplex() -> Tensor {
        Tensor(
            storage: storage, dtype: dtype.toComplex, shape: Array(shape.dropLast()),
            strides: strides.dropLast().map { $0 / 2 }, offset: storageOffset / 2)
    }

    /// `torch.view_as_real(self)`: a real view of shape `[..., 2]` holding (real, imaginary)
    /// pairs (float32 for complex64, float64 for complex128). Backward: `viewAsComplex` of
    /// the gradient.
    public func viewAsReal() -> Tensor {
        precondition(dtype.isComplex, "view_as_real is only supported for complex tensors (got \(dtype), shape \(shape))")
        let view = rawViewAsReal()
        guard Autograd.needsGrad(self) else { return view }
        return Autograd.record("ViewAsRealBackward0", inputs: [self], output: view) { grad, _ in
            [grad.contiguous().viewAsComplex()]
        }
    }

    /// `torch.view_as_complex(self)`: a float32/float64 tensor whose last dimension has size 2
    /// and stride 1, read as complex64/complex128 without copying. Backward: `viewAsReal` of
    /// the gradient.
    public func viewAsComplex() -> Tensor {
        precondition(
            dtype == .float32 || dtype == .float64,
            "view_as_complex is only supported for float and double tensors, but got a tensor of scalar type: \(dtype.scalarTypeName)")
        precondition(dim > 0, "view_as_complex: Input tensor must have one or more dimensions")
        precondition(shape.last == 2, "view_as_complex: Tensor must have a last dimension of size 2 (shape \(shape))")
        precondition(strides.last == 1, "view_as_complex: Tensor must have a last dimension with stride 1 (strides \(strides))")
        precondition(
            strides.dropLast().allSatisfy { $0 % 2 == 0 },
            "view_as_complex: Tensor must have a stride divisible by 2 for all but last dimension (strides \(strides))")
        precondition(
            storageOffset % 2 == 0, "view_as_complex: Tensor must have a storage_offset divisible by 2 (offset \(storageOffset))")
        let view = rawViewAsComplex()
        guard Autograd.needsGrad(self) else { return view }
        return Autograd.record("ViewAsComplexBackward0", inputs: [self], output: view) { grad, _ in
            [grad.contiguous().viewAsReal()]
        }
    }

    /// `tensor.real`: for complex tensors a real view of the real parts (strides doubled, as
    /// in PyTorch); real tensors return themselves. Its gradient is `complex(grad, 0)`.
    public var real: Tensor {
        dtype.isComplex ? viewAsReal().select(-1, 0) : self
    }

    /// `tensor.imag`: a real view of the imaginary parts of a complex tensor (its gradient
    /// is `complex(0, grad)`). Real tensors have none, as in PyTorch.
    public var imag: Tensor {
        precondition(dtype.isComplex, "imag is not implemented for tensors with non-complex dtypes (got \(dtype))")
        return viewAsReal().select(-1, 1)
    }
}

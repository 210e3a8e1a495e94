/// Views: new layouts over the same storage. None of these copies data (except `reshape`
/// when no view can express the new shape, as in PyTorch).
extension Tensor {
    /// A tensor sharing this storage with another layout (`torch.as_strided`).
    public func asStrided(_ shape: [Int], _ strides: [Int], storageOffset: Int? = nil) -> Tensor {
        precondition(shape.count == strides.count, "as_strided: shape \(shape) and strides \(strides) differ in length")
        let offset = storageOffset ?? self.storageOffset
        if shape.allSatisfy({ $0 > 0 }) {
            let last = offset + zip(shape, strides).reduce(0) { $0 + ($1.0 - 1) * $1.1 }
            precondition(
                offset >= 0 && last < storage.byteCount / dtype.itemSize,
                "as_strided: shape \(shape), strides \(strides) and offset \(offset) reach outside the storage of \(storage.byteCount / dtype.itemSize) elements")
        }
        let view = withLayout(shape, strides, offset: offset)
        guard Autograd.needsGrad(self) else { return view }
        let input = (shape: self.shape, strides: self.strides, offset: self.storageOffset)
        let output = (shape: shape, strides: strides, offset: offset)
        return Autograd.record("AsStridedBackward0", inputs: [self], output: view) { grad, _ in
            [Tensor.asStridedBackward(grad, input: input, output: output)]
        }
    }

    /// The gradient of an `asStrided` view for its input: each output element's gradient is
    /// added at its storage position (overlapping views add up), then read with the input's layout.
    static func asStridedBackward(
        _ grad: Tensor, input: (shape: [Int], strides: [Int], offset: Int),
        output: (shape: [Int], strides: [Int], offset: Int)
    ) -> Tensor {
        func extent(_ g: (shape: [Int], strides: [Int], offset: Int)) -> (Int, Int) {
            if g.shape.contains(0) { return (g.offset, g.offset) }
            var low = g.offset, high = g.offset
            for (size, stride) in zip(g.shape, g.strides) {
                if stride >= 0 { high += (size - 1) * stride } else { low += (size - 1) * stride }
            }
            return (low, high)
        }
        let (inLow, inHigh) = extent(input), (outLow, outHigh) = extent(output)
        let low = Swift.min(inLow, outLow), span = Swift.max(inHigh, outHigh) - low + 1
        let positions = Tensor.arange(.int(Int64(span)), dtype: .int64)
            .asStrided(output.shape, output.strides, storageOffset: output.offset - low)
        let buffer = Tensor.zeros([span], dtype: grad.dtype)
            .indexAdd(0, positions.reshape([-1]), grad.reshape([-1]))
        return buffer.asStrided(input.shape, input.strides, storageOffset: input.offset - low).contiguous()
    }

    /// A view of the same storage with another layout; remembers the root base for in-place
    /// autograd.
    func withLayout(_ shape: [Int], _ strides: [Int], offset: Int? = nil) -> Tensor {
        let view = Tensor(storage: storage, dtype: dtype, shape: shape, strides: strides, offset: offset ?? storageOffset)
        view.impl.viewBase = impl.viewBase ?? impl
        return view
    }

    /// Records a view op whose gradient is `backward(grad)`.
    private func recordView(_ name: String, _ view: Tensor, _ backward: @escaping (Tensor) -> Tensor) -> Tensor {
        guard Autograd.needsGrad(self) else { return view }
        return Autograd.record(name, inputs: [self], output: view) { grad, _ in [backward(grad)] }
    }

    /// Records a view op that picks distinct elements: the gradient is `grad` written into
    /// zeros through the same view (and that writing is itself differentiable).
    private func recordSelectingView(_ name: String, _ view: Tensor, _ viewOf: @escaping (Tensor) -> Tensor) -> Tensor {
        let shape = self.shape
        return recordView(name, view) { grad in Tensor.scatterIntoZeros(grad, shape: shape, through: viewOf) }
    }

    /// `grad` copied into a zero tensor of `shape` through `view` (a non-overlapping view);
    /// its own gradient is the same view of the incoming gradient.
    static func scatterIntoZeros(_ grad: Tensor, shape: [Int], through view: @escaping (Tensor) -> Tensor) -> Tensor {
        let out = Tensor.zeros(shape, dtype: grad.dtype)
        withNoGrad { _ = view(out).copy_(grad) }
        guard Autograd.needsGrad(grad) else { return out }
        return Autograd.record("ViewScatterBackward", inputs: [grad], output: out) { gradGrad, _ in [view(gradGrad)] }
    }

    /// Resolves one `-1` entry of a requested shape.
    private func inferShape(_ requested: [Int], op: String) -> [Int] {
        var shape = requested
        let unknown = requested.indices.filter { requested[$0] == -1 }
        precondition(unknown.count <= 1, "\(op): only one dimension can be inferred; got shape \(requested)")
        let known = requested.filter { $0 != -1 }.reduce(1, *)
        if let u = unknown.first {
            precondition(
                known != 0 && count % known == 0,
                "\(op): shape '\(requested)' is invalid for input of size \(count)")
            shape[u] = count / known
        }
        precondition(
            shape.reduce(1, *) == count && shape.allSatisfy { $0 >= 0 },
            "\(op): shape '\(requested)' is invalid for input of size \(count)")
        return shape
    }

    /// Strides that express `newShape` over this layout without copying, or nil
    /// (PyTorch's `computeStride`: split or merge only runs of dimensions that are contiguous).
    private func viewStrides(_ newShape: [Int]) -> [Int]? {
        // Empty and 0-d tensors have no layout to respect: any shape of equal count views them.
        if count == 0 || dim == 0 { return Shape.contiguousStrides(newShape) }
        var newStrides = [Int](repeating: 0, count: newShape.count)
        var viewD = newShape.count - 1
        var chunkBase = strides.last ?? 1
        var tensorElements = 1
        var viewElements = 1
        for tensorD in Swift.stride(from: shape.count - 1, through: 0, by: -1) {
            tensorElements *= shape[tensorD]
            if tensorD == 0 || (shape[tensorD - 1] != 1 && strides[tensorD - 1] != tensorElements * chunkBase) {
                while viewD >= 0 && (viewElements < tensorElements || newShape[viewD] == 1) {
                    newStrides[viewD] = viewElements * chunkBase
                    viewElements *= newShape[viewD]
                    viewD -= 1
                }
                if viewElements != tensorElements { return nil }
                if tensorD > 0 {
                    chunkBase = strides[tensorD - 1]
                    tensorElements = 1
                    viewElements = 1
                }
            }
        }
        if viewD != -1 { return nil }
        return newStrides
    }

    /// `tensor.view(shape)`: a view with a new shape; stops when the layout cannot express it.
    public func view(_ shape: [Int]) -> Tensor {
        let resolved = inferShape(shape, op: "view")
        guard let strides = viewStrides(resolved) else {
            preconditionFailure(
                "view: size \(resolved) is not compatible with input tensor's size \(self.shape) and stride \(self.strides) (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
        }
        let inputShape = self.shape
        return recordView("ViewBackward0", withLayout(resolved, strides)) { $0.reshape(inputShape) }
    }

    public func view(_ shape: Int...) -> Tensor { view(shape) }

    /// `tensor.reshape(shape)`: a view when possible, otherwise a contiguous copy.
    public func reshape(_ shape: [Int]) -> Tensor {
        let resolved = inferShape(shape, op: "reshape")
        if let strides = viewStrides(resolved) {
            let inputShape = self.shape
            return recordView("ViewBackward0", withLayout(resolved, strides)) { $0.reshape(inputShape) }
        }
        return clone().view(resolved)
    }

    public func reshape(_ shape: Int...) -> Tensor { reshape(shape) }

    /// `tensor.permute(dims)`.
    public func permute(_ dims: [Int]) -> Tensor {
        precondition(dims.count == dim, "permute: number of dims \(dims) don't match the tensor's \(dim) dims (shape \(shape))")
        let order = dims.map { Shape.normalize($0, rank: dim, op: "permute") }
        precondition(Set(order).count == dim, "permute: repeated dim in \(dims)")
        var inverse = order
        for (i, d) in order.enumerated() { inverse[d] = i }
        return recordView("PermuteBackward0", withLayout(order.map { shape[$0] }, order.map { strides[$0] })) {
            $0.permute(inverse)
        }
    }

    public func permute(_ dims: Int...) -> Tensor { permute(dims) }

    /// `tensor.transpose(d0, d1)`.
    public func transpose(_ d0: Int, _ d1: Int) -> Tensor {
        if dim == 0 { return self }
        let a = Shape.normalize(d0, rank: dim, op: "transpose"), b = Shape.normalize(d1, rank: dim, op: "transpose")
        var newShape = shape, newStrides = strides
        newShape.swapAt(a, b)
        newStrides.swapAt(a, b)
        return recordView("TransposeBackward0", withLayout(newShape, newStrides)) { $0.transpose(a, b) }
    }

    /// `tensor.t()`: transpose of a tensor with at most 2 dims.
    public func t() -> Tensor {
        precondition(dim <= 2, "t: expects a tensor with <= 2 dimensions, but self is \(dim)D (shape \(shape))")
        return dim < 2 ? self : transpose(0, 1)
    }

    /// `tensor.mT`: transpose of the last two dims.
    public var mT: Tensor { transpose(-2, -1) }

    /// `tensor.expand(shape)`: broadcast size-1 dims without copying; -1 keeps a size.
    public func expand(_ shape: [Int]) -> Tensor {
        precondition(
            shape.count >= dim,
            "expand: the number of sizes provided (\(shape.count)) must be greater or equal to the number of dimensions in the tensor (\(dim))")
        let lead = shape.count - dim
        var newShape = shape, newStrides = [Int](repeating: 0, count: shape.count)
        for i in 0..<shape.count {
            if i < lead {
                precondition(shape[i] >= 0, "expand: -1 is not allowed in a leading, non-existing dimension (\(shape))")
                continue
            }
            let own = self.shape[i - lead]
            let target = shape[i] == -1 ? own : shape[i]
            precondition(
                own == target || own == 1,
                "expand: the expanded size of the tensor (\(target)) must match the existing size (\(own)) at non-singleton dimension \(i). Target sizes: \(shape). Tensor sizes: \(self.shape)")
            newShape[i] = target
            newStrides[i] = own == target ? strides[i - lead] : 0
        }
        let inputShape = self.shape
        return recordView("ExpandBackward0", withLayout(newShape, newStrides)) { $0.sumToSize(inputShape) }
    }

    public func expand(_ shape: Int...) -> Tensor { expand(shape) }
    public func expand(as other: Tensor) -> Tensor { expand(other.shape) }

    /// `tensor.squeeze()`: drops every size-1 dim.
    public func squeeze() -> Tensor {
        let keep = shape.indices.filter { shape[$0] != 1 }
        let inputShape = shape
        return recordView("SqueezeBackward0", withLayout(keep.map { shape[$0] }, keep.map { strides[$0] })) {
            $0.reshape(inputShape)
        }
    }

    /// `tensor.squeeze(dim)`: drops `dim` when its size is 1.
    public func squeeze(dim d: Int) -> Tensor { squeeze(dims: [d]) }

    public func squeeze(dims: [Int]) -> Tensor {
        if dim == 0 { return self }
        let drop = Set(dims.map { Shape.normalize($0, rank: dim, op: "squeeze") }.filter { shape[$0] == 1 })
        let keep = shape.indices.filter { !drop.contains($0) }
        let inputShape = shape
        return recordView("SqueezeBackward1", withLayout(keep.map { shape[$0] }, keep.map { strides[$0] })) {
            $0.reshape(inputShape)
        }
    }

    /// `tensor.unsqueeze(dim)`.
    public func unsqueeze(_ d: Int) -> Tensor {
        let at = Shape.normalize(d, rank: dim + 1, op: "unsqueeze")
        var newShape = shape, newStrides = strides
        let stride = at < dim ? strides[at] * shape[at] : 1
        newShape.insert(1, at: at)
        newStrides.insert(stride, at: at)
        return recordView("UnsqueezeBackward0", withLayout(newShape, newStrides)) { $0.squeeze(dim: at) }
    }

    /// `tensor.flatten(startDim, endDim)`.
    public func flatten(startDim: Int = 0, endDim: Int = -1) -> Tensor {
        if dim == 0 { return reshape([1]) }
        let s = Shape.normalize(startDim, rank: dim, op: "flatten"), e = Shape.normalize(endDim, rank: dim, op: "flatten")
        precondition(s <= e, "flatten: start_dim (\(startDim)) cannot come after end_dim (\(endDim))")
        if s == e { return self }
        let merged = shape[s...e].reduce(1, *)
        return reshape(Array(shape[..<s]) + [merged] + Array(shape[(e + 1)...]))
    }

    /// `tensor.unflatten(dim, sizes)`.
    public func unflatten(_ d: Int, _ sizes: [Int]) -> Tensor {
        let at = Shape.normalize(d, rank: dim, op: "unflatten")
        return view(Array(shape[..<at]) + sizes + Array(shape[(at + 1)...]))
    }

    /// `tensor.narrow(dim, start, length)`.
    public func narrow(_ d: Int, start: Int, length: Int) -> Tensor {
        let axis = Shape.normalize(d, rank: dim, op: "narrow")
        let begin = start < 0 ? start + shape[axis] : start
        precondition(
            begin >= 0 && length >= 0 && begin + length <= shape[axis],
            "narrow: start (\(start)) + length (\(length)) exceeds dimension size (\(shape[axis])) of shape \(shape)")
        var newShape = shape
        newShape[axis] = length
        return recordSelectingView("SliceBackward0", withLayout(newShape, strides, offset: storageOffset + begin * strides[axis])) {
            $0.narrow(axis, start: begin, length: length)
        }
    }

    /// `tensor.select(dim, index)`: removes `dim`, keeping one index.
    public func select(_ d: Int, _ index: Int) -> Tensor {
        let axis = Shape.normalize(d, rank: dim, op: "select")
        let size = shape[axis]
        precondition(
            index >= -size && index < size,
            "select: index \(index) out of range for tensor of size \(shape) at dimension \(axis)")
        let i = index < 0 ? index + size : index
        var newShape = shape, newStrides = strides
        newShape.remove(at: axis)
        newStrides.remove(at: axis)
        return recordSelectingView("SelectBackward0", withLayout(newShape, newStrides, offset: storageOffset + i * strides[axis])) {
            $0.select(axis, i)
        }
    }

    /// `tensor.unfold(dim, size, step)`: sliding windows as a new last dim.
    public func unfold(_ d: Int, size: Int, step: Int) -> Tensor {
        let axis = Shape.normalize(d, rank: dim, op: "unfold")
        let length = dim == 0 ? 1 : shape[axis]
        precondition(size <= length, "unfold: maximum size for tensor at dimension \(axis) is \(length) but size is \(size)")
        precondition(step > 0, "unfold: step is \(step) but must be > 0")
        if dim == 0 { return recordView("UnfoldBackward0", withLayout([size], [1])) { $0.reshape([]) } }
        var newShape = shape, newStrides = strides
        newShape[axis] = (length - size) / step + 1
        newStrides[axis] = strides[axis] * step
        let view = withLayout(newShape + [size], newStrides + [strides[axis]])
        guard Autograd.needsGrad(self) else { return view }
        // Windows overlap when step < size: gradients of shared elements add up.
        let inputShape = shape
        let input = (shape: inputShape, strides: Shape.contiguousStrides(inputShape), offset: 0)
        let output = (
            shape: newShape + [size],
            strides: Shape.contiguousStrides(inputShape).enumerated().map { $0 == axis ? $1 * step : $1 }
                + [Shape.contiguousStrides(inputShape)[axis]],
            offset: 0)
        return recordView("UnfoldBackward0", view) { Tensor.asStridedBackward($0, input: input, output: output) }
    }

    /// `tensor.diagonal(offset, dim1, dim2)`: the diagonal as the last dim.
    public func diagonal(offset: Int = 0, dim1: Int = 0, dim2: Int = 1) -> Tensor {
        let a = Shape.normalize(dim1, rank: dim, op: "diagonal"), b = Shape.normalize(dim2, rank: dim, op: "diagonal")
        precondition(a != b, "diagonal: dimensions cannot be identical \(dim1), \(dim2)")
        var length: Int
        var start = storageOffset
        if offset >= 0 {
            length = Swift.max(Swift.min(shape[a], shape[b] - offset), 0)
            if length > 0 { start += offset * strides[b] }
        } else {
            length = Swift.max(Swift.min(shape[a] + offset, shape[b]), 0)
            if length > 0 { start -= offset * strides[a] }
        }
        let keep = shape.indices.filter { $0 != a && $0 != b }
        let view = withLayout(
            keep.map { shape[$0] } + [length], keep.map { strides[$0] } + [strides[a] + strides[b]], offset: start)
        return recordSelectingView("DiagonalBackward0", view) { $0.diagonal(offset: offset, dim1: a, dim2: b) }
    }
}

import Foundation

/// `index_select` and `index_add`: whole slices along one dimension, picked or accumulated
/// by a 1-D index.
extension Tensor {
    /// `torch.index_select(input, dim, index)`: the slices at `index` (int64 or int32, 1-D) along `dim`.
    /// Backward (`IndexSelectBackward0`): the gradient index-added into zeros.
    public func indexSelect(_ dim: Int, _ index: Tensor) -> Tensor {
        let out = rawIndexSelect(dim, index)
        guard Autograd.needsGrad(self) else { return out }
        let axis = Shape.normalize(dim, rank: self.dim, op: "index_select")
        let shape = self.shape
        return Autograd.record("IndexSelectBackward0", inputs: [self], output: out, saving: [index]) { grad, saved in
            [Tensor.zeros(shape, dtype: grad.dtype).indexAdd(axis, saved[0], grad)]
        }
    }

    func rawIndexSelect(_ dim: Int, _ index: Tensor) -> Tensor {
        let axis = Shape.normalize(dim, rank: self.dim, op: "index_select")
        let idx = Self.checkedVectorIndex(index, op: "index_select")
        var outShape = shape
        if self.dim > 0 { outShape[axis] = idx.count }
        let out = Tensor(empty: outShape, dtype: dtype)
        if out.count == 0 {
            if idx.count > 0 && shape[axis] == 0 {
                _ = IndexKernels.wrap(idx.pointer(as: Int64.self)[0], size: 0, dim: axis, negative: false)
            }
            return out
        }
        let data = atLeast1D()
        if axis == 0 && data.isContiguous {
            // Rows are contiguous in both: copy them whole.
            let rowBytes = data.count / data.shape[0] * dtype.itemSize
            let size = data.shape[0], stride = idx.strides.first ?? 0
            let p = idx.pointer(as: Int64.self)
            let src = UnsafeRawPointer(data.dataPointer), dst = out.dataPointer
            parallelFor(idx.count, grain: Swift.max(1, 65_536 / Swift.max(rowBytes, 1))) { range in
                for i in range {
                    let row = IndexKernels.wrap(p[i * stride], size: size, dim: 0, negative: false)
                    memcpy(dst + i * rowBytes, src + row * rowBytes, rowBytes)
                }
            }
            return out
        }
        IndexKernels.gather(data.sliceIndexPlan(idx, axis: axis, over: out.atLeast1D().shape), from: data, into: out.atLeast1D())
        return out
    }

    /// `torch.index_add(input, dim, index, source, alpha=alpha)`: adds `alpha * source[i]` to
    /// the slice `index[i]` along `dim`; repeated indices add up.
    ///
    /// Backward (`IndexAddBackward0`): the input's gradient passes through; the source's is
    /// `alpha` times the gradient's slices at `index`.
    public func indexAdd(_ dim: Int, _ index: Tensor, _ source: Tensor, alpha: Scalar = 1) -> Tensor {
        guard Autograd.needsGrad(self, source) else { return clone().rawIndexAdd_(dim, index, source, alpha: alpha) }
        let out = withNoGrad { clone().rawIndexAdd_(dim, index, source, alpha: alpha) }
        let axis = Shape.normalize(dim, rank: self.dim, op: "index_add_")
        let sourceIs0D = source.dim == 0
        return Autograd.record("IndexAddBackward0", inputs: [self, source], output: out, saving: [index]) { grad, saved in
            var gradSource = grad.indexSelect(axis, saved[0])
            if sourceIs0D { gradSource = gradSource.reshape([]) }
            return [grad, alpha == 1 ? gradSource : gradSource.mul(alpha)]
        }
    }

    /// In-place `index_add_`.
    @discardableResult
    public func indexAdd_(_ dim: Int, _ index: Tensor, _ source: Tensor, alpha: Scalar = 1) -> Tensor {
        guard IndexingAutograd.neededInPlace(self, source) else { return rawIndexAdd_(dim, index, source, alpha: alpha) }
        return Autograd.inPlace(
            self, others: [source], name: "index_add_", inPlace: { rawIndexAdd_(dim, index, source, alpha: alpha) },
            outOfPlace: { $0.indexAdd(dim, index, source, alpha: alpha) })
    }

    @discardableResult
    func rawIndexAdd_(_ dim: Int, _ index: Tensor, _ source: Tensor, alpha: Scalar) -> Tensor {
        let axis = Shape.normalize(dim, rank: self.dim, op: "index_add_")
        let idx = Self.checkedVectorIndex(index, op: "index_add_")
        precondition(
            source.dtype == dtype,
            "index_add_(): self (\(dtype)) and source (\(source.dtype)) must have the same scalar type")
        precondition(
            Swift.max(source.dim, 1) == Swift.max(self.dim, 1),
            "index_add_(): Source/destination tensor must have same number of dimensions (source \(source.shape), self \(shape))")
        let sourceAxisSize = source.dim == 0 ? 1 : source.shape[axis]
        precondition(
            idx.count == sourceAxisSize,
            "index_add_(): Number of indices (\(idx.count)) should be equal to source.size(dim) (\(sourceAxisSize))")
        for d in 0..<self.dim where d != axis {
            precondition(
                source.shape[d] == shape[d],
                "index_add_(): source tensor shape must match self tensor shape, excluding the specified dimension. Got self.shape = \(shape) source.shape = \(source.shape)")
        }
        var scaled = source
        if alpha != 1 { scaled = source.mul(alpha).to(dtype) }
        scaled = scaled.overlapSafe(with: self)
        let data = atLeast1D(), src = scaled.atLeast1D()
        if src.count > 0 {
            IndexKernels.scatter(
                data.sliceIndexPlan(idx, axis: axis, over: src.shape), into: data, from: src,
                sourceStrides: src.strides, reduce: .add)
        }
        storage.bumpVersion()
        return self
    }

    /// An int64 vector from a 1-D (or 0-dim) int64/int32 index.
    static func checkedVectorIndex(_ index: Tensor, op: String) -> Tensor {
        precondition(index.dim <= 1, "\(op)(): Index is supposed to be a vector, got shape \(index.shape)")
        precondition(
            index.dtype == .int64 || index.dtype == .int32,
            "\(op)(): Expected dtype int32 or int64 for index, got \(index.dtype)")
        return index.to(.int64).atLeast1D()
    }

    /// The plan over `shape` (this tensor's shape with `axis` resized to the index's length)
    /// that reads this tensor at `index[coordinate along axis]` along `axis`.
    func sliceIndexPlan(_ index: Tensor, axis: Int, over shape: [Int]) -> IndexPlan {
        var dataStrides = strides
        dataStrides[axis] = 0
        var indexStrides = [Int](repeating: 0, count: shape.count)
        indexStrides[axis] = index.strides[0]
        return IndexPlan(
            shape: shape, dataStrides: dataStrides, indices: [index], indexStrides: [indexStrides],
            dimSizes: [self.shape[axis]], dimStrides: [strides[axis]], dimNames: [axis])
    }
}

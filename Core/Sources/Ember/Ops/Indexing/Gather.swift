/// `gather`, `scatter` and `scatter_add`: reading and writing along one dimension at positions
/// given per element by an int64 index tensor.
extension Tensor {
    /// `torch.gather(input, dim, index)`: `out[i][j][k] = input[index[i][j][k]][j][k]` for
    /// `dim == 0` (and likewise for other dims); the result has the index's shape.
    /// Backward (`GatherBackward0`): the gradient scatter-added into zeros.
    public func gather(_ dim: Int, _ index: Tensor) -> Tensor {
        let axis = Shape.normalize(dim, rank: self.dim, op: "gather")
        checkScatterGatherShapes(index, source: nil, axis: axis, op: "gather")
        let out = Tensor(empty: index.shape, dtype: dtype)
        if index.count > 0 {
            let (data, idx, o) = (self.atLeast1D(), index.atLeast1D(), out.atLeast1D())
            IndexKernels.gather(data.alongDimPlan(idx, axis: axis), from: data, into: o)
        }
        guard Autograd.needsGrad(self) else { return out }
        let shape = self.shape
        return Autograd.record("GatherBackward0", inputs: [self], output: out, saving: [index]) { grad, saved in
            [Tensor.zeros(shape, dtype: grad.dtype).scatterAdd(axis, saved[0], grad)]
        }
    }

    /// `torch.scatter(input, dim, index, src)`: a copy of the tensor with
    /// `out[index[i][j]][j] = src[i][j]` (for `dim == 0`), or combined by `reduce`.
    ///
    /// Backward (`ScatterBackward0`): the input's gradient with the overwritten positions
    /// zeroed, and the source's gathered from those positions. With `reduce: .add` the
    /// gradients are those of `scatter_add`; with `.multiply` the input receives the gradient
    /// times the factor it was multiplied by, and each source element the gradient times the
    /// product of everything else that landed on its position (exact with zeros).
    public func scatter(_ dim: Int, _ index: Tensor, _ source: Tensor, reduce: ScatterReduce? = nil) -> Tensor {
        guard Autograd.needsGrad(self, source) else { return clone().rawScatter_(dim, index, source, reduce: reduce) }
        let out = withNoGrad { clone().rawScatter_(dim, index, source, reduce: reduce) }
        let axis = Shape.normalize(dim, rank: self.dim, op: "scatter")
        let sourceShape = source.shape
        switch reduce {
        case nil:
            return Autograd.record("ScatterBackward0", inputs: [self, source], output: out, saving: [index]) { grad, saved in
                [grad.scatter(axis, saved[0], value: 0),
                 Tensor.padToShape(grad.gather(axis, saved[0]), sourceShape)]
            }
        case .add:
            return Autograd.record("ScatterAddBackward0", inputs: [self, source], output: out, saving: [index]) { grad, saved in
                [grad, Tensor.padToShape(grad.gather(axis, saved[0]), sourceShape)]
            }
        case .multiply:
            return Autograd.record("ScatterReduceBackward0", inputs: [self, source], output: out, saving: [self, index, source, out]) {
                grad, saved in
                Tensor.scatterMultiplyBackward(grad, input: saved[0], index: saved[1], source: saved[2], result: saved[3], axis: axis)
            }
        }
    }

    /// `torch.scatter(input, dim, index, value)`: writes one number at every indexed position.
    /// Backward (`ScatterBackward1`): zero at the written positions (with `.add` the gradient
    /// passes unchanged; with `.multiply` it is scaled by the factor each position received).
    public func scatter(_ dim: Int, _ index: Tensor, value: Scalar, reduce: ScatterReduce? = nil) -> Tensor {
        guard Autograd.needsGrad(self) else { return clone().rawScatter_(dim, index, value: value, reduce: reduce) }
        let out = withNoGrad { clone().rawScatter_(dim, index, value: value, reduce: reduce) }
        let axis = Shape.normalize(dim, rank: self.dim, op: "scatter")
        let shape = self.shape
        return Autograd.record("ScatterBackward1", inputs: [self], output: out, saving: [index]) { grad, saved in
            switch reduce {
            case nil: return [grad.scatter(axis, saved[0], value: 0)]
            case .add: return [grad]
            case .multiply:
                let factor = withNoGrad {
                    Tensor.ones(shape, dtype: grad.dtype).rawScatter_(axis, saved[0], value: value, reduce: .multiply)
                }
                return [grad.mul(factor)]
            }
        }
    }

    /// In-place `scatter_`; repeated positions keep the last value written (PyTorch leaves
    /// that order unspecified) or combine all of them with `reduce`.
    @discardableResult
    public func scatter_(_ dim: Int, _ index: Tensor, _ source: Tensor, reduce: ScatterReduce? = nil) -> Tensor {
        guard IndexingAutograd.neededInPlace(self, source) else { return rawScatter_(dim, index, source, reduce: reduce) }
        return Autograd.inPlace(
            self, others: [source], name: "scatter_", inPlace: { rawScatter_(dim, index, source, reduce: reduce) },
            outOfPlace: { $0.scatter(dim, index, source, reduce: reduce) })
    }

    /// In-place `scatter_` of one number at every indexed position.
    @discardableResult
    public func scatter_(_ dim: Int, _ index: Tensor, value: Scalar, reduce: ScatterReduce? = nil) -> Tensor {
        guard IndexingAutograd.neededInPlace(self) else { return rawScatter_(dim, index, value: value, reduce: reduce) }
        return Autograd.inPlace(
            self, name: "scatter_", inPlace: { rawScatter_(dim, index, value: value, reduce: reduce) },
            outOfPlace: { $0.scatter(dim, index, value: value, reduce: reduce) })
    }

    /// `torch.scatter_add(input, dim, index, src)`: sums every source value into its position.
    /// Backward (`ScatterAddBackward0`): the input's gradient passes through; the source's is
    /// gathered from the positions it was added to.
    public func scatterAdd(_ dim: Int, _ index: Tensor, _ source: Tensor) -> Tensor {
        guard Autograd.needsGrad(self, source) else { return clone().rawScatterAdd_(dim, index, source) }
        let out = withNoGrad { clone().rawScatterAdd_(dim, index, source) }
        let axis = Shape.normalize(dim, rank: self.dim, op: "scatter_add")
        let sourceShape = source.shape
        return Autograd.record("ScatterAddBackward0", inputs: [self, source], output: out, saving: [index]) { grad, saved in
            [grad, Tensor.padToShape(grad.gather(axis, saved[0]), sourceShape)]
        }
    }

    /// In-place `scatter_add_`.
    @discardableResult
    public func scatterAdd_(_ dim: Int, _ index: Tensor, _ source: Tensor) -> Tensor {
        guard IndexingAutograd.neededInPlace(self, source) else { return rawScatterAdd_(dim, index, source) }
        return Autograd.inPlace(
            self, others: [source], name: "scatter_add_", inPlace: { rawScatterAdd_(dim, index, source) },
            outOfPlace: { $0.scatterAdd(dim, index, source) })
    }

    @discardableResult
    func rawScatter_(_ dim: Int, _ index: Tensor, _ source: Tensor, reduce: ScatterReduce?) -> Tensor {
        precondition(
            source.dtype == dtype, "scatter(): Expected self.dtype to be equal to src.dtype (\(dtype) vs \(source.dtype))")
        let axis = Shape.normalize(dim, rank: self.dim, op: "scatter")
        checkScatterGatherShapes(index, source: source, axis: axis, op: "scatter")
        return scatterImpl(axis, index, source.overlapSafe(with: self), strides: source.strides, reduce: reduce)
    }

    @discardableResult
    func rawScatter_(_ dim: Int, _ index: Tensor, value: Scalar, reduce: ScatterReduce?) -> Tensor {
        let axis = Shape.normalize(dim, rank: self.dim, op: "scatter")
        checkScatterGatherShapes(index, source: nil, axis: axis, op: "scatter")
        let source = Tensor(scalar: value, dtype: dtype)
        return scatterImpl(axis, index, source, strides: [Int](repeating: 0, count: index.dim), reduce: reduce)
    }

    @discardableResult
    func rawScatterAdd_(_ dim: Int, _ index: Tensor, _ source: Tensor) -> Tensor {
        precondition(
            source.dtype == dtype,
            "scatter_add(): Expected self.dtype to be equal to src.dtype (\(dtype) vs \(source.dtype))")
        let axis = Shape.normalize(dim, rank: self.dim, op: "scatter_add")
        checkScatterGatherShapes(index, source: source, axis: axis, op: "scatter_add")
        return scatterImpl(axis, index, source.overlapSafe(with: self), strides: source.strides, reduce: .add)
    }

    private func scatterImpl(_ axis: Int, _ index: Tensor, _ source: Tensor, strides: [Int], reduce: ScatterReduce?)
        -> Tensor
    {
        if index.count > 0 {
            let (data, idx) = (atLeast1D(), index.atLeast1D())
            let sourceStrides = strides.isEmpty ? [0] : strides
            IndexKernels.scatter(
                data.alongDimPlan(idx, axis: axis), into: data, from: source, sourceStrides: sourceStrides,
                reduce: reduce)
        }
        storage.bumpVersion()
        return self
    }

    /// PyTorch's shape rules for gather/scatter: same rank, index no larger than the input
    /// outside `axis` and no larger than the source anywhere.
    private func checkScatterGatherShapes(_ index: Tensor, source: Tensor?, axis: Int, op: String) {
        precondition(index.dtype == .int64, "\(op)(): Expected dtype int64 for index, got \(index.dtype)")
        precondition(
            Swift.max(index.dim, 1) == Swift.max(dim, 1),
            "\(op)(): Index tensor must have the same number of dimensions as input tensor (index \(index.shape), input \(shape))")
        for d in 0..<index.dim where d != axis {
            precondition(
                index.shape[d] <= shape[d],
                "\(op)(): Size does not match at dimension \(d) expected index \(index.shape) to be no larger than self \(shape) apart from dimension \(axis)")
        }
        if let source {
            precondition(
                Swift.max(source.dim, 1) == Swift.max(index.dim, 1),
                "\(op)(): Index tensor must have the same number of dimensions as src tensor (index \(index.shape), src \(source.shape))")
            for d in 0..<index.dim {
                precondition(
                    index.shape[d] <= source.shape[d],
                    "\(op)(): Size does not match at dimension \(d) expected index \(index.shape) to be no larger than src \(source.shape)")
            }
        }
    }

    /// A 0-dim tensor as shape [1] (same storage), so that kernels see at least one dim.
    func atLeast1D() -> Tensor { dim == 0 ? withLayout([1], [1]) : self }

    /// The plan that visits every element of `index` and addresses this tensor at the same
    /// coordinates, except along `axis`, where the index value is the coordinate.
    func alongDimPlan(_ index: Tensor, axis: Int) -> IndexPlan {
        var dataStrides = strides
        dataStrides[axis] = 0
        return IndexPlan(
            shape: index.shape, dataStrides: dataStrides, indices: [index], indexStrides: [index.strides],
            dimSizes: [shape[axis]], dimStrides: [strides[axis]], dimNames: [axis])
    }
}

/// Matrix products: matmul, mm, bmm, mv, addmm, baddbmm, dot, outer.
extension Tensor {
    /// `torch.matmul(self, other)` with all of PyTorch's cases: 1-D·1-D is a dot product (0-d
    /// result), 2-D·1-D a matrix-vector product, 1-D·2-D a vector-matrix product, 2-D·2-D a
    /// matrix product, and higher ranks a batched product whose batch dimensions broadcast
    /// (a 1-D operand gains a dimension that is removed from the result).
    ///
    /// Differentiable through the products it lowers to (dot, mv, mm, bmm) and the views
    /// around them; the reshaped result of a folded or batched product records
    /// `UnsafeViewBackward0`, as PyTorch's does.
    public func matmul(_ other: Tensor) -> Tensor {
        precondition(dim > 0 && other.dim > 0, "matmul: both arguments to matmul need to be at least 1D, but they are \(dim)D and \(other.dim)D")
        switch (dim, other.dim) {
        case (1, 1): return dot(other)
        case (2, 1): return mv(other)
        case (1, 2):
            // PyTorch squeezes the row product in place, which names the node SqueezeBackward4.
            let product = unsqueeze(0).mm(other)
            return product.productAlias([other.shape[1]], node: "SqueezeBackward4")
        case (2, 2): return mm(other)
        default: break
        }
        if dim >= 3 && other.dim <= 2 {
            // Fold the batch into the rows: one large product instead of many small ones (and
            // the gradient of `other` is one product, not a batch of them summed).
            let columns = other.dim == 1 ? 1 : other.shape[1]
            precondition(
                shape[dim - 1] == other.shape[0],
                "matmul: mat1 and mat2 shapes cannot be multiplied (\(shape.dropLast().reduce(1, *))x\(shape[dim - 1]) and \(other.shape[0])x\(columns))")
            let folded = reshape([-1, shape[dim - 1]])
            let batch = Array(shape.dropLast())
            if other.dim == 1 { return folded.mv(other).unsafeView(batch) }
            return folded.mm(other).unsafeView(batch + [other.shape[1]])
        }
        if dim == 1 && other.dim >= 3 {
            // vector · batch of matrices: fold the batch of transposed matrices into rows.
            let (k, n) = (other.shape[other.dim - 2], other.shape[other.dim - 1])
            precondition(
                shape[0] == k,
                "matmul: size mismatch, got input (\(other.shape.dropLast(2).reduce(1, *) * n)), mat (\(other.shape.dropLast(2).reduce(1, *) * n)x\(k)), vec (\(shape[0]))")
            return other.mT.reshape([-1, k]).mv(self).unsafeView(Array(other.shape.dropLast(2)) + [n])
        }
        precondition(dtype == other.dtype, "matmul: expected both operands to have the same dtype, but got: \(dtype) != \(other.dtype)")
        let lhs = dim == 1 ? unsqueeze(0) : self
        let rhs = other.dim == 1 ? other.unsqueeze(1) : other
        let (m, k) = (lhs.shape[lhs.dim - 2], lhs.shape[lhs.dim - 1])
        let (k2, n) = (rhs.shape[rhs.dim - 2], rhs.shape[rhs.dim - 1])
        precondition(
            k == k2,
            "matmul: Expected size for first two dimensions of batch2 tensor to be: [\(rhs.shape.dropLast(2).reduce(1, *)), \(k)] but got: [\(rhs.shape.dropLast(2).reduce(1, *)), \(k2)] (shapes \(shape) and \(other.shape))")
        let batch = Shape.broadcast(Array(lhs.shape.dropLast(2)), Array(rhs.shape.dropLast(2)), op: "matmul")
        let b = batch.reduce(1, *)
        let a3 = lhs.expand(batch + [m, k]).reshape([b, m, k])
        let b3 = rhs.expand(batch + [k, n]).reshape([b, k, n])
        var result = a3.bmm(b3).unsafeView(batch + [m, n])
        if dim == 1 { result = result.squeeze(dim: -2) }
        if other.dim == 1 { result = result.squeeze(dim: -1) }
        return result
    }

    /// `torch.mm`: the product of two matrices.
    /// Backward (`MmBackward0`): `grad · otherᵀ` and `selfᵀ · grad`, both through the GEMM with
    /// transposed views (no transposed copies).
    public func mm(_ other: Tensor) -> Tensor {
        precondition(dim == 2, "mm: self must be a matrix, got shape \(shape)")
        precondition(other.dim == 2, "mm: mat2 must be a matrix, got shape \(other.shape)")
        Self.checkMatrixProduct(self, other, op: "mm")
        let out = Tensor(empty: [shape[0], other.shape[1]], dtype: dtype)
        Gemm.batched(batchOfOne(), other.batchOfOne(), into: out.batchOfOne())
        guard Autograd.needsGrad(self, other) else { return out }
        return Self.recordProduct("MmBackward0", self, other, out) { grad, a, b in
            (b.map { grad.mm($0.t()) }, a.map { $0.t().mm(grad) })
        }
    }

    /// `torch.bmm`: batched products of `[B, M, K]` and `[B, K, N]` (no broadcasting).
    /// Backward (`BmmBackward0`): `grad · otherᵀ` and `selfᵀ · grad` per batch.
    public func bmm(_ other: Tensor) -> Tensor {
        precondition(dim == 3, "bmm: batch1 must be a 3D tensor, got shape \(shape)")
        precondition(other.dim == 3, "bmm: batch2 must be a 3D tensor, got shape \(other.shape)")
        precondition(
            shape[0] == other.shape[0] && shape[2] == other.shape[1],
            "bmm: Expected size for first two dimensions of batch2 tensor to be: [\(shape[0]), \(shape[2])] but got: [\(other.shape[0]), \(other.shape[1])] (shapes \(shape) and \(other.shape))")
        precondition(
            dtype == other.dtype, "bmm: expected self and mat2 to have the same dtype, but got: \(dtype) != \(other.dtype)")
        let out = Tensor(empty: [shape[0], shape[1], other.shape[2]], dtype: dtype)
        Gemm.batched(self, other, into: out)
        guard Autograd.needsGrad(self, other) else { return out }
        return Self.recordProduct("BmmBackward0", self, other, out) { grad, a, b in
            (b.map { grad.bmm($0.mT) }, a.map { $0.mT.bmm(grad) })
        }
    }

    /// `torch.mv`: matrix times vector.
    /// Backward (`MvBackward0`): `grad ⊗ vec` for the matrix, `selfᵀ · grad` for the vector.
    public func mv(_ vec: Tensor) -> Tensor {
        precondition(dim == 2 && vec.dim == 1, "mv: vector + matrix @ vector expected, got \(dim), \(vec.dim) (shapes \(shape) and \(vec.shape))")
        precondition(
            shape[1] == vec.shape[0],
            "mv: size mismatch, got input (\(shape[0])), mat (\(shape[0])x\(shape[1])), vec (\(vec.shape[0]))")
        precondition(dtype == vec.dtype, "mv: expected self and vec to have the same dtype, but got: \(dtype) != \(vec.dtype)")
        let out = Tensor(empty: [shape[0]], dtype: dtype)
        Gemm.batched(batchOfOne(), vec.withLayout([1, vec.shape[0], 1], [0, vec.strides[0], 1]), into: out.withLayout([1, shape[0], 1], [0, 1, 1]))
        guard Autograd.needsGrad(self, vec) else { return out }
        return Self.recordProduct("MvBackward0", self, vec, out) { grad, a, v in
            (v.map { grad.unsqueeze(1).mm($0.unsqueeze(0)) }, a.map { $0.t().mv(grad) })
        }
    }

    /// `torch.dot`: the inner product of two 1-D tensors (a 0-d result).
    /// Backward (`DotBackward0`): `grad · other` and `grad · self`.
    public func dot(_ other: Tensor) -> Tensor {
        precondition(
            dim == 1 && other.dim == 1,
            "dot: 1D tensors expected, but got \(dim)D and \(other.dim)D tensors")
        precondition(
            shape[0] == other.shape[0],
            "dot: inconsistent tensor size, expected tensor [\(shape[0])] and src [\(other.shape[0])] to have the same number of elements, but got \(shape[0]) and \(other.shape[0]) elements respectively")
        precondition(
            dtype == other.dtype,
            "dot: expected both vectors to have same dtype, but found \(dtype) and \(other.dtype)")
        let out = Tensor(empty: [], dtype: dtype)
        Gemm.batched(
            withLayout([1, 1, shape[0]], [0, 0, strides[0]]), other.withLayout([1, shape[0], 1], [0, other.strides[0], 1]),
            into: out.withLayout([1, 1, 1], [1, 1, 1]))
        guard Autograd.needsGrad(self, other) else { return out }
        return Self.recordProduct("DotBackward0", self, other, out) { grad, a, b in
            (b.map { $0.mul(grad) }, a.map { $0.mul(grad) })
        }
    }

    /// `torch.outer`: the outer product of two 1-D tensors (promoting their dtypes);
    /// differentiable as the broadcast product it is (`MulBackward0`, as in PyTorch).
    public func outer(_ other: Tensor) -> Tensor {
        precondition(dim == 1 && other.dim == 1, "outer: expected 1D tensors, got \(dim)D and \(other.dim)D")
        return unsqueeze(1).mul(other.unsqueeze(0))
    }

    /// `torch.addmm(self, mat1, mat2, beta, alpha)`: beta · self + alpha · mat1·mat2, with
    /// `self` broadcast to the result. With beta == 0, `self` is ignored (NaNs in it do not
    /// propagate), as in PyTorch.
    /// Backward (`AddmmBackward0`): `beta · grad` for self, `alpha · grad · mat2ᵀ` and
    /// `alpha · mat1ᵀ · grad` for the matrices.
    public func addmm(_ mat1: Tensor, _ mat2: Tensor, beta: Double = 1, alpha: Double = 1) -> Tensor {
        precondition(mat1.dim == 2, "addmm: mat1 must be a matrix, got \(mat1.dim)-D tensor (shape \(mat1.shape))")
        precondition(mat2.dim == 2, "addmm: mat2 must be a matrix, got \(mat2.dim)-D tensor (shape \(mat2.shape))")
        Self.checkMatrixProduct(mat1, mat2, op: "addmm")
        let needsGrad = Autograd.needsGrad(self, mat1, mat2)
        let out = ReductionGrad.untracked(needsGrad) {
            unsqueeze(0).baddbmmChecked(mat1.unsqueeze(0), mat2.unsqueeze(0), beta: beta, alpha: alpha, op: "addmm").squeeze(dim: 0)
        }
        guard needsGrad else { return out }
        return Self.recordScaledProduct("AddmmBackward0", self, mat1, mat2, out, beta: beta, alpha: alpha) { grad, a, b in
            (b.map { grad.mm($0.t()) }, a.map { $0.t().mm(grad) })
        }
    }

    /// `torch.baddbmm(self, batch1, batch2, beta, alpha)`: beta · self + alpha · batch1 @ batch2.
    /// Backward (`BaddbmmBackward0`): as `addmm`, per batch.
    public func baddbmm(_ batch1: Tensor, _ batch2: Tensor, beta: Double = 1, alpha: Double = 1) -> Tensor {
        precondition(batch1.dim == 3, "baddbmm: batch1 must be a 3D tensor, got shape \(batch1.shape)")
        precondition(batch2.dim == 3, "baddbmm: batch2 must be a 3D tensor, got shape \(batch2.shape)")
        precondition(
            batch1.shape[0] == batch2.shape[0] && batch1.shape[2] == batch2.shape[1],
            "baddbmm: Expected size for first two dimensions of batch2 tensor to be: [\(batch1.shape[0]), \(batch1.shape[2])] but got: [\(batch2.shape[0]), \(batch2.shape[1])]")
        let needsGrad = Autograd.needsGrad(self, batch1, batch2)
        let out = ReductionGrad.untracked(needsGrad) { baddbmmChecked(batch1, batch2, beta: beta, alpha: alpha, op: "baddbmm") }
        guard needsGrad else { return out }
        return Self.recordScaledProduct("BaddbmmBackward0", self, batch1, batch2, out, beta: beta, alpha: alpha) { grad, a, b in
            (b.map { grad.bmm($0.mT) }, a.map { $0.mT.bmm(grad) })
        }
    }

    private func baddbmmChecked(_ batch1: Tensor, _ batch2: Tensor, beta: Double, alpha: Double, op: String) -> Tensor {
        precondition(
            batch1.dtype == batch2.dtype && dtype == batch1.dtype,
            "\(op): expected self, mat1 and mat2 to have the same dtype, but got: \(dtype), \(batch1.dtype) and \(batch2.dtype)")
        let outShape = [batch1.shape[0], batch1.shape[1], batch2.shape[2]]
        precondition(
            Shape.broadcast(shape, outShape, op: op) == outShape,
            "\(op): the input of shape \(shape.count == 3 ? shape : Array(shape.dropFirst())) cannot be broadcast to the result's shape \(outShape.count == 3 && op == "baddbmm" ? outShape : Array(outShape.dropFirst()))")
        let out = Tensor(empty: outShape, dtype: dtype)
        if beta != 0 { out.copy_(self) }
        if !dtype.isFloatingPoint {
            precondition(
                alpha == alpha.rounded() && beta == beta.rounded(),
                "\(op): For integral input tensors, argument alpha and beta must not be a floating point number.")
        }
        Gemm.batched(batch1, batch2, into: out, alpha: alpha, beta: beta)
        return out
    }

    private static func checkMatrixProduct(_ a: Tensor, _ b: Tensor, op: String) {
        precondition(
            a.shape[1] == b.shape[0],
            "\(op): mat1 and mat2 shapes cannot be multiplied (\(a.shape[0])x\(a.shape[1]) and \(b.shape[0])x\(b.shape[1]))")
        precondition(
            a.dtype == b.dtype, "\(op): expected mat1 and mat2 to have the same dtype, but got: \(a.dtype) != \(b.dtype)")
    }
}

// MARK: - Autograd plumbing of the products

extension Tensor {
    /// A matrix (or any tensor) as a batch of one for `Gemm.batched`: a view that records nothing.
    fileprivate func batchOfOne() -> Tensor { withLayout([1] + shape, [0] + strides) }

    /// `_unsafe_view(shape)` of a product's fresh result: the gradient reshaped back.
    fileprivate func unsafeView(_ shape: [Int]) -> Tensor { productAlias(shape, node: "UnsafeViewBackward0") }

    /// The fresh, contiguous result of a product with another shape, sharing its storage but
    /// not marked as a view of it (PyTorch's `_unsafe_view`): an in-place op on a matmul's
    /// result (`y.add_(bias)`) then edits the result alone instead of rewriting the product's
    /// history through its base. Records `node`, whose gradient is reshaped back.
    fileprivate func productAlias(_ shape: [Int], node: String) -> Tensor {
        precondition(isContiguous && shape.reduce(1, *) == count, "internal: product alias of \(self.shape) as \(shape)")
        let alias = Tensor(storage: storage, dtype: dtype, shape: shape, strides: Shape.contiguousStrides(shape), offset: storageOffset)
        guard Autograd.needsGrad(self) else { return alias }
        let inputShape = self.shape
        return Autograd.record(node, inputs: [self], output: alias) { grad, _ in [grad.reshape(inputShape)] }
    }

    /// Records a product of `a` and `b`. Each operand is saved only when the other needs its
    /// gradient (as PyTorch saves them), and `backward(grad, a?, b?)` returns the gradients
    /// `(of a, of b)`, computing only the ones that are needed.
    fileprivate static func recordProduct(
        _ name: String, _ a: Tensor, _ b: Tensor, _ out: Tensor,
        _ backward: @escaping (_ grad: Tensor, _ a: Tensor?, _ b: Tensor?) -> (Tensor?, Tensor?)
    ) -> Tensor {
        let (needA, needB) = (a.requiresGrad, b.requiresGrad)
        let saving = (needB ? [a] : []) + (needA ? [b] : [])
        return Autograd.record(name, inputs: [a, b], output: out, saving: saving) { grad, saved in
            // Complex operands: the products' gradients use the conjugates (grad·Bᴴ, Aᴴ·grad).
            let savedA = needB ? saved[0].conj() : nil
            let savedB = needA ? saved[needB ? 1 : 0].conj() : nil
            let (gradA, gradB) = backward(grad, savedA, savedB)
            return [gradA, gradB]
        }
    }

    /// Records `beta · input + alpha · a·b` (addmm, baddbmm): the input's gradient is
    /// `beta · grad`, the operands' those of the product scaled by `alpha`.
    fileprivate static func recordScaledProduct(
        _ name: String, _ input: Tensor, _ a: Tensor, _ b: Tensor, _ out: Tensor, beta: Double, alpha: Double,
        _ backward: @escaping (_ grad: Tensor, _ a: Tensor?, _ b: Tensor?) -> (Tensor?, Tensor?)
    ) -> Tensor {
        let (needInput, needA, needB) = (input.requiresGrad, a.requiresGrad, b.requiresGrad)
        let saving = (needB ? [a] : []) + (needA ? [b] : [])
        func scaled(_ t: Tensor?, _ factor: Double) -> Tensor? { factor == 1 ? t : t?.mul(.double(factor)) }
        return Autograd.record(name, inputs: [input, a, b], output: out, saving: saving) { grad, saved in
            // Complex operands: the products' gradients use the conjugates (grad·Bᴴ, Aᴴ·grad).
            let savedA = needB ? saved[0].conj() : nil
            let savedB = needA ? saved[needB ? 1 : 0].conj() : nil
            let (gradA, gradB) = backward(grad, savedA, savedB)
            return [needInput ? scaled(grad, beta) : nil, scaled(gradA, alpha), scaled(gradB, alpha)]
        }
    }
}

/// The `torch.` function forms (`Tensor.matmul(a, b)` reads like `torch.matmul(a, b)`).
extension Tensor {
    public static func matmul(_ a: Tensor, _ b: Tensor) -> Tensor { a.matmul(b) }
    public static func mm(_ a: Tensor, _ b: Tensor) -> Tensor { a.mm(b) }
    public static func bmm(_ a: Tensor, _ b: Tensor) -> Tensor { a.bmm(b) }
    public static func mv(_ a: Tensor, _ v: Tensor) -> Tensor { a.mv(v) }
    public static func dot(_ a: Tensor, _ b: Tensor) -> Tensor { a.dot(b) }
    public static func outer(_ a: Tensor, _ b: Tensor) -> Tensor { a.outer(b) }
    public static func addmm(_ input: Tensor, _ mat1: Tensor, _ mat2: Tensor, beta: Double = 1, alpha: Double = 1) -> Tensor {
        input.addmm(mat1, mat2, beta: beta, alpha: alpha)
    }
    public static func baddbmm(_ input: Tensor, _ batch1: Tensor, _ batch2: Tensor, beta: Double = 1, alpha: Double = 1) -> Tensor {
        input.baddbmm(batch1, batch2, beta: beta, alpha: alpha)
    }
}

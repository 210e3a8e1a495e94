/// Scaled dot-product attention (`F.scaled_dot_product_attention`) and the attention core
/// that `MultiheadAttention` shares with it.
extension Functional {
    /// `F.scaled_dot_product_attention(query, key, value, attn_mask, dropout_p, is_causal, scale,
    /// enable_gqa)`: `softmax(query · keyᵀ · scale + bias) · value`.
    ///
    /// Shapes are `query [..., L, E]`, `key [..., S, E]`, `value [..., S, Ev]`, giving
    /// `[..., L, Ev]`; leading (batch) dimensions broadcast. `scale` defaults to `1/sqrt(E)`.
    ///
    /// - `attnMask` broadcasts to `[..., L, S]`. A boolean mask says which positions take part
    ///   (`true` attends; note this is the opposite of `MultiheadAttention`'s masks); a floating
    ///   mask is added to the scores (`-inf` removes a position).
    /// - `isCausal` applies the top-left aligned lower-triangular mask (query `i` attends to
    ///   keys `j <= i`); it cannot be combined with `attnMask`.
    /// - A query row whose keys are all masked gives zeros, not NaN (PyTorch's safe softmax).
    /// - `dropoutP` drops attention weights with PyTorch's inverted dropout, drawing from
    ///   `generator` (the default generator when nil). Pass 0 in evaluation.
    /// - `enableGQA` lets `key`/`value` have fewer heads (dim -3) than `query`, a divisor of
    ///   it; each key head serves a consecutive group of query heads.
    ///
    /// Differentiable in `query`, `key`, `value` and a floating `attnMask`.
    public static func scaledDotProductAttention(
        _ query: Tensor, _ key: Tensor, _ value: Tensor, attnMask: Tensor? = nil, dropoutP: Double = 0,
        isCausal: Bool = false, scale: Double? = nil, enableGQA: Bool = false, generator: Generator? = nil
    ) -> Tensor {
        precondition(
            query.dim >= 2 && key.dim >= 2 && value.dim >= 2,
            "scaled_dot_product_attention: query, key and value must be at least 2-D, got shapes \(query.shape), \(key.shape) and \(value.shape)")
        precondition(
            query.dtype.isFloatingPoint && query.dtype == key.dtype && query.dtype == value.dtype,
            "scaled_dot_product_attention: Expected query, key, and value to have the same floating dtype, but got query.dtype: \(query.dtype), key.dtype: \(key.dtype) and value.dtype: \(value.dtype) instead.")
        precondition(
            attnMask == nil || !isCausal,
            "scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True")
        precondition(dropoutP >= 0 && dropoutP <= 1, "scaled_dot_product_attention: dropout_p must be in [0, 1], got \(dropoutP)")
        var key = key, value = value
        if enableGQA {
            (key, value) = AttentionCore.expandGroupedHeads(query: query, key: key, value: value)
        }
        precondition(
            query.shape[query.dim - 1] == key.shape[key.dim - 1],
            "scaled_dot_product_attention: query and key must have the same embedding size, got shapes \(query.shape) and \(key.shape)")
        precondition(
            key.shape[key.dim - 2] == value.shape[value.dim - 2],
            "scaled_dot_product_attention: key and value must have the same sequence length, got shapes \(key.shape) and \(value.shape)")
        if let attnMask {
            precondition(
                attnMask.dtype == .bool || attnMask.dtype == query.dtype,
                "scaled_dot_product_attention: Expected attn_mask dtype to be bool or float or to match query dtype, got \(attnMask.dtype) for query \(query.dtype)")
        }
        let scale = scale ?? 1 / Double(query.shape[query.dim - 1]).squareRoot()
        return AttentionCore.attend(
            query, key, value, mask: attnMask, isCausal: isCausal, scale: scale, dropoutP: dropoutP,
            generator: generator, safeSoftmax: true, returnWeights: false
        ).output
    }
}

/// The attention computation itself: one product for the scores, the mask applied in place,
/// a row softmax, one product with the values; a single autograd node whose backward is
/// written in differentiable ops (so double backward works).
enum AttentionCore {
    /// `key`/`value` with their heads (dim -3) repeated so each serves `query`'s group of heads
    /// (`repeat_interleave(Hq / Hkv, dim=-3)`), differentiably.
    static func expandGroupedHeads(query: Tensor, key: Tensor, value: Tensor) -> (Tensor, Tensor) {
        precondition(
            query.dim >= 3 && key.dim >= 3 && value.dim >= 3,
            "scaled_dot_product_attention: enable_gqa needs query, key and value with a heads dimension (-3), got shapes \(query.shape), \(key.shape) and \(value.shape)")
        let heads = query.shape[query.dim - 3]
        func repeated(_ t: Tensor, _ name: String) -> Tensor {
            let kvHeads = t.shape[t.dim - 3]
            precondition(
                kvHeads > 0 && heads % kvHeads == 0,
                "scaled_dot_product_attention: number of heads in \(name) (\(kvHeads)) must divide the number of heads in query (\(heads))")
            if kvHeads == heads { return t }
            var grouped = t.shape
            grouped.insert(heads / kvHeads, at: t.dim - 2)
            var merged = t.shape
            merged[t.dim - 3] = heads
            return t.unsqueeze(t.dim - 2).expand(grouped).reshape(merged)
        }
        return (repeated(key, "key"), repeated(value, "value"))
    }

    /// Attention of `query [..., L, E]` over `key [..., S, E]` and `value [..., S, Ev]`.
    ///
    /// `mask` is boolean (true attends) or additive; `safeSoftmax` gives zero weights to rows
    /// with every key masked (SDPA), where plain softmax gives NaN (MultiheadAttention's
    /// weights path). `weights` (after dropout) is returned, and differentiable, only when
    /// `returnWeights`.
    static func attend(
        _ query: Tensor, _ key: Tensor, _ value: Tensor, mask: Tensor?, isCausal: Bool, scale: Double,
        dropoutP: Double, generator: Generator?, safeSoftmax: Bool, returnWeights: Bool
    ) -> (output: Tensor, weights: Tensor?) {
        let (l, s) = (query.shape[query.dim - 2], key.shape[key.dim - 2])
        let batch = Shape.broadcast(
            Shape.broadcast(Array(query.shape.dropLast(2)), Array(key.shape.dropLast(2)), op: "scaled_dot_product_attention"),
            Array(value.shape.dropLast(2)), op: "scaled_dot_product_attention")
        if let mask {
            precondition(
                Shape.isExpandable(mask.shape, to: batch + [l, s]),
                "scaled_dot_product_attention: attn_mask of shape \(mask.shape) cannot be broadcast to the attention weights' shape \(batch + [l, s])")
        }
        let (probabilities, noise, weights, output) = withNoGrad { () -> (Tensor, Tensor?, Tensor, Tensor) in
            let q = query.expand(batch + [l, query.shape[query.dim - 1]])
            let k = key.expand(batch + [s, key.shape[key.dim - 1]])
            let v = value.expand(batch + [s, value.shape[value.dim - 1]])
            let scores = BatchedProduct.compute(q, k.transpose(-2, -1), alpha: scale)
            if let mask {
                if mask.dtype == .bool {
                    scores.maskedFill_(mask.logicalNot(), .double(-.infinity))
                } else {
                    scores.add_(mask)
                }
            }
            if isCausal { scores.maskedFill_(causalMask(l, s), .double(-.infinity)) }
            let probabilities = scores.softmax(dim: -1)
            if safeSoftmax && mask != nil {
                // Rows with every key masked: exp(-inf - (-inf)) is NaN; PyTorch gives 0.
                probabilities.maskedFill_(scores.eq(.double(-.infinity)).all(dim: -1, keepDim: true), 0)
            }
            var noise: Tensor? = nil
            var weights = probabilities
            if dropoutP > 0 {
                // PyTorch's dropout: keep with probability 1 - p, scale the kept by 1 / (1 - p).
                let keep = Tensor(empty: probabilities.shape, dtype: probabilities.dtype)
                if dropoutP >= 1 {
                    keep.fill_(0)
                } else {
                    keep.bernoulli_(p: 1 - dropoutP, generator: generator).div_(.double(1 - dropoutP))
                }
                noise = keep
                weights = probabilities.mul(keep)
            }
            return (probabilities, noise, weights, BatchedProduct.compute(weights, v))
        }

        var inputs = [query, key, value]
        let maskNeedsGrad = mask.map { $0.dtype.isFloatingPoint && $0.requiresGrad } ?? false
        if maskNeedsGrad, let mask { inputs.append(mask) }
        guard Autograd.needsGrad(inputs) else { return (output, returnWeights ? weights : nil) }

        let hasNoise = noise != nil, hasMask = mask != nil
        var saving = [query, key, value, probabilities]
        if let noise { saving.append(noise) }
        if let mask { saving.append(mask) }
        let outputs = returnWeights ? [output, weights] : [output]
        let recorded = Autograd.record(
            "ScaledDotProductAttentionBackward0", inputs: inputs, outputs: outputs, saving: saving
        ) { grads, saved in
            let (q, k, v) = (saved[0], saved[1], saved[2])
            let keep: Tensor? = hasNoise ? saved[4] : nil
            let savedMask: Tensor? = hasMask ? saved[hasNoise ? 5 : 4] : nil
            // With createGraph the weights are rebuilt from q, k (and the mask) so that their
            // own dependence on them is recorded; otherwise the saved weights serve.
            let p = GradMode.isEnabled
                ? weightsRecomputed(q, k, mask: savedMask, isCausal: isCausal, scale: scale, safeSoftmax: safeSoftmax)
                : saved[3]
            let gradOutput = grads[0]
            let dropped = keep.map { p.mul($0) } ?? p
            let gradValue = dropped.transpose(-2, -1).matmul(gradOutput)
            var gradDropped = gradOutput.matmul(v.transpose(-2, -1))
            if grads.count > 1 { gradDropped = gradDropped.add(grads[1]) }
            let gradProbabilities = keep.map { gradDropped.mul($0) } ?? gradDropped
            // Softmax backward: p ⊙ (g - Σ g ⊙ p) along the keys.
            let gradScores = p.mul(gradProbabilities.sub(gradProbabilities.mul(p).sum(dim: -1, keepDim: true)))
            let gradQuery = gradScores.matmul(k).mul(.double(scale))
            let gradKey = gradScores.transpose(-2, -1).matmul(q).mul(.double(scale))
            var result: [Tensor?] = [gradQuery, gradKey, gradValue]
            if maskNeedsGrad { result.append(gradScores) }
            return result
        }
        return (recorded[0], returnWeights ? recorded[1] : nil)
    }

    /// The attention weights (before dropout) in differentiable ops, for double backward.
    static func weightsRecomputed(
        _ q: Tensor, _ k: Tensor, mask: Tensor?, isCausal: Bool, scale: Double, safeSoftmax: Bool
    ) -> Tensor {
        var scores = q.matmul(k.transpose(-2, -1)).mul(.double(scale))
        if let mask {
            scores = mask.dtype == .bool ? scores.maskedFill(mask.logicalNot(), .double(-.infinity)) : scores.add(mask)
        }
        let (l, s) = (q.shape[q.dim - 2], k.shape[k.dim - 2])
        if isCausal { scores = scores.maskedFill(causalMask(l, s), .double(-.infinity)) }
        let probabilities = scores.softmax(dim: -1)
        guard safeSoftmax && mask != nil else { return probabilities }
        let allMasked = withNoGrad { scores.eq(.double(-.infinity)).all(dim: -1, keepDim: true) }
        return probabilities.maskedFill(allMasked, 0)
    }

    /// True above the diagonal: the positions a top-left aligned causal mask removes.
    static func causalMask(_ l: Int, _ s: Int) -> Tensor {
        Tensor.ones([l, s], dtype: .bool).triu(1)
    }
}

/// Batched matrix products over strided views without copies where BLAS can read the layout.
enum BatchedProduct {
    /// `a [batch..., M, K] · b [batch..., K, N]` (equal batch dims, any strides) into a new
    /// contiguous `[batch..., M, N]`, times `alpha`. Not recorded by autograd.
    static func compute(_ a: Tensor, _ b: Tensor, alpha: Double = 1) -> Tensor {
        let batch = Array(a.shape.dropLast(2))
        let (m, n) = (a.shape[a.dim - 2], b.shape[b.dim - 1])
        let out = Tensor(empty: batch + [m, n], dtype: a.dtype)
        if out.count > 0 { run(a, b, into: out, alpha: alpha) }
        return out
    }

    private static func run(_ a: Tensor, _ b: Tensor, into out: Tensor, alpha: Double) {
        if let a3 = merged(a), let b3 = merged(b), let out3 = merged(out) {
            Gemm.batched(a3, b3, into: out3, alpha: alpha)
            return
        }
        // The batch dims do not fold into one stride: one product per index of the first.
        for i in 0..<a.shape[0] {
            run(slice(a, i), slice(b, i), into: slice(out, i), alpha: alpha)
        }
    }

    /// `t[i]` as a plain view (no autograd).
    private static func slice(_ t: Tensor, _ i: Int) -> Tensor {
        t.withLayout(Array(t.shape.dropFirst()), Array(t.strides.dropFirst()), offset: t.storageOffset + i * t.strides[0])
    }

    /// `t` as `[prod(batch), rows, cols]` when its batch dims fold into one stride.
    private static func merged(_ t: Tensor) -> Tensor? {
        let rank = t.dim
        let rows = t.shape[rank - 2], cols = t.shape[rank - 1]
        let batchDims = (0..<(rank - 2)).filter { t.shape[$0] != 1 }
        var batchStride = rows * cols
        if let last = batchDims.last {
            batchStride = t.strides[last]
            for (outer, inner) in zip(batchDims, batchDims.dropFirst())
            where t.strides[outer] != t.strides[inner] * t.shape[inner] {
                return nil
            }
        }
        let count = t.shape.dropLast(2).reduce(1, *)
        return t.withLayout([count, rows, cols], [batchStride, t.strides[rank - 2], t.strides[rank - 1]])
    }
}

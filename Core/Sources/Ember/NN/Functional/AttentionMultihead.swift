/// `F.multi_head_attention_forward`: the computation of `nn.MultiheadAttention` (PyTorch's
/// math path), as a function of its weights.
extension Functional {
    /// Multi-head attention of `query` over `key`/`value` with the given projection weights,
    /// as `F.multi_head_attention_forward` computes it; returns the output and, when
    /// `needWeights`, the attention weights (averaged over heads when `averageAttnWeights`).
    ///
    /// Layouts are `[L, N, E]` (or `[N, L, E]` with `batchFirst`), or unbatched `[L, E]`; the
    /// output has the query's layout. Projections come from `inProjWeight [3E, E]` (rows q, k,
    /// v), or from `qProjWeight`/`kProjWeight`/`vProjWeight` when key and value have their own
    /// sizes (PyTorch's `use_separate_proj_weight`); `inProjBias [3E]` is shared by both forms.
    ///
    /// Masks follow PyTorch's conventions: `keyPaddingMask [N, S]` and `attnMask` (`[L, S]` or
    /// `[N·numHeads, L, S]`) are boolean, where `true` means "do not attend", or floating and
    /// added to the scores. `isCausal` is a hint that `attnMask` is the causal mask (an
    /// `attnMask` is required with it, as in PyTorch). `biasK`/`biasV` (`[1, 1, E]`) append one
    /// learned key/value; `addZeroAttn` appends a zero key/value after the heads split.
    ///
    /// Dropout on the attention weights applies only when `training`. With `needWeights` the
    /// weights come from a plain softmax (a query whose keys are all masked gives NaN, as in
    /// PyTorch); without, from scaled-dot-product attention (zeros there).
    public static func multiHeadAttentionForward(
        query: Tensor, key: Tensor, value: Tensor, numHeads: Int,
        inProjWeight: Tensor?, inProjBias: Tensor?, biasK: Tensor? = nil, biasV: Tensor? = nil,
        addZeroAttn: Bool = false, dropoutP: Double = 0, outProjWeight: Tensor, outProjBias: Tensor?,
        training: Bool = true, keyPaddingMask: Tensor? = nil, needWeights: Bool = true, attnMask: Tensor? = nil,
        qProjWeight: Tensor? = nil, kProjWeight: Tensor? = nil, vProjWeight: Tensor? = nil,
        averageAttnWeights: Bool = true, isCausal: Bool = false, batchFirst: Bool = false,
        generator: Generator? = nil
    ) -> (output: Tensor, weights: Tensor?) {
        let isBatched = MultiheadShapes.check(
            query: query, key: key, value: value, keyPaddingMask: keyPaddingMask, attnMask: attnMask, numHeads: numHeads)
        var query = query, key = key, value = value, keyPaddingMask = keyPaddingMask
        // Unbatched inputs run as a batch of one; identity (self-attention) is kept.
        if !isBatched {
            let batchDim = batchFirst ? 0 : 1
            let (sameQK, sameKV) = (query.isSameTensor(key), key.isSameTensor(value))
            query = query.unsqueeze(batchDim)
            key = sameQK ? query : key.unsqueeze(batchDim)
            value = sameKV ? key : value.unsqueeze(batchDim)
            keyPaddingMask = keyPaddingMask?.unsqueeze(0)
        }
        let seqDim = batchFirst ? 1 : 0, batchDim = batchFirst ? 0 : 1
        let (tgtLen, batch, embedDim) = (query.shape[seqDim], query.shape[batchDim], query.shape[2])
        let srcLen = key.shape[seqDim]
        precondition(
            embedDim % numHeads == 0,
            "multi_head_attention_forward: embed_dim \(embedDim) not divisible by num_heads \(numHeads)")
        let headDim = embedDim / numHeads
        precondition(
            outProjWeight.shape == [embedDim, embedDim],
            "multi_head_attention_forward: out_proj weight must be [\(embedDim), \(embedDim)], got \(outProjWeight.shape)")

        var padding = MultiheadMasks.canonical(keyPaddingMask, name: "key_padding_mask", dtype: query.dtype)
        precondition(
            !isCausal || attnMask != nil,
            "multi_head_attention_forward: Need attn_mask if specifying the is_causal hint. You may use the Transformer module method `generate_square_subsequent_mask` to create this mask.")
        // PyTorch uses the causal hint only when nothing else must be merged into the mask.
        let useCausalHint = isCausal && padding == nil && !needWeights
        var mask = useCausalHint ? nil : MultiheadMasks.canonical(attnMask, name: "attn_mask", dtype: query.dtype)
        if let m = mask {
            if m.dim == 2 {
                precondition(
                    m.shape == [tgtLen, srcLen],
                    "multi_head_attention_forward: The shape of the 2D attn_mask is \(m.shape), but should be \([tgtLen, srcLen]).")
            } else {
                precondition(
                    m.dim == 3 && m.shape == [batch * numHeads, tgtLen, srcLen],
                    "multi_head_attention_forward: The shape of the 3D attn_mask is \(m.shape), but should be \([batch * numHeads, tgtLen, srcLen]).")
            }
        }

        var (q, k, v) = MultiheadProjection.inProject(
            query: query, key: key, value: value, embedDim: embedDim, inProjWeight: inProjWeight,
            inProjBias: inProjBias, qProjWeight: qProjWeight, kProjWeight: kProjWeight, vProjWeight: vProjWeight)

        if let biasK, let biasV {
            let shape = batchFirst ? [batch, 1, embedDim] : [1, batch, embedDim]
            k = Tensor.cat([k, biasK.reshape([1, 1, embedDim]).expand(shape)], dim: seqDim)
            v = Tensor.cat([v, biasV.reshape([1, 1, embedDim]).expand(shape)], dim: seqDim)
            mask = mask.map(MultiheadMasks.padKey)
            padding = padding.map(MultiheadMasks.padKey)
        } else {
            precondition(biasK == nil && biasV == nil, "multi_head_attention_forward: bias_k and bias_v must both be given or both be nil")
        }

        // Heads: [L, N, E] or [N, L, E] → [N, H, L, D] as views.
        func heads(_ t: Tensor) -> Tensor {
            let (n0, n1) = (t.shape[0], t.shape[1])
            return t.view([n0, n1, numHeads, headDim]).permute(batchFirst ? [0, 2, 1, 3] : [1, 2, 0, 3])
        }
        let q4 = heads(q)
        var k4 = heads(k), v4 = heads(v)
        if addZeroAttn {
            let zeros = Tensor.zeros([batch, numHeads, 1, headDim], dtype: k4.dtype)
            k4 = Tensor.cat([k4, zeros], dim: 2)
            v4 = Tensor.cat([v4, zeros], dim: 2)
            mask = mask.map(MultiheadMasks.padKey)
            padding = padding.map(MultiheadMasks.padKey)
        }
        let keys = k4.shape[2]

        // One additive mask broadcasting to [N, H, L, S].
        var merged: Tensor? = mask.map { $0.dim == 2 ? $0 : $0.view([batch, numHeads, tgtLen, keys]) }
        if let padding {
            let p = padding.view([batch, 1, 1, keys])
            merged = merged.map { $0.add(p) } ?? p
        }

        let (attended, weights) = AttentionCore.attend(
            q4, k4, v4, mask: merged, isCausal: useCausalHint, scale: 1 / Double(headDim).squareRoot(),
            dropoutP: training ? dropoutP : 0, generator: generator, safeSoftmax: !needWeights,
            returnWeights: needWeights)

        // [N, H, L, D] → the query's layout, then the output projection.
        let merge = attended.permute(batchFirst ? [0, 2, 1, 3] : [2, 0, 1, 3])
        let flat = merge.reshape(batchFirst ? [batch, tgtLen, embedDim] : [tgtLen, batch, embedDim])
        var output = MultiheadProjection.linear(flat, outProjWeight, outProjBias)
        var averaged = weights.map { averageAttnWeights ? $0.mean(dim: 1) : $0 }
        if !isBatched {
            output = output.squeeze(dim: batchDim)
            averaged = averaged?.squeeze(dim: 0)
        }
        return (output, averaged)
    }
}

/// Shape rules of `_mha_shape_check`.
enum MultiheadShapes {
    /// Checks the ranks of the inputs and masks; returns whether the input is batched.
    static func check(
        query: Tensor, key: Tensor, value: Tensor, keyPaddingMask: Tensor?, attnMask: Tensor?, numHeads: Int
    ) -> Bool {
        let op = "multi_head_attention_forward"
        if query.dim == 3 {
            precondition(
                key.dim == 3 && value.dim == 3,
                "\(op): For batched (3-D) `query`, expected `key` and `value` to be 3-D but found \(key.dim)-D and \(value.dim)-D tensors respectively")
            if let keyPaddingMask {
                precondition(
                    keyPaddingMask.dim == 2,
                    "\(op): For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but found \(keyPaddingMask.dim)-D tensor instead")
            }
            if let attnMask {
                precondition(
                    attnMask.dim == 2 || attnMask.dim == 3,
                    "\(op): For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found \(attnMask.dim)-D tensor instead")
            }
            return true
        }
        precondition(query.dim == 2, "\(op): query should be unbatched 2D or batched 3D tensor but received \(query.dim)-D query tensor")
        precondition(
            key.dim == 2 && value.dim == 2,
            "\(op): For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found \(key.dim)-D and \(value.dim)-D tensors respectively")
        if let keyPaddingMask {
            precondition(
                keyPaddingMask.dim == 1,
                "\(op): For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D but found \(keyPaddingMask.dim)-D tensor instead")
        }
        if let attnMask {
            precondition(
                attnMask.dim == 2 || attnMask.dim == 3,
                "\(op): For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found \(attnMask.dim)-D tensor instead")
            if attnMask.dim == 3 {
                let expected = [numHeads, query.shape[0], key.shape[0]]
                precondition(
                    attnMask.shape == expected,
                    "\(op): Expected `attn_mask` shape to be \(expected) but got \(attnMask.shape)")
            }
        }
        return false
    }
}

/// Mask conventions of `F._canonical_mask` and the padding PyTorch applies with extra keys.
enum MultiheadMasks {
    /// A boolean mask (true = masked) as an additive float mask (-inf = masked); floating
    /// masks pass through.
    static func canonical(_ mask: Tensor?, name: String, dtype: DType) -> Tensor? {
        guard let mask else { return nil }
        if mask.dtype == .bool {
            return Tensor.zeros(mask.shape, dtype: dtype).maskedFill_(mask, .double(-.infinity))
        }
        precondition(mask.dtype.isFloatingPoint, "only bool and floating types of \(name) are supported, got \(mask.dtype)")
        return mask
    }

    /// `F.pad(mask, (0, 1))`: one more key that every query may attend.
    static func padKey(_ mask: Tensor) -> Tensor {
        var shape = mask.shape
        shape[shape.count - 1] = 1
        return Tensor.cat([mask, Tensor.zeros(shape, dtype: mask.dtype)], dim: -1)
    }
}

/// The input and output projections of multi-head attention.
enum MultiheadProjection {
    /// `F.linear`: `x · wᵀ + b` over the last dim (the bias folded into the product).
    static func linear(_ x: Tensor, _ weight: Tensor, _ bias: Tensor?) -> Tensor {
        AttentionLinear.apply(x, weight: weight, bias: bias)
    }

    /// `_in_projection_packed` / `_in_projection`: q, k, v in the inputs' layout. When query,
    /// key and value are one tensor (self-attention) the packed weight is one product, whose
    /// three column blocks are views.
    static func inProject(
        query: Tensor, key: Tensor, value: Tensor, embedDim e: Int, inProjWeight: Tensor?, inProjBias: Tensor?,
        qProjWeight: Tensor?, kProjWeight: Tensor?, vProjWeight: Tensor?
    ) -> (Tensor, Tensor, Tensor) {
        let op = "multi_head_attention_forward"
        if let inProjBias {
            precondition(inProjBias.shape == [3 * e], "\(op): in_proj_bias must be [\(3 * e)], got \(inProjBias.shape)")
        }
        guard let w = inProjWeight else {
            guard let wq = qProjWeight, let wk = kProjWeight, let wv = vProjWeight else {
                preconditionFailure("\(op): use_separate_proj_weight is True but q_proj_weight, k_proj_weight or v_proj_weight is None")
            }
            precondition(wq.shape == [e, e], "\(op): Expecting query weights shape of \([e, e]), but got \(wq.shape)")
            precondition(
                wk.shape == [e, key.shape[2]], "\(op): Expecting key weights shape of \([e, key.shape[2]]), but got \(wk.shape)")
            precondition(
                wv.shape == [e, value.shape[2]],
                "\(op): Expecting value weights shape of \([e, value.shape[2]]), but got \(wv.shape)")
            let b = inProjBias?.chunk(3)
            return (linear(query, wq, b?[0]), linear(key, wk, b?[1]), linear(value, wv, b?[2]))
        }
        precondition(w.shape == [3 * e, e], "\(op): in_proj_weight must be [\(3 * e), \(e)], got \(w.shape)")
        precondition(
            key.shape[2] == e && value.shape[2] == e,
            "\(op): key and value must have embed_dim \(e) with a packed in_proj_weight, got shapes \(key.shape) and \(value.shape)")
        if key.isSameTensor(value) {
            if query.isSameTensor(key) {
                let proj = linear(query, w, inProjBias)
                return (proj.narrow(-1, start: 0, length: e), proj.narrow(-1, start: e, length: e), proj.narrow(-1, start: 2 * e, length: e))
            }
            let ws = w.split(sizes: [e, 2 * e]), bs = inProjBias?.split(sizes: [e, 2 * e])
            let kv = linear(key, ws[1], bs?[1])
            return (linear(query, ws[0], bs?[0]), kv.narrow(-1, start: 0, length: e), kv.narrow(-1, start: e, length: e))
        }
        let ws = w.chunk(3), bs = inProjBias?.chunk(3)
        return (linear(query, ws[0], bs?[0]), linear(key, ws[1], bs?[1]), linear(value, ws[2], bs?[2]))
    }
}

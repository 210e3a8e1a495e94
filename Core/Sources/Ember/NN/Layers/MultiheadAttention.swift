/// Multi-head attention (`nn.MultiheadAttention`), with PyTorch's parameter names, default
/// initialisation and forward (its math path; PyTorch's inference fast path gives the same
/// numbers within float tolerance).
public final class MultiheadAttention: Module {
    public let embedDim: Int
    /// Feature size of `key` (the embedding size unless given).
    public let kdim: Int
    /// Feature size of `value` (the embedding size unless given).
    public let vdim: Int
    public let numHeads: Int
    /// `embedDim / numHeads`.
    public let headDim: Int
    /// Dropout probability on the attention weights (training only).
    public let dropout: Double
    /// Inputs and outputs are `[N, L, E]` instead of `[L, N, E]`.
    public let batchFirst: Bool
    /// Appends a zero key/value to every sequence (`add_zero_attn`).
    public let addZeroAttn: Bool
    /// The generator attention dropout draws from; nil uses the default generator.
    public var generator: Generator?

    /// `[3E, E]`: the query, key and value projections stacked (when kdim = vdim = E).
    @Parameter(key: "in_proj_weight") public var inProjWeight: Tensor?
    /// Separate projections when kdim or vdim differ from E: `[E, E]`, `[E, kdim]`, `[E, vdim]`.
    @Parameter(key: "q_proj_weight") public var qProjWeight: Tensor?
    @Parameter(key: "k_proj_weight") public var kProjWeight: Tensor?
    @Parameter(key: "v_proj_weight") public var vProjWeight: Tensor?
    /// `[3E]`, nil without bias.
    @Parameter(key: "in_proj_bias") public var inProjBias: Tensor?
    /// Learned key and value appended to every sequence (`add_bias_kv`): `[1, 1, E]`.
    @Parameter(key: "bias_k") public var biasK: Tensor?
    @Parameter(key: "bias_v") public var biasV: Tensor?
    /// The output projection (`out_proj`).
    public let outProj: Linear

    /// Whether key and value share the query's size, so one packed `in_proj_weight` is used.
    public var packedProjection: Bool { kdim == embedDim && vdim == embedDim }

    /// `nn.MultiheadAttention(embed_dim, num_heads, dropout, bias, add_bias_kv, add_zero_attn,
    /// kdim, vdim, batch_first)`.
    ///
    /// Initialisation draws as PyTorch's does, in its order: the output projection as a
    /// `Linear`, then Xavier-uniform input projections, zero input and output biases, and
    /// Xavier-normal `bias_k`/`bias_v`. `generator` is used for those draws (the default
    /// generator when nil) and for dropout.
    public init(
        embedDim: Int, numHeads: Int, dropout: Double = 0, bias: Bool = true, addBiasKV: Bool = false,
        addZeroAttn: Bool = false, kdim: Int? = nil, vdim: Int? = nil, batchFirst: Bool = false,
        dtype: DType = .defaultFloat, generator: Generator? = nil
    ) {
        precondition(embedDim > 0 && numHeads > 0, "embed_dim and num_heads must be greater than 0, got embed_dim=\(embedDim) and num_heads=\(numHeads) instead")
        precondition(embedDim % numHeads == 0, "embed_dim must be divisible by num_heads (\(embedDim) and \(numHeads))")
        self.embedDim = embedDim
        self.kdim = kdim ?? embedDim
        self.vdim = vdim ?? embedDim
        self.numHeads = numHeads
        headDim = embedDim / numHeads
        self.dropout = dropout
        self.batchFirst = batchFirst
        self.addZeroAttn = addZeroAttn
        self.generator = generator
        outProj = Linear(inFeatures: embedDim, outFeatures: embedDim, bias: bias, dtype: dtype, generator: generator)
        super.init()
        if packedProjection {
            inProjWeight = Tensor(empty: [3 * embedDim, embedDim], dtype: dtype)
        } else {
            qProjWeight = Tensor(empty: [embedDim, embedDim], dtype: dtype)
            kProjWeight = Tensor(empty: [embedDim, self.kdim], dtype: dtype)
            vProjWeight = Tensor(empty: [embedDim, self.vdim], dtype: dtype)
        }
        inProjBias = bias ? Tensor(empty: [3 * embedDim], dtype: dtype) : nil
        if addBiasKV {
            biasK = Tensor(empty: [1, 1, embedDim], dtype: dtype)
            biasV = Tensor(empty: [1, 1, embedDim], dtype: dtype)
        }
        resetParameters(generator: generator)
    }

    /// Re-draws the input projections and biases (`_reset_parameters`); the output
    /// projection's weight keeps its `Linear` initialisation, as in PyTorch.
    public func resetParameters(generator: Generator? = nil) {
        for weight in [inProjWeight, qProjWeight, kProjWeight, vProjWeight].compactMap({ $0 }) {
            Init.xavierUniform_(weight, generator: generator)
        }
        if let inProjBias {
            Init.constant_(inProjBias, 0)
            if let outBias = outProj.bias { Init.constant_(outBias, 0) }
        }
        if let biasK { Init.xavierNormal_(biasK, generator: generator) }
        if let biasV { Init.xavierNormal_(biasV, generator: generator) }
    }

    /// Attention of `query` over `key`/`value` (`forward`); returns the output in the query's
    /// layout and, when `needWeights`, the attention weights `[N, L, S]` (averaged over heads)
    /// or `[N, numHeads, L, S]` (with `averageAttnWeights: false`).
    ///
    /// - `keyPaddingMask [N, S]`: keys to ignore (`true`), or a float mask added to the scores.
    /// - `attnMask [L, S]` or `[N·numHeads, L, S]`: `true` where a query may not attend, or a
    ///   float mask added to the scores.
    /// - `isCausal`: a hint that `attnMask` is the causal mask (which must still be given).
    ///
    /// Unbatched inputs (`[L, E]`) give unbatched outputs.
    public func callAsFunction(
        _ query: Tensor, _ key: Tensor, _ value: Tensor, keyPaddingMask: Tensor? = nil, needWeights: Bool = true,
        attnMask: Tensor? = nil, averageAttnWeights: Bool = true, isCausal: Bool = false
    ) -> (output: Tensor, weights: Tensor?) {
        precondition(
            query.dim >= 2 && query.shape[query.dim - 1] == embedDim,
            "MultiheadAttention: was expecting embedding dimension of \(embedDim), but got query of shape \(query.shape)")
        return Functional.multiHeadAttentionForward(
            query: query, key: key, value: value, numHeads: numHeads, inProjWeight: inProjWeight,
            inProjBias: inProjBias, biasK: biasK, biasV: biasV, addZeroAttn: addZeroAttn, dropoutP: dropout,
            outProjWeight: outProj.weight, outProjBias: outProj.bias, training: training,
            keyPaddingMask: keyPaddingMask, needWeights: needWeights, attnMask: attnMask,
            qProjWeight: qProjWeight, kProjWeight: kProjWeight, vProjWeight: vProjWeight,
            averageAttnWeights: averageAttnWeights, isCausal: isCausal, batchFirst: batchFirst && query.dim == 3,
            generator: generator)
    }
}

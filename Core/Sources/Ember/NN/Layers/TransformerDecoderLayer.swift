/// The Transformer decoder block (`nn.TransformerDecoderLayer`): self-attention, attention
/// over the encoder's output (memory), and a feed-forward network, each with a residual
/// connection and layer norm.
///
/// Post-norm (default): `x = norm1(x + sa(x))`, `x = norm2(x + mha(x, memory))`,
/// `x = norm3(x + ff(x))`; with `normFirst` each block reads the normalised input and adds to
/// the residual stream. Keys are PyTorch's (`self_attn.*`, `multihead_attn.*`, `linear1.*`,
/// `norm1.*` ... `norm3.*`).
public final class TransformerDecoderLayer: Module {
    public let selfAttn: MultiheadAttention
    public let multiheadAttn: MultiheadAttention
    public let linear1: Linear
    public let dropout: Dropout
    public let linear2: Linear
    public let norm1: LayerNorm
    public let norm2: LayerNorm
    public let norm3: LayerNorm
    public let dropout1: Dropout
    public let dropout2: Dropout
    public let dropout3: Dropout
    public let normFirst: Bool
    public let activation: TransformerActivation
    private let configuration: Configuration

    private struct Configuration {
        let dModel: Int, nhead: Int, dimFeedforward: Int, dropout: Double, layerNormEps: Double
        let batchFirst: Bool, normFirst: Bool, bias: Bool, dtype: DType
    }

    /// `nn.TransformerDecoderLayer(d_model, nhead, dim_feedforward, dropout, activation,
    /// layer_norm_eps, batch_first, norm_first, bias)`; parameters are drawn in PyTorch's order
    /// (self-attention, cross-attention, `linear1`, `linear2`).
    public init(
        dModel: Int, nhead: Int, dimFeedforward: Int = 2048, dropout: Double = 0.1,
        activation: TransformerActivation = .relu, layerNormEps: Double = 1e-5, batchFirst: Bool = false,
        normFirst: Bool = false, bias: Bool = true, dtype: DType = .defaultFloat, generator: Generator? = nil
    ) {
        configuration = Configuration(
            dModel: dModel, nhead: nhead, dimFeedforward: dimFeedforward, dropout: dropout, layerNormEps: layerNormEps,
            batchFirst: batchFirst, normFirst: normFirst, bias: bias, dtype: dtype)
        selfAttn = MultiheadAttention(
            embedDim: dModel, numHeads: nhead, dropout: dropout, bias: bias, batchFirst: batchFirst, dtype: dtype,
            generator: generator)
        multiheadAttn = MultiheadAttention(
            embedDim: dModel, numHeads: nhead, dropout: dropout, bias: bias, batchFirst: batchFirst, dtype: dtype,
            generator: generator)
        linear1 = Linear(inFeatures: dModel, outFeatures: dimFeedforward, bias: bias, dtype: dtype, generator: generator)
        self.dropout = Dropout(p: dropout)
        linear2 = Linear(inFeatures: dimFeedforward, outFeatures: dModel, bias: bias, dtype: dtype, generator: generator)
        self.normFirst = normFirst
        norm1 = LayerNorm(dModel, eps: layerNormEps, bias: bias, dtype: dtype)
        norm2 = LayerNorm(dModel, eps: layerNormEps, bias: bias, dtype: dtype)
        norm3 = LayerNorm(dModel, eps: layerNormEps, bias: bias, dtype: dtype)
        dropout1 = Dropout(p: dropout)
        dropout2 = Dropout(p: dropout)
        dropout3 = Dropout(p: dropout)
        self.activation = activation
        super.init()
    }

    /// An independent copy with equal parameters and mode (`copy.deepcopy(layer)`); it draws
    /// nothing from the default generator.
    public func copy() -> TransformerDecoderLayer {
        let c = configuration
        let fresh = TransformerDecoderLayer(
            dModel: c.dModel, nhead: c.nhead, dimFeedforward: c.dimFeedforward, dropout: c.dropout,
            activation: activation, layerNormEps: c.layerNormEps, batchFirst: c.batchFirst, normFirst: c.normFirst,
            bias: c.bias, dtype: c.dtype, generator: Generator(seed: 0))
        return TransformerBlocks.copyState(from: self, into: fresh)
    }

    /// The block applied to `tgt` with the encoder output `memory`. `tgtMask [T, T]`,
    /// `memoryMask [T, S]` and the key padding masks (`[N, T]`, `[N, S]`) are boolean
    /// (`true` = masked) or additive floats; the `...IsCausal` flags hint that the matching
    /// mask is causal.
    public func callAsFunction(
        _ tgt: Tensor, memory: Tensor, tgtMask: Tensor? = nil, memoryMask: Tensor? = nil,
        tgtKeyPaddingMask: Tensor? = nil, memoryKeyPaddingMask: Tensor? = nil, tgtIsCausal: Bool = false,
        memoryIsCausal: Bool = false
    ) -> Tensor {
        var x = tgt
        if normFirst {
            x = x + selfAttentionBlock(norm1(x), tgtMask, tgtKeyPaddingMask, tgtIsCausal)
            x = x + crossAttentionBlock(norm2(x), memory, memoryMask, memoryKeyPaddingMask, memoryIsCausal)
            x = x + feedForwardBlock(norm3(x))
        } else {
            x = norm1(x + selfAttentionBlock(x, tgtMask, tgtKeyPaddingMask, tgtIsCausal))
            x = norm2(x + crossAttentionBlock(x, memory, memoryMask, memoryKeyPaddingMask, memoryIsCausal))
            x = norm3(x + feedForwardBlock(x))
        }
        return x
    }

    private func selfAttentionBlock(_ x: Tensor, _ mask: Tensor?, _ padding: Tensor?, _ isCausal: Bool) -> Tensor {
        let attended = selfAttn(x, x, x, keyPaddingMask: padding, needWeights: false, attnMask: mask, isCausal: isCausal).output
        return dropout1(attended)
    }

    private func crossAttentionBlock(
        _ x: Tensor, _ memory: Tensor, _ mask: Tensor?, _ padding: Tensor?, _ isCausal: Bool
    ) -> Tensor {
        let attended = multiheadAttn(
            x, memory, memory, keyPaddingMask: padding, needWeights: false, attnMask: mask, isCausal: isCausal
        ).output
        return dropout2(attended)
    }

    private func feedForwardBlock(_ x: Tensor) -> Tensor {
        dropout3(TransformerBlocks.feedForward(x, linear1, linear2, activation, dropout))
    }
}

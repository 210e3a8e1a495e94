/// A stack of decoder layers (`nn.TransformerDecoder`) and the whole encoder-decoder model
/// (`nn.Transformer`).

/// Decoder layers applied in turn, then an optional norm. The layers are independent copies
/// of the layer passed in; keys are `layers.0.self_attn.in_proj_weight`, ..., `norm.weight`.
public final class TransformerDecoder: Module {
    public let layers: [TransformerDecoderLayer]
    /// Applied to the last layer's output when present (`norm=`).
    public let norm: (any UnaryLayer)?
    public let numLayers: Int

    /// `nn.TransformerDecoder(decoder_layer, num_layers, norm)`.
    public init(decoderLayer: TransformerDecoderLayer, numLayers: Int, norm: (any UnaryLayer)? = nil) {
        precondition(numLayers >= 1, "TransformerDecoder: num_layers must be at least 1, got \(numLayers)")
        layers = (0..<numLayers).map { _ in decoderLayer.copy() }
        self.norm = norm
        self.numLayers = numLayers
        super.init()
    }

    /// Runs `tgt` through every layer with `memory`, then `norm`. Masks follow
    /// `TransformerDecoderLayer`; `tgtIsCausal` nil detects whether `tgtMask` is the square
    /// subsequent mask, as PyTorch does.
    public func callAsFunction(
        _ tgt: Tensor, memory: Tensor, tgtMask: Tensor? = nil, memoryMask: Tensor? = nil,
        tgtKeyPaddingMask: Tensor? = nil, memoryKeyPaddingMask: Tensor? = nil, tgtIsCausal: Bool? = nil,
        memoryIsCausal: Bool = false
    ) -> Tensor {
        let seqDim = tgt.dim == 3 && (layers.first?.selfAttn.batchFirst ?? false) ? 1 : 0
        let causal = TransformerMasks.detectIsCausal(tgtMask, isCausal: tgtIsCausal, size: tgt.shape[seqDim])
        var output = tgt
        for layer in layers {
            output = layer(
                output, memory: memory, tgtMask: tgtMask, memoryMask: memoryMask, tgtKeyPaddingMask: tgtKeyPaddingMask,
                memoryKeyPaddingMask: memoryKeyPaddingMask, tgtIsCausal: causal, memoryIsCausal: memoryIsCausal)
        }
        if let norm { output = norm(output) }
        return output
    }
}

/// The encoder-decoder Transformer of "Attention Is All You Need" (`nn.Transformer`): an
/// encoder stack with a final LayerNorm and a decoder stack with a final LayerNorm. Every
/// parameter with more than one dim is re-drawn Xavier-uniform after construction, as
/// PyTorch's `_reset_parameters` does.
public final class Transformer: Module {
    public let encoder: TransformerEncoder
    public let decoder: TransformerDecoder
    public let dModel: Int
    public let nhead: Int
    public let batchFirst: Bool

    /// `nn.Transformer(d_model, nhead, num_encoder_layers, num_decoder_layers,
    /// dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first, bias)`.
    public init(
        dModel: Int = 512, nhead: Int = 8, numEncoderLayers: Int = 6, numDecoderLayers: Int = 6,
        dimFeedforward: Int = 2048, dropout: Double = 0.1, activation: TransformerActivation = .relu,
        layerNormEps: Double = 1e-5, batchFirst: Bool = false, normFirst: Bool = false, bias: Bool = true,
        dtype: DType = .defaultFloat, generator: Generator? = nil
    ) {
        let encoderLayer = TransformerEncoderLayer(
            dModel: dModel, nhead: nhead, dimFeedforward: dimFeedforward, dropout: dropout, activation: activation,
            layerNormEps: layerNormEps, batchFirst: batchFirst, normFirst: normFirst, bias: bias, dtype: dtype,
            generator: generator)
        encoder = TransformerEncoder(
            encoderLayer: encoderLayer, numLayers: numEncoderLayers,
            norm: LayerNorm(dModel, eps: layerNormEps, bias: bias, dtype: dtype))
        let decoderLayer = TransformerDecoderLayer(
            dModel: dModel, nhead: nhead, dimFeedforward: dimFeedforward, dropout: dropout, activation: activation,
            layerNormEps: layerNormEps, batchFirst: batchFirst, normFirst: normFirst, bias: bias, dtype: dtype,
            generator: generator)
        decoder = TransformerDecoder(
            decoderLayer: decoderLayer, numLayers: numDecoderLayers,
            norm: LayerNorm(dModel, eps: layerNormEps, bias: bias, dtype: dtype))
        self.dModel = dModel
        self.nhead = nhead
        self.batchFirst = batchFirst
        super.init()
        for parameter in parameters() where parameter.dim > 1 {
            Init.xavierUniform_(parameter, generator: generator)
        }
    }

    /// Encodes `src` and decodes `tgt` against it (`forward`); masks are those of
    /// `TransformerEncoder` (`srcMask`, `srcKeyPaddingMask`) and `TransformerDecoder`.
    public func callAsFunction(
        _ src: Tensor, _ tgt: Tensor, srcMask: Tensor? = nil, tgtMask: Tensor? = nil, memoryMask: Tensor? = nil,
        srcKeyPaddingMask: Tensor? = nil, tgtKeyPaddingMask: Tensor? = nil, memoryKeyPaddingMask: Tensor? = nil,
        srcIsCausal: Bool? = nil, tgtIsCausal: Bool? = nil, memoryIsCausal: Bool = false
    ) -> Tensor {
        if src.dim == 3 {
            let batchDim = batchFirst ? 0 : 1
            precondition(
                src.shape[batchDim] == tgt.shape[batchDim],
                "Transformer: the batch number of src and tgt must be equal (src \(src.shape), tgt \(tgt.shape))")
        }
        precondition(
            src.shape.last == dModel && tgt.shape.last == dModel,
            "Transformer: the feature number of src and tgt must be equal to d_model (\(dModel)); got src \(src.shape), tgt \(tgt.shape)")
        let memory = encoder(src, mask: srcMask, srcKeyPaddingMask: srcKeyPaddingMask, isCausal: srcIsCausal)
        return decoder(
            tgt, memory: memory, tgtMask: tgtMask, memoryMask: memoryMask, tgtKeyPaddingMask: tgtKeyPaddingMask,
            memoryKeyPaddingMask: memoryKeyPaddingMask, tgtIsCausal: tgtIsCausal, memoryIsCausal: memoryIsCausal)
    }

    /// `nn.Transformer.generate_square_subsequent_mask(sz)`: 0 on and below the diagonal,
    /// -inf above.
    public static func generateSquareSubsequentMask(_ size: Int, dtype: DType = .defaultFloat) -> Tensor {
        TransformerMasks.squareSubsequentMask(size, dtype: dtype)
    }
}

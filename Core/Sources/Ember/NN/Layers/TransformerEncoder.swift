/// A stack of encoder layers (`nn.TransformerEncoder`).
///
/// The layers are independent copies of the layer passed in (equal initial weights, as
/// PyTorch's deep copies are); keys are `layers.0.self_attn.in_proj_weight`, ..., `norm.weight`.
/// Unlike PyTorch's inference fast path with nested tensors, outputs at padded positions are
/// computed like any other (PyTorch's fast path writes zeros there).
public final class TransformerEncoder: Module {
    public let layers: [TransformerEncoderLayer]
    /// Applied to the last layer's output when present (`norm=`).
    public let norm: (any UnaryLayer)?
    public let numLayers: Int

    /// `nn.TransformerEncoder(encoder_layer, num_layers, norm)`.
    public init(encoderLayer: TransformerEncoderLayer, numLayers: Int, norm: (any UnaryLayer)? = nil) {
        precondition(numLayers >= 1, "TransformerEncoder: num_layers must be at least 1, got \(numLayers)")
        layers = (0..<numLayers).map { _ in encoderLayer.copy() }
        self.norm = norm
        self.numLayers = numLayers
        super.init()
    }

    /// Runs `src` through every layer, then `norm`. `mask` (`srcMask` of each layer) and
    /// `srcKeyPaddingMask` follow `TransformerEncoderLayer`; `isCausal` nil detects whether
    /// `mask` is the square subsequent mask, as PyTorch does.
    public func callAsFunction(
        _ src: Tensor, mask: Tensor? = nil, srcKeyPaddingMask: Tensor? = nil, isCausal: Bool? = nil
    ) -> Tensor {
        let seqDim = src.dim == 3 && (layers.first?.selfAttn.batchFirst ?? false) ? 1 : 0
        let causal = TransformerMasks.detectIsCausal(mask, isCausal: isCausal, size: src.shape[seqDim])
        var output = src
        for layer in layers {
            output = layer(output, srcMask: mask, srcKeyPaddingMask: srcKeyPaddingMask, isCausal: causal)
        }
        if let norm { output = norm(output) }
        return output
    }
}

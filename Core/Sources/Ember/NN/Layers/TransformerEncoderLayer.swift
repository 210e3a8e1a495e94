/// The Transformer encoder block (`nn.TransformerEncoderLayer`) and what the Transformer
/// layers share: the feed-forward activation and the causal-mask helpers.

/// The activation of a Transformer block's feed-forward network (`activation=`): PyTorch's
/// `"relu"` and `"gelu"` (exact, erf-based) or any function.
public enum TransformerActivation {
    case relu
    case gelu
    case custom((Tensor) -> Tensor)

    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .relu: return x.relu()
        case .gelu: return x.gelu()
        case .custom(let function): return function(x)
        }
    }
}

/// Causal masks as the Transformer modules make and recognise them.
public enum TransformerMasks {
    /// The float mask of `nn.Transformer.generate_square_subsequent_mask(size)`: 0 on and
    /// below the diagonal, -inf above (position `i` sees positions `j <= i`).
    public static func squareSubsequentMask(_ size: Int, dtype: DType = .defaultFloat) -> Tensor {
        Tensor.zeros([size, size], dtype: dtype).maskedFill_(AttentionCore.causalMask(size, size), .double(-.infinity))
    }

    /// `_detect_is_causal_mask`: `isCausal` when given; otherwise whether `mask` equals the
    /// square subsequent mask of `size` (its own size when nil).
    static func detectIsCausal(_ mask: Tensor?, isCausal: Bool?, size: Int? = nil) -> Bool {
        if let isCausal { return isCausal }
        guard let mask, mask.dim >= 2 else { return false }
        let n = size ?? mask.shape[mask.dim - 2]
        guard mask.shape == [n, n] else { return false }
        let causal = squareSubsequentMask(n, dtype: mask.dtype.isFloatingPoint ? mask.dtype : .defaultFloat)
        return mask.dtype.isFloatingPoint ? mask.equal(causal) : false
    }
}

/// What the Transformer layers share: the feed-forward block and deep copies.
enum TransformerBlocks {
    /// `linear2(dropout(activation(linear1(x))))`, with the biases folded into the products.
    static func feedForward(
        _ x: Tensor, _ linear1: Linear, _ linear2: Linear, _ activation: TransformerActivation, _ dropout: Dropout
    ) -> Tensor {
        let hidden = activation(AttentionLinear.apply(x, weight: linear1.weight, bias: linear1.bias))
        return AttentionLinear.apply(dropout(hidden), weight: linear2.weight, bias: linear2.bias)
    }

    /// A deep copy of `module`'s parameters and buffers into `copy` (a module built with the
    /// same configuration), with the same training mode: what `copy.deepcopy` gives.
    static func copyState<M: Module>(from module: M, into copy: M) -> M {
        let source = Dictionary(module.namedParameters().map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        withNoGrad {
            for (name, tensor) in copy.namedParameters() {
                if let value = source[name] { tensor.copy_(value) }
            }
            let buffers = Dictionary(module.namedBuffers().map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
            for (name, tensor) in copy.namedBuffers() {
                if let value = buffers[name] { tensor.copy_(value) }
            }
        }
        for (name, parameter) in copy.namedParameters() {
            if let original = source[name], !original.requiresGrad { parameter.requiresGrad_(false) }
        }
        copy.train(module.training)
        return copy
    }
}

/// Self-attention followed by a feed-forward network, each with a residual connection and
/// layer norm (`nn.TransformerEncoderLayer`).
///
/// Post-norm (default): `x = norm1(x + sa(x))`, `x = norm2(x + ff(x))`; with `normFirst`:
/// `x = x + sa(norm1(x))`, `x = x + ff(norm2(x))`. State-dict keys are PyTorch's
/// (`self_attn.in_proj_weight`, `linear1.weight`, `norm1.weight`, ...).
public final class TransformerEncoderLayer: Module {
    public let selfAttn: MultiheadAttention
    public let linear1: Linear
    public let dropout: Dropout
    public let linear2: Linear
    public let norm1: LayerNorm
    public let norm2: LayerNorm
    public let dropout1: Dropout
    public let dropout2: Dropout
    public let normFirst: Bool
    public let activation: TransformerActivation
    private let configuration: Configuration

    private struct Configuration {
        let dModel: Int, nhead: Int, dimFeedforward: Int, dropout: Double, layerNormEps: Double
        let batchFirst: Bool, normFirst: Bool, bias: Bool, dtype: DType
    }

    /// `nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout, activation,
    /// layer_norm_eps, batch_first, norm_first, bias)`; parameters are drawn as PyTorch draws
    /// them (attention, then `linear1`, then `linear2`) from `generator` or the default one.
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
        linear1 = Linear(inFeatures: dModel, outFeatures: dimFeedforward, bias: bias, dtype: dtype, generator: generator)
        self.dropout = Dropout(p: dropout)
        linear2 = Linear(inFeatures: dimFeedforward, outFeatures: dModel, bias: bias, dtype: dtype, generator: generator)
        self.normFirst = normFirst
        norm1 = LayerNorm(dModel, eps: layerNormEps, bias: bias, dtype: dtype)
        norm2 = LayerNorm(dModel, eps: layerNormEps, bias: bias, dtype: dtype)
        dropout1 = Dropout(p: dropout)
        dropout2 = Dropout(p: dropout)
        self.activation = activation
        super.init()
    }

    /// An independent copy with equal parameters and mode (`copy.deepcopy(layer)`); it draws
    /// nothing from the default generator.
    public func copy() -> TransformerEncoderLayer {
        let c = configuration
        let fresh = TransformerEncoderLayer(
            dModel: c.dModel, nhead: c.nhead, dimFeedforward: c.dimFeedforward, dropout: c.dropout,
            activation: activation, layerNormEps: c.layerNormEps, batchFirst: c.batchFirst, normFirst: c.normFirst,
            bias: c.bias, dtype: c.dtype, generator: Generator(seed: 0))
        return TransformerBlocks.copyState(from: self, into: fresh)
    }

    /// The block applied to `src` (`[L, N, E]`, `[N, L, E]` with `batchFirst`, or `[L, E]`).
    /// `srcMask` (`[L, L]` or `[N·nhead, L, L]`) and `srcKeyPaddingMask` (`[N, L]`) are boolean
    /// (`true` = masked) or additive floats; `isCausal` hints that `srcMask` is causal.
    public func callAsFunction(
        _ src: Tensor, srcMask: Tensor? = nil, srcKeyPaddingMask: Tensor? = nil, isCausal: Bool = false
    ) -> Tensor {
        var x = src
        if normFirst {
            x = x + selfAttentionBlock(norm1(x), srcMask, srcKeyPaddingMask, isCausal)
            x = x + feedForwardBlock(norm2(x))
        } else {
            x = norm1(x + selfAttentionBlock(x, srcMask, srcKeyPaddingMask, isCausal))
            x = norm2(x + feedForwardBlock(x))
        }
        return x
    }

    private func selfAttentionBlock(_ x: Tensor, _ mask: Tensor?, _ padding: Tensor?, _ isCausal: Bool) -> Tensor {
        let attended = selfAttn(x, x, x, keyPaddingMask: padding, needWeights: false, attnMask: mask, isCausal: isCausal).output
        return dropout1(attended)
    }

    private func feedForwardBlock(_ x: Tensor) -> Tensor {
        dropout2(TransformerBlocks.feedForward(x, linear1, linear2, activation, dropout))
    }
}

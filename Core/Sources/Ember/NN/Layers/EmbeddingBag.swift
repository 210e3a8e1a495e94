/// Bags of embeddings reduced to one vector each (`nn.EmbeddingBag`): `sum`, `mean` (the
/// default) or `max` of the rows each bag names, without materialising the per-index rows'
/// output. `weight` is drawn from N(0, 1), the `paddingIdx` row zeroed.
public final class EmbeddingBag: Module {
    public let numEmbeddings: Int
    public let embeddingDim: Int
    public let mode: EmbeddingBagMode
    public let includeLastOffset: Bool
    /// The padding row, made non-negative.
    public let paddingIdx: Int?
    public let maxNorm: Double?
    public let normType: Double
    @Parameter public var weight: Tensor

    public init(
        numEmbeddings: Int, embeddingDim: Int, maxNorm: Double? = nil, normType: Double = 2,
        mode: EmbeddingBagMode = .mean, includeLastOffset: Bool = false, paddingIdx: Int? = nil,
        dtype: DType = .defaultFloat, generator: Generator? = nil
    ) {
        self.numEmbeddings = numEmbeddings
        self.embeddingDim = embeddingDim
        self.mode = mode
        self.includeLastOffset = includeLastOffset
        if let paddingIdx {
            precondition(
                paddingIdx < numEmbeddings && paddingIdx >= -numEmbeddings, "padding_idx must be within num_embeddings")
            self.paddingIdx = paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx
        } else {
            self.paddingIdx = nil
        }
        self.maxNorm = maxNorm
        self.normType = normType
        weight = Tensor(empty: [numEmbeddings, embeddingDim], dtype: dtype)
        super.init()
        resetParameters(generator: generator)
    }

    /// Re-draws the weight from N(0, 1) and zeroes the padding row (`reset_parameters`).
    public func resetParameters(generator: Generator? = nil) {
        Init.normal_(weight, generator: generator)
        if let paddingIdx { withNoGrad { _ = weight.select(0, paddingIdx).fill_(0) } }
    }

    /// `[B, N]` input (fixed-length bags), or `[N]` input with `offsets`.
    public func callAsFunction(_ input: Tensor, offsets: Tensor? = nil, perSampleWeights: Tensor? = nil) -> Tensor {
        Functional.embeddingBag(
            input, weight: weight, offsets: offsets, maxNorm: maxNorm, normType: normType, mode: mode,
            perSampleWeights: perSampleWeights, includeLastOffset: includeLastOffset, paddingIdx: paddingIdx)
    }

    public override var extraRepr: String {
        var text = "\(numEmbeddings), \(embeddingDim)"
        if let maxNorm { text += ", max_norm=\(maxNorm)" }
        if normType != 2 { text += ", norm_type=\(normType)" }
        text += ", mode='\(mode.rawValue)'"
        if includeLastOffset { text += ", include_last_offset=True" }
        if let paddingIdx { text += ", padding_idx=\(paddingIdx)" }
        return text
    }
}

/// A lookup table of vectors (`nn.Embedding`): integer indices in, `weight` rows out.
///
/// `weight` (`[numEmbeddings, embeddingDim]`) is drawn from N(0, 1); the `paddingIdx` row is
/// then zeroed and receives no gradient.
public final class Embedding: Module, UnaryLayer {
    public let numEmbeddings: Int
    public let embeddingDim: Int
    /// The padding row, made non-negative.
    public let paddingIdx: Int?
    public let maxNorm: Double?
    public let normType: Double
    @Parameter public var weight: Tensor

    public init(
        numEmbeddings: Int, embeddingDim: Int, paddingIdx: Int? = nil, maxNorm: Double? = nil, normType: Double = 2,
        dtype: DType = .defaultFloat, generator: Generator? = nil
    ) {
        self.numEmbeddings = numEmbeddings
        self.embeddingDim = embeddingDim
        self.paddingIdx = Embedding.normalizedPadding(paddingIdx, numEmbeddings)
        self.maxNorm = maxNorm
        self.normType = normType
        weight = Tensor(empty: [numEmbeddings, embeddingDim], dtype: dtype)
        super.init()
        resetParameters(generator: generator)
    }

    /// An embedding holding `weights` (`nn.Embedding.from_pretrained`); frozen by default.
    public init(pretrained weights: Tensor, freeze: Bool = true, paddingIdx: Int? = nil, maxNorm: Double? = nil, normType: Double = 2) {
        precondition(weights.dim == 2, "Embeddings parameter is expected to be 2-dimensional, got shape \(weights.shape)")
        numEmbeddings = weights.shape[0]
        embeddingDim = weights.shape[1]
        self.paddingIdx = Embedding.normalizedPadding(paddingIdx, weights.shape[0])
        self.maxNorm = maxNorm
        self.normType = normType
        weight = weights.detach()
        super.init()
        weight.requiresGrad_(!freeze)
    }

    private static func normalizedPadding(_ index: Int?, _ count: Int) -> Int? {
        guard let index else { return nil }
        precondition(index < count && index >= -count, "Padding_idx must be within num_embeddings")
        return index < 0 ? index + count : index
    }

    /// Re-draws the weight from N(0, 1) and zeroes the padding row (`reset_parameters`).
    public func resetParameters(generator: Generator? = nil) {
        Init.normal_(weight, generator: generator)
        if let paddingIdx { withNoGrad { _ = weight.select(0, paddingIdx).fill_(0) } }
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        Functional.embedding(input, weight: weight, paddingIdx: paddingIdx, maxNorm: maxNorm, normType: normType)
    }

    public override var extraRepr: String {
        var text = "\(numEmbeddings), \(embeddingDim)"
        if let paddingIdx { text += ", padding_idx=\(paddingIdx)" }
        if let maxNorm { text += ", max_norm=\(maxNorm)" }
        if normType != 2 { text += ", norm_type=\(normType)" }
        return text
    }
}

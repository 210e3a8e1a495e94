/// Bags of embeddings reduced to one vector each (`F.embedding_bag`).

/// How `Functional.embeddingBag` reduces a bag (`mode`).
public enum EmbeddingBagMode: String, Sendable, CaseIterable {
    case sum, mean, max
}

extension Functional {
    /// `F.embedding_bag`: looks up the rows of `weight` named by `input` and reduces each bag
    /// to one row, giving `[bags, embeddingDim]`.
    ///
    /// - Parameters:
    ///   - input: `[B, N]` (B bags of N indices; `offsets` must be nil) or `[N]` with `offsets`.
    ///   - offsets: with 1-D input, where each bag starts (`offsets[0]` must be 0); with
    ///     `includeLastOffset`, the last entry is the end of the last bag.
    ///   - perSampleWeights: one weight per index (input's shape), `sum` mode only.
    ///   - paddingIdx: indices equal to it are left out of their bag (and of a mean's count).
    ///
    /// An empty bag (or one of padding only) gives zeros, as in PyTorch. `max` routes each
    /// gradient element to the bag row that held the maximum.
    public static func embeddingBag(
        _ input: Tensor, weight: Tensor, offsets: Tensor? = nil, maxNorm: Double? = nil, normType: Double = 2,
        mode: EmbeddingBagMode = .mean, perSampleWeights: Tensor? = nil, includeLastOffset: Bool = false,
        paddingIdx: Int? = nil
    ) -> Tensor {
        precondition(weight.dim == 2, "embedding_bag: weight has to be a 2D Tensor, but got Tensor of dimension \(weight.dim)")
        precondition(
            input.dtype == .int64 || input.dtype == .int32,
            "embedding_bag: Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got \(input.dtype) instead")
        let (num, dim) = (weight.shape[0], weight.shape[1])
        let padding = paddingIdx.map { index -> Int in
            precondition(index < num && index >= -num, "embedding_bag: padding_idx must be within the number of embeddings, got \(index)")
            return index < 0 ? index + num : index
        }
        if let perSampleWeights {
            precondition(
                mode == .sum,
                "embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='\(mode.rawValue)'). Please open a feature request on GitHub.")
            precondition(
                perSampleWeights.shape == input.shape,
                "embedding_bag: per_sample_weights (\(perSampleWeights.shape)) and input (\(input.shape)) must have the same shape")
        }
        let bounds = bagBounds(input, offsets: offsets, includeLastOffset: includeLastOffset)
        let indices = input.to(.int64).reshape([-1])
        if let maxNorm { renorm_(weight, indices: indices, maxNorm: maxNorm, normType: normType) }
        let flatIndices = indices.toArray(Int64.self)
        var rows = weight.indexSelect(0, indices)
        if let perSampleWeights { rows = rows * perSampleWeights.reshape([-1, 1]).to(rows.dtype) }
        let bags = bounds.map { range -> Tensor in
            let kept = range.filter { padding == nil || flatIndices[$0] != Int64(padding!) }
            if kept.isEmpty { return Tensor.zeros([dim], dtype: weight.dtype) }
            // Contiguous bags without padding are a narrow; others gather their kept rows.
            let members = kept.count == range.count
                ? rows.narrow(0, start: range.lowerBound, length: range.count)
                : rows.indexSelect(0, Tensor(kept.map(Int64.init)))
            switch mode {
            case .sum: return members.sum(dim: 0)
            case .mean: return members.sum(dim: 0) / .double(Double(kept.count))
            case .max: return members.max(dim: 0).values
            }
        }
        if bags.isEmpty { return Tensor.zeros([0, dim], dtype: weight.dtype) }
        return Tensor.stack(bags, dim: 0)
    }

    /// Each bag's index range in the flattened input, with PyTorch's checks on `offsets`.
    private static func bagBounds(_ input: Tensor, offsets: Tensor?, includeLastOffset: Bool) -> [Range<Int>] {
        if input.dim == 2 {
            precondition(
                offsets == nil,
                "embedding_bag: if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences. However, found offsets of type Tensor")
            let (bags, length) = (input.shape[0], input.shape[1])
            return (0..<bags).map { $0 * length..<($0 + 1) * length }
        }
        precondition(input.dim == 1, "embedding_bag: input has to be 1D or 2D Tensor, but got Tensor of dimension \(input.dim)")
        guard let offsets else {
            preconditionFailure("embedding_bag: offsets has to be a 1D Tensor but got None")
        }
        precondition(offsets.dim == 1, "embedding_bag: offsets has to be a 1D Tensor, but got Tensor of dimension \(offsets.dim)")
        var starts = offsets.to(.int64).toArray(Int64.self).map { Int($0) }
        let count = input.shape[0]
        precondition(starts.isEmpty || starts[0] == 0, "embedding_bag: offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. However, got \(starts[0])")
        var end = count
        if includeLastOffset {
            precondition(!starts.isEmpty, "embedding_bag: include_last_offset: number of offsets should be at least 1")
            end = starts.removeLast()
        }
        for (i, start) in starts.enumerated() {
            let next = i + 1 < starts.count ? starts[i + 1] : end
            precondition(
                start <= next && next <= count,
                "embedding_bag: offsets must be non-decreasing and at most the input length \(count), got \(starts + (includeLastOffset ? [end] : []))")
        }
        return starts.indices.map { i in starts[i]..<(i + 1 < starts.count ? starts[i + 1] : end) }
    }
}

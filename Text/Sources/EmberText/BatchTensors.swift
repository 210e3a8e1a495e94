import Ember

/// A padded batch as int64 tensors of shape `[batch, length]`, the inputs a transformer takes.
public struct BatchTensors {
    public var inputIds: Tensor
    public var attentionMask: Tensor
    public var tokenTypeIds: Tensor
    public var specialTokensMask: Tensor
}

extension Array where Element == Encoding {
    /// Stacks the encodings into int64 tensors. They must all have the same length: pad the
    /// batch first (set `Tokenizer.padding`), or a typed error says which encoding differs.
    public func tensors() throws -> BatchTensors {
        let length = first?.count ?? 0
        if let k = firstIndex(where: { $0.count != length }) {
            throw TokenizerError.invalidArgument(
                "encoding \(k) has \(self[k].count) tokens but encoding 0 has \(length): enable padding to stack a batch")
        }
        func stack(_ field: (Encoding) -> [Int]) -> Tensor {
            var values: [Int64] = []
            values.reserveCapacity(count * length)
            for e in self { for v in field(e) { values.append(Int64(v)) } }
            return Tensor(values, shape: [count, length])
        }
        return BatchTensors(inputIds: stack { $0.ids }, attentionMask: stack { $0.attentionMask },
                            tokenTypeIds: stack { $0.typeIds }, specialTokensMask: stack { $0.specialTokensMask })
    }
}

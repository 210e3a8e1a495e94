/// A dataset of the rows of tensors that share their first dimension
/// (`torch.utils.data.TensorDataset`): sample `i` is `tensors[k][i]` for every tensor.
///
/// Samples are tuples, so that a loader over `TensorDataset(images, labels)` reads as
/// `for (images, labels) in loader`. One tensor gives `Tensor` samples; an array of tensors
/// gives `[Tensor]` samples of any length. Rows are views: nothing is copied until the
/// loader stacks a batch.
public struct TensorDataset<Element>: Dataset, Sendable {
    /// The wrapped tensors, in the order their rows appear in a sample.
    public let tensors: [Tensor]
    public let count: Int
    private let row: @Sendable ([Tensor], Int) -> Element

    private init(checking tensors: [Tensor], row: @escaping @Sendable ([Tensor], Int) -> Element) {
        precondition(!tensors.isEmpty, "TensorDataset: at least one tensor is required")
        for t in tensors {
            precondition(t.dim > 0, "TensorDataset: tensors must have at least one dimension, got shape \(t.shape)")
        }
        let first = tensors[0].shape[0]
        precondition(
            tensors.allSatisfy { $0.shape[0] == first },
            "TensorDataset: Size mismatch between tensors (shapes \(tensors.map(\.shape)))")
        self.tensors = tensors
        self.count = first
        self.row = row
    }

    /// Samples are `tensor[i]`.
    public init(_ tensor: Tensor) where Element == Tensor {
        self.init(checking: [tensor]) { t, i in t[0].select(0, i) }
    }

    /// Samples are `(a[i], b[i])`: inputs and targets.
    public init(_ a: Tensor, _ b: Tensor) where Element == (Tensor, Tensor) {
        self.init(checking: [a, b]) { t, i in (t[0].select(0, i), t[1].select(0, i)) }
    }

    /// Samples are `(a[i], b[i], c[i])`.
    public init(_ a: Tensor, _ b: Tensor, _ c: Tensor) where Element == (Tensor, Tensor, Tensor) {
        self.init(checking: [a, b, c]) { t, i in (t[0].select(0, i), t[1].select(0, i), t[2].select(0, i)) }
    }

    /// Samples are arrays `[t[i] for t in tensors]`, PyTorch's tuple of any length.
    public init(_ tensors: [Tensor]) where Element == [Tensor] {
        self.init(checking: tensors) { t, i in t.map { $0.select(0, i) } }
    }

    /// Negative indices count from the end, as in PyTorch.
    public subscript(index: Int) -> Element {
        precondition(
            index >= -count && index < count,
            "TensorDataset: index \(index) is out of bounds for dimension 0 with size \(count)")
        return row(tensors, index < 0 ? index + count : index)
    }
}

/// A map-style dataset (`torch.utils.data.Dataset`): `count` samples reachable by index.
///
/// Conform a type by giving it `count` and a subscript; `DataLoader` reads samples through
/// them in the order its sampler chooses. Swift arrays are datasets, as Python lists are.
///
/// ```swift
/// struct Squares: Dataset {
///     var count: Int { 100 }
///     subscript(index: Int) -> (Tensor, Tensor) { (Tensor(scalar: Float(index)), Tensor(scalar: Float(index * index))) }
/// }
/// ```
///
/// A `DataLoader` with `numWorkers > 0` reads samples from several threads at once, which is
/// why it asks for a `Sendable` dataset: the subscript must be safe to call concurrently
/// (reading immutable tensors is).
public protocol Dataset<Element> {
    /// The type of one sample.
    associatedtype Element
    /// The number of samples (`len(dataset)`).
    var count: Int { get }
    /// The sample at `index`, in `0..<count` (`dataset[index]`).
    subscript(index: Int) -> Element { get }
}

/// A dataset that is a stream of samples (`torch.utils.data.IterableDataset`): the loader
/// takes consecutive samples from `makeIterator()` instead of indexing.
///
/// With `numWorkers > 0` every worker thread makes its own iterator, so each worker yields the
/// whole stream unless the iterator splits the work by `WorkerInfo.current` (its `id` and
/// `numWorkers`), as in PyTorch.
public protocol IterableDataset<Element>: Sequence {}

/// Arrays are map-style datasets, like Python lists handed to a `DataLoader`.
extension Array: Dataset {}

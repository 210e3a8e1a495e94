/// The samples of a dataset at chosen indices (`torch.utils.data.Subset`), in the order the
/// indices give. `randomSplit` returns subsets.
public struct Subset<Base: Dataset>: Dataset {
    /// The dataset the subset reads from.
    public let dataset: Base
    /// Indices into `dataset`; sample `i` of the subset is `dataset[indices[i]]`.
    public let indices: [Int]

    public init(_ dataset: Base, indices: [Int]) {
        self.dataset = dataset
        self.indices = indices
    }

    public var count: Int { indices.count }

    /// Negative indices count from the end, as on the Python list PyTorch keeps.
    public subscript(index: Int) -> Base.Element {
        precondition(
            index >= -indices.count && index < indices.count,
            "Subset: index \(index) is out of range for a subset of \(indices.count) samples")
        return dataset[indices[index < 0 ? index + indices.count : index]]
    }
}

extension Subset: Sendable where Base: Sendable {}

/// Datasets one after another (`torch.utils.data.ConcatDataset`): index `i` falls in the
/// first dataset whose cumulative size exceeds it.
public struct ConcatDataset<Base: Dataset>: Dataset {
    /// The concatenated datasets, in order.
    public let datasets: [Base]
    /// `cumulativeSizes[k]` is the number of samples in `datasets[0...k]`.
    public let cumulativeSizes: [Int]

    public init(_ datasets: [Base]) {
        precondition(!datasets.isEmpty, "ConcatDataset: datasets should not be an empty iterable")
        self.datasets = datasets
        var running = 0
        cumulativeSizes = datasets.map { d in
            running += d.count
            return running
        }
    }

    public var count: Int { cumulativeSizes[cumulativeSizes.count - 1] }

    /// Negative indices count from the end, as in PyTorch.
    public subscript(index: Int) -> Base.Element {
        let total = count
        precondition(
            index >= -total, "ConcatDataset: absolute value of index should not exceed dataset length (index \(index), length \(total))")
        precondition(index < total, "ConcatDataset: index \(index) is out of range for \(total) samples")
        let i = index < 0 ? index + total : index
        // bisect_right: the first dataset whose cumulative size is above i.
        var lo = 0, hi = cumulativeSizes.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulativeSizes[mid] <= i { lo = mid + 1 } else { hi = mid }
        }
        return datasets[lo][lo == 0 ? i : i - cumulativeSizes[lo - 1]]
    }
}

extension ConcatDataset: Sendable where Base: Sendable {}

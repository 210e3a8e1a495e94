import Foundation

/// Sampling category indices: `multinomial`.
extension Tensor {
    /// `torch.multinomial(probs, numSamples, replacement)`: indices drawn from the rows of a
    /// 1-D or 2-D tensor of non-negative weights (they need not sum to 1). Results are int64.
    ///
    /// With replacement each sample inverts the row's cumulative distribution at a uniform
    /// double draw; without replacement the row's weights are divided by exponential draws
    /// and the largest `numSamples` quotients win (the Gumbel-top-k trick PyTorch uses), so
    /// the distribution is PyTorch's while the individual numbers are not.
    public func multinomial(_ numSamples: Int, replacement: Bool = false, generator: Generator? = nil) -> Tensor {
        precondition(dim == 1 || dim == 2, "multinomial: prob_dist must be 1 or 2 dim, got shape \(shape)")
        precondition(dtype.isFloatingPoint, "multinomial: only supports floating-point dtypes for input, got: \(dtype)")
        precondition(numSamples > 0, "multinomial: cannot sample n_sample <= 0 samples")
        let categories = shape[dim - 1]
        precondition(
            replacement || numSamples <= categories,
            "multinomial: cannot sample n_sample > prob_dist.size(-1) samples without replacement (n_sample \(numSamples), shape \(shape))")
        let rows = dim == 1 ? 1 : shape[0]
        let weights = to(.float64).contiguous().toArray(Double.self)
        let gen = generator ?? Random.defaultGenerator
        var result = [Int64](repeating: 0, count: rows * numSamples)
        for r in 0..<rows {
            let row = weights[(r * categories)..<((r + 1) * categories)]
            precondition(
                row.allSatisfy { $0 >= 0 && $0.isFinite },
                "multinomial: probability tensor contains either `inf`, `nan` or element < 0")
            let total = row.reduce(0, +)
            precondition(total > 0, "multinomial: invalid multinomial distribution (sum of probabilities <= 0)")
            gen.withLock {
                if replacement {
                    var cumulative = [Double](repeating: 0, count: categories)
                    var running = 0.0
                    for (i, w) in row.enumerated() {
                        running += w / total
                        cumulative[i] = running
                    }
                    cumulative[categories - 1] = 1
                    for s in 0..<numSamples {
                        let u = gen.uniformDouble()
                        // First category whose cumulative probability exceeds u, skipping zero weights.
                        var lo = 0, hi = categories - 1
                        while lo < hi {
                            let mid = (lo + hi) / 2
                            if cumulative[mid] <= u { lo = mid + 1 } else { hi = mid }
                        }
                        while lo > 0 && row[row.startIndex + lo] == 0 { lo -= 1 }
                        while row[row.startIndex + lo] == 0 && lo < categories - 1 { lo += 1 }
                        result[r * numSamples + s] = Int64(lo)
                    }
                } else {
                    var keys = [(Double, Int)]()
                    keys.reserveCapacity(categories)
                    for (i, w) in row.enumerated() {
                        let exponential = -Foundation.log1p(-gen.uniformDouble())
                        keys.append((w == 0 ? -1 : w / exponential, i))
                    }
                    keys.sort { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
                    for s in 0..<numSamples { result[r * numSamples + s] = Int64(keys[s].1) }
                }
            }
        }
        return Tensor(result, shape: dim == 1 ? [numSamples] : [rows, numSamples])
    }
}

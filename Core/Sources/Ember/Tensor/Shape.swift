/// Shape arithmetic shared by every op: strides, broadcasting, dimension wrapping.
enum Shape {
    static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[d] = running
            running *= max(shape[d], 1)
        }
        return strides
    }

    /// Row-major without gaps; size-1 dimensions may have any stride, as in PyTorch.
    static func isContiguous(shape: [Int], strides: [Int]) -> Bool {
        var expected = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) {
            if shape[d] == 0 { return true }
            if shape[d] != 1 {
                if strides[d] != expected { return false }
                expected *= shape[d]
            }
        }
        return true
    }

    /// Wraps a possibly negative dimension index, stopping with PyTorch's message when out of range.
    static func normalize(_ d: Int, rank: Int, op: String) -> Int {
        let r = max(rank, 1)
        precondition(
            d >= -r && d < r,
            "\(op): Dimension out of range (expected to be in range of [\(-r), \(r - 1)], but got \(d))")
        return d < 0 ? d + r : d
    }

    /// The broadcast shape of several shapes, with PyTorch's message when they disagree.
    static func broadcast(_ a: [Int], _ b: [Int], op: String) -> [Int] {
        if a == b { return a }
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        // From the trailing dim, as PyTorch checks, so the first mismatch reported is the same.
        for i in (0..<rank).reversed() {
            let x = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let y = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            precondition(
                x == y || x == 1 || y == 1,
                "\(op): The size of tensor a (\(x)) must match the size of tensor b (\(y)) at non-singleton dimension \(i); shapes \(a) and \(b)")
            result[i] = x == 1 ? y : x
        }
        return result
    }

    /// The strides with which a tensor of `shape`/`strides` is read as `target` (0 on broadcast dims).
    static func broadcastStrides(shape: [Int], strides: [Int], to target: [Int]) -> [Int] {
        let lead = target.count - shape.count
        var result = [Int](repeating: 0, count: target.count)
        for i in 0..<shape.count where shape[i] != 1 || target[lead + i] == 1 {
            result[lead + i] = shape[i] == 1 ? 0 : strides[i]
        }
        return result
    }

    /// True when a tensor of `shape` broadcasts to `target` (`expand` would accept it).
    static func isExpandable(_ shape: [Int], to target: [Int]) -> Bool {
        guard shape.count <= target.count else { return false }
        let lead = target.count - shape.count
        return shape.indices.allSatisfy { shape[$0] == 1 || shape[$0] == target[lead + $0] }
    }
}

/// `torch.einsum`: Einstein summation, lowered to diagonals, sums, permutes, reshapes and
/// batched matrix products.
extension Tensor {
    /// Evaluates an Einstein-summation equation such as `"bhqd,bhkd->bhqk"` (`torch.einsum`).
    ///
    /// Labels are letters; `...` stands for broadcast dimensions; without `->` the output is
    /// the ellipsis dimensions followed by the labels that appear once, in alphabetical order.
    /// A label repeated in one operand takes its diagonal; labels absent from the output are
    /// summed. Operands are contracted left to right, each pair as one batched product.
    public static func einsum(_ equation: String, _ operands: [Tensor]) -> Tensor {
        let plan = EinsumPlan(equation, operands)
        var current: (Tensor, [Int])? = nil
        for (i, operand) in operands.enumerated() {
            var (t, labels) = plan.prepare(operand, labels: plan.inputs[i])
            // Labels needed later: the output's and those of operands not yet contracted.
            var needed = Set(plan.output)
            for later in plan.inputs[(i + 1)...] { needed.formUnion(later) }
            if let (acc, accLabels) = current {
                (t, labels) = EinsumPlan.contract(acc, accLabels, t, labels, keep: needed)
            } else {
                (t, labels) = EinsumPlan.sumOut(t, labels, keeping: needed)
            }
            current = (t, labels)
        }
        let (result, labels) = current!
        let order = plan.output.map { labels.firstIndex(of: $0)! }
        // An identity permutation is skipped unless the result is an operand itself (the
        // result must be a new tensor, as a view at least).
        let identity = order == Array(0..<order.count) && !operands.contains { $0.impl === result.impl }
        return identity ? result : result.permute(order)
    }

    public static func einsum(_ equation: String, _ operands: Tensor...) -> Tensor { einsum(equation, operands) }
}

/// A parsed einsum equation: each operand's labels and the output's, with ellipsis
/// dimensions given labels of their own (aligned from the right, so they broadcast).
struct EinsumPlan {
    /// Labels per input dimension; letters are their ASCII codes, ellipsis dims are >= 1000.
    var inputs: [[Int]] = []
    var output: [Int] = []
    /// The size each label takes (after broadcasting size-1 dims).
    var sizes: [Int: Int] = [:]

    init(_ equation: String, _ operands: [Tensor]) {
        let text = equation.filter { !$0.isWhitespace }
        let sides = text.components(separatedBy: "->")
        precondition(sides.count <= 2, "einsum(): more than one '->' in equation \"\(equation)\"")
        let terms = sides[0].components(separatedBy: ",")
        precondition(
            terms.count == operands.count,
            "einsum(): more operands were provided than specified in the equation \"\(equation)\" (\(terms.count) terms, \(operands.count) operands)")
        var ellipsisRank = 0
        var parsed: [([Int], Int?)] = []  // explicit labels, position of the ellipsis
        for (term, operand) in zip(terms, operands) {
            let (labels, ellipsisAt) = Self.parse(term, equation: equation)
            let explicit = labels.count
            if let _ = ellipsisAt {
                precondition(
                    operand.dim >= explicit,
                    "einsum(): the number of subscripts in the equation (\(explicit)) is more than the number of dimensions (\(operand.dim)) for operand of shape \(operand.shape)")
                ellipsisRank = max(ellipsisRank, operand.dim - explicit)
            } else {
                precondition(
                    operand.dim == explicit,
                    "einsum(): the number of subscripts in the equation (\(explicit)) does not match the number of dimensions (\(operand.dim)) for operand of shape \(operand.shape) and no ellipsis was given")
            }
            parsed.append((labels, ellipsisAt))
        }
        for ((labels, ellipsisAt), operand) in zip(parsed, operands) {
            var full = labels
            if let at = ellipsisAt {
                let count = operand.dim - labels.count
                let ellipsis = (0..<count).map { 1000 + ellipsisRank - count + $0 }
                full.insert(contentsOf: ellipsis, at: at)
            }
            for (d, label) in full.enumerated() {
                let size = operand.shape[d]
                if let known = sizes[label], known != size {
                    precondition(
                        known == 1 || size == 1,
                        "einsum(): operands do not broadcast with remapped shapes (original->remapped): subscript \(Self.name(label)) has size \(known) and \(size) in equation \"\(equation)\"")
                    sizes[label] = max(known, size)
                } else {
                    sizes[label] = size
                }
            }
            inputs.append(full)
        }
        let ellipsisLabels = (0..<ellipsisRank).map { 1000 + $0 }
        if sides.count == 2 {
            let (labels, ellipsisAt) = Self.parse(sides[1], equation: equation)
            var full = labels
            if let at = ellipsisAt { full.insert(contentsOf: ellipsisLabels, at: at) }
            precondition(Set(full).count == full.count, "einsum(): output subscript appears more than once in \"\(equation)\"")
            for label in labels {
                precondition(
                    inputs.contains { $0.contains(label) },
                    "einsum(): output subscript \(Self.name(label)) does not appear in the equation for any input operand")
            }
            output = full
        } else {
            var counts: [Int: Int] = [:]
            for labels in inputs { for l in labels where l < 1000 { counts[l, default: 0] += 1 } }
            output = ellipsisLabels + counts.filter { $0.value == 1 }.keys.sorted()
        }
    }

    private static func name(_ label: Int) -> String {
        label >= 1000 ? "..." : String(UnicodeScalar(UInt8(label)))
    }

    private static func parse(_ term: String, equation: String) -> ([Int], Int?) {
        var labels: [Int] = []
        var ellipsisAt: Int? = nil
        var dots = 0
        for c in term.unicodeScalars {
            if c == "." {
                dots += 1
                if dots == 3 {
                    precondition(ellipsisAt == nil, "einsum(): found more than one ellipsis in a term of \"\(equation)\"")
                    ellipsisAt = labels.count
                    dots = 0
                }
                continue
            }
            precondition(dots == 0, "einsum(): found '.' for operand that is not part of any ellipsis in \"\(equation)\"")
            precondition(
                (c.value >= 65 && c.value <= 90) || (c.value >= 97 && c.value <= 122),
                "einsum(): invalid subscript given at index \(labels.count) in the equation string, subscripts must be in [a-zA-Z] (\"\(equation)\")")
            labels.append(Int(c.value))
        }
        precondition(dots == 0, "einsum(): found '.' for operand that is not part of any ellipsis in \"\(equation)\"")
        return (labels, ellipsisAt)
    }

    /// Takes diagonals for labels repeated within one operand.
    func prepare(_ operand: Tensor, labels: [Int]) -> (Tensor, [Int]) {
        var t = operand, labels = labels
        while let d1 = labels.indices.first(where: { i in labels[(i + 1)...].contains(labels[i]) }) {
            let label = labels[d1]
            let d2 = labels[(d1 + 1)...].firstIndex(of: label)!
            precondition(
                t.shape[d1] == t.shape[d2],
                "einsum(): subscript \(Self.name(label)) is repeated for operand but the sizes don't match, \(t.shape[d1]) != \(t.shape[d2])")
            t = t.diagonal(offset: 0, dim1: d1, dim2: d2)
            labels.remove(at: d2)
            labels.remove(at: d1)
            labels.append(label)
        }
        return (t, labels)
    }

    /// Sums the dimensions whose labels are not kept.
    static func sumOut(_ t: Tensor, _ labels: [Int], keeping keep: Set<Int>) -> (Tensor, [Int]) {
        let drop = labels.indices.filter { !keep.contains(labels[$0]) }
        if drop.isEmpty { return (t, labels) }
        let summed = t.sum(dims: drop, keepDim: false, dtype: t.dtype)
        return (summed, labels.indices.filter { keep.contains(labels[$0]) }.map { labels[$0] })
    }

    /// Contracts two operands into one whose labels are the kept labels of both.
    static func contract(_ a: Tensor, _ la: [Int], _ b: Tensor, _ lb: [Int], keep: Set<Int>) -> (Tensor, [Int]) {
        precondition(a.dtype == b.dtype, "einsum(): expected all operands to have the same dtype, but got \(a.dtype) and \(b.dtype)")
        // Labels of one side that the other side lacks and nobody needs are summed first.
        var (a, la) = sumOut(a, la, keeping: keep.union(lb))
        var (b, lb) = sumOut(b, lb, keeping: keep.union(la))
        let shared = la.filter { lb.contains($0) }
        // A shared, summed label that is size 1 on one side broadcasts: sum the other side.
        for label in shared where !keep.contains(label) {
            let (i, j) = (la.firstIndex(of: label)!, lb.firstIndex(of: label)!)
            if a.shape[i] != b.shape[j] {
                if a.shape[i] == 1 { b = b.sum(dims: [j], keepDim: true, dtype: b.dtype) } else { a = a.sum(dims: [i], keepDim: true, dtype: a.dtype) }
            }
        }
        let batch = shared.filter { keep.contains($0) }
        let contracted = shared.filter { !keep.contains($0) }
        let left = la.filter { !lb.contains($0) }
        let right = lb.filter { !la.contains($0) }
        func size(_ t: Tensor, _ labels: [Int], _ l: Int) -> Int { t.shape[labels.firstIndex(of: l)!] }
        let batchSizes = batch.map { Swift.max(size(a, la, $0), size(b, lb, $0)) }
        let leftSizes = left.map { size(a, la, $0) }, rightSizes = right.map { size(b, lb, $0) }
        let contractedSizes = contracted.map { size(a, la, $0) }
        let (B, M, N, K) = (
            batchSizes.reduce(1, *), leftSizes.reduce(1, *), rightSizes.reduce(1, *), contractedSizes.reduce(1, *)
        )
        // A 0-d operand (everything summed) becomes [1, 1, 1] through a stride-0 view.
        func fold(_ t: Tensor, _ shape: [Int]) -> Tensor {
            t.dim == 0 ? t.asStrided(shape, [0, 0, 0]) : t.reshape(shape)
        }
        let aOrdered = fold(
            a.permute((batch + left + contracted).map { la.firstIndex(of: $0)! })
                .expand(batchSizes + leftSizes + contractedSizes), [B, M, K])
        let bOrdered = fold(
            b.permute((batch + contracted + right).map { lb.firstIndex(of: $0)! })
                .expand(batchSizes + contractedSizes + rightSizes), [B, K, N])
        let product = aOrdered.bmm(bOrdered).view(batchSizes + leftSizes + rightSizes)
        return (product, batch + left + right)
    }
}

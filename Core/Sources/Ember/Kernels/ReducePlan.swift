/// The layout work shared by every reduction, scan and sort: which dims are reduced, where each
/// output's run of input elements starts, and the stride inside the run.
///
/// Reduced dims are moved innermost; when they do not coalesce into a single strided run the
/// permuted input is copied once, so kernels only ever see 1-D runs `(pointer, count, stride)`.
struct ReducePlan {
    /// Input elements are read from this tensor (the input itself, or a permuted copy).
    let source: Tensor
    /// Element offset (in `source`) of each output's run, in row-major output order.
    let offsets: [Int]
    /// Elements per run (product of the reduced sizes).
    let length: Int
    /// Stride between consecutive run elements.
    let stride: Int
    /// The output shape without `keepDim`.
    let keptShape: [Int]
    /// The output shape honouring `keepDim`.
    let outputShape: [Int]
    /// The reduced dims, normalised and sorted.
    let reducedDims: [Int]

    var outputCount: Int { offsets.count }

    /// `dims == nil` (or empty) reduces every dim, as PyTorch does for `dim=None`.
    init(_ input: Tensor, dims: [Int]?, keepDim: Bool, op: String) {
        let rank = input.dim
        var reduced: [Int]
        if let dims, !dims.isEmpty {
            reduced = dims.map { Shape.normalize($0, rank: rank, op: op) }
            if rank == 0 { reduced = [] }
            var seen = Set<Int>()
            for d in reduced {
                precondition(seen.insert(d).inserted, "\(op): dim \(d) appears multiple times in the list of dims \(dims)")
            }
            reduced.sort()
        } else {
            reduced = Array(0..<rank)
        }
        let kept = (0..<rank).filter { !reduced.contains($0) }
        reducedDims = reduced
        keptShape = kept.map { input.shape[$0] }
        outputShape = keepDim ? (0..<rank).map { reduced.contains($0) ? 1 : input.shape[$0] } : keptShape
        let runLength = reduced.reduce(1) { $0 * input.shape[$1] }
        length = runLength
        let keptSizes = keptShape

        // Coalesce the reduced dims (in order) into one stride when their layout allows it.
        let runDims = reduced.filter { input.shape[$0] != 1 }
        var coalescedStride: Int? = runDims.last.map { input.strides[$0] } ?? 1
        if runDims.count > 1 {
            for i in 0..<(runDims.count - 1) {
                let (outer, inner) = (runDims[i], runDims[i + 1])
                if input.strides[outer] != input.strides[inner] * input.shape[inner] { coalescedStride = nil }
            }
        }
        if let coalescedStride {
            source = input
            stride = coalescedStride
            offsets = rowOffsets(shape: keptSizes, strides: kept.map { input.strides[$0] }, base: input.storageOffset)
        } else {
            let moved = input.permute(kept + reduced).contiguous()
            source = moved
            stride = 1
            offsets = rowOffsets(shape: keptSizes, strides: Shape.contiguousStrides(keptSizes).map { $0 * runLength }, base: 0)
        }
    }
}

/// Storage-relative element offsets of every index of `shape` (row-major), for a tensor with
/// `strides` whose first element is at `base`.
func rowOffsets(shape: [Int], strides: [Int], base: Int) -> [Int] {
    let count = shape.reduce(1, *)
    if count == 0 { return [] }
    var result = [Int](repeating: base, count: count)
    let rank = shape.count
    if rank == 0 { return result }
    var index = [Int](repeating: 0, count: rank)
    var offset = base
    for i in 0..<count {
        result[i] = offset
        var d = rank - 1
        while d >= 0 {
            index[d] += 1
            offset += strides[d]
            if index[d] < shape[d] { break }
            offset -= strides[d] * shape[d]
            index[d] = 0
            d -= 1
        }
    }
    return result
}

/// Offsets of every row along `dim` of a tensor (all other dims iterated row-major), relative
/// to its storage; the row's own stride is `tensor.strides[dim]`.
func rowOffsets(_ tensor: Tensor, excluding dim: Int) -> [Int] {
    var shape = tensor.shape, strides = tensor.strides
    if tensor.dim > 0 {
        shape.remove(at: dim)
        strides.remove(at: dim)
    }
    return rowOffsets(shape: shape, strides: strides, base: tensor.storageOffset)
}

/// A reduction of a 1-D run into an accumulator, with an associative combine for chunks.
protocol RunReducer {
    associatedtype Element
    associatedtype Accumulator
    /// Reduces `count` elements at `pointer` with `stride`; `start` is the index of the first
    /// element within the whole run (for arg-reductions).
    func reduce(_ pointer: UnsafePointer<Element>, count: Int, stride: Int, start: Int) -> Accumulator
    /// Combines the results of two consecutive chunks (`first` comes earlier in the run).
    func combine(_ first: Accumulator, _ second: Accumulator) -> Accumulator
}

/// Elements per thread below which splitting a reduction does not pay.
let reductionGrain = 32_768

extension ReducePlan {
    /// Runs `reducer` over every output's run and hands each result to `write(outputIndex, value)`.
    /// Many outputs are spread over threads; a few long runs are split into chunks that are
    /// reduced in parallel and combined in order.
    func run<R: RunReducer>(_ reducer: R, _ write: (Int, R.Accumulator) -> Void) {
        let base = UnsafePointer(source.storage.data.assumingMemoryBound(to: R.Element.self))
        let (length, stride) = (self.length, self.stride)
        let threads = Threading.numThreads
        if offsets.count >= threads || length < 2 * reductionGrain || threads == 1 {
            offsets.withUnsafeBufferPointer { offsets in
                parallelFor(offsets.count, grain: max(1, reductionGrain / max(length, 1))) { range in
                    for o in range {
                        write(o, reducer.reduce(base + offsets[o], count: length, stride: stride, start: 0))
                    }
                }
            }
            return
        }
        let chunks = min(threads * 4, length / reductionGrain)
        let perChunk = (length + chunks - 1) / chunks
        for (o, offset) in offsets.enumerated() {
            var partials = [R.Accumulator?](repeating: nil, count: chunks)
            partials.withUnsafeMutableBufferPointer { partials in
                let slots = partials.baseAddress!
                parallelFor(chunks, grain: 1) { range in
                    for c in range {
                        let start = c * perChunk
                        let n = min(perChunk, length - start)
                        slots[c] = reducer.reduce(base + offset + start * stride, count: n, stride: stride, start: start)
                    }
                }
            }
            var total = partials[0]!
            for c in 1..<chunks { total = reducer.combine(total, partials[c]!) }
            write(o, total)
        }
    }
}

/// The one iterator behind every elementwise op and reduction (PyTorch's TensorIterator idea).
///
/// Operands are described by element strides over a common shape. The loop orders dimensions
/// by the first operand's strides, drops size-1 dimensions and merges dimensions that are
/// contiguous in every operand, then hands kernels 1-D runs: a pointer offset per operand,
/// the run's length and each operand's stride inside the run.
struct StridedLoop {
    /// Coalesced shape; the last dimension is the innermost run.
    private(set) var shape: [Int]
    /// `strides[operand][dim]`, in elements.
    private(set) var strides: [[Int]]
    let count: Int

    init(shape: [Int], strides operandStrides: [[Int]]) {
        count = shape.reduce(1, *)
        let operands = operandStrides.count
        // Keep dims of size > 1, ordered so the first operand's strides decrease (row-major
        // for new outputs, the input's own order for permuted outputs).
        var dims = shape.indices.filter { shape[$0] != 1 }
        if let first = operandStrides.first {
            dims.sort { first[$0] > first[$1] || (first[$0] == first[$1] && $0 < $1) }
        }
        var mergedShape: [Int] = []
        var mergedStrides = [[Int]](repeating: [], count: operands)
        for d in dims {
            if !mergedShape.isEmpty,
                (0..<operands).allSatisfy({ mergedStrides[$0].last! == operandStrides[$0][d] * shape[d] })
            {
                mergedShape[mergedShape.count - 1] *= shape[d]
                for op in 0..<operands { mergedStrides[op][mergedStrides[op].count - 1] = operandStrides[op][d] }
            } else {
                mergedShape.append(shape[d])
                for op in 0..<operands { mergedStrides[op].append(operandStrides[op][d]) }
            }
        }
        if mergedShape.isEmpty {
            mergedShape = [1]
            mergedStrides = [[Int]](repeating: [0], count: operands)
        }
        self.shape = mergedShape
        self.strides = mergedStrides
    }

    var innerStrides: [Int] { strides.map { $0[$0.count - 1] } }

    /// Calls `body(offsets, length)` for each 1-D run; `offsets[k]` is operand k's element
    /// offset of the run's first element. Runs are spread over threads when the loop holds
    /// at least `grain` elements. Runs come in memory order of the first operand unless
    /// `anyOrder` allows cache tiling (for kernels whose result does not depend on order).
    func forEachRun(
        grain: Int = elementwiseGrain, anyOrder: Bool = false, _ body: (UnsafePointer<Int>, Int) -> Void
    ) {
        if count == 0 { return }
        let operands = strides.count
        let rank = shape.count
        let inner = shape[rank - 1]
        let innerStrides = self.innerStrides
        let rows = count / inner
        if rows == 1 {
            parallelFor(inner, grain: grain) { range in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: operands) { offsets in
                    for op in 0..<operands { offsets[op] = range.lowerBound * innerStrides[op] }
                    body(UnsafePointer(offsets.baseAddress!), range.count)
                }
            }
            return
        }
        if anyOrder && needsTiling {
            forEachTiledRun(grain: grain, body)
            return
        }
        let rowGrain = max(1, grain / max(inner, 1))
        parallelFor(rows, grain: rowGrain) { rowRange in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: operands + rank) { scratch in
                let offsets = scratch.baseAddress!
                let index = scratch.baseAddress! + operands  // multi-index over the outer dims
                // Decompose the first row into the outer multi-index.
                var rest = rowRange.lowerBound
                for d in stride(from: rank - 2, through: 0, by: -1) {
                    index[d] = rest % shape[d]
                    rest /= shape[d]
                }
                for op in 0..<operands {
                    var offset = 0
                    for d in 0..<(rank - 1) { offset += index[d] * strides[op][d] }
                    offsets[op] = offset
                }
                for _ in rowRange {
                    body(UnsafePointer(offsets), inner)
                    // Advance the outer multi-index like an odometer.
                    var d = rank - 2
                    while d >= 0 {
                        index[d] += 1
                        for op in 0..<operands { offsets[op] += strides[op][d] }
                        if index[d] < shape[d] { break }
                        for op in 0..<operands { offsets[op] -= strides[op][d] * shape[d] }
                        index[d] = 0
                        d -= 1
                    }
                }
            }
        }
    }

    /// Tiles used when operands disagree on which dim is contiguous: 16 rows (one 64-byte line
    /// of float32 for an operand contiguous across rows) by 256 columns (long runs, so the
    /// per-run cost is spread).
    static let tileRows = 16
    static let tileColumns = 256

    /// True when some operand walks the innermost dim with a stride other than 0 or 1 while
    /// the loop is at least 2-D (a transposed input added to a contiguous one): row-by-row
    /// traversal would then touch a new cache line for every element of that operand.
    var needsTiling: Bool {
        shape.count >= 2 && shape[shape.count - 1] > Self.tileRows && shape[shape.count - 2] > Self.tileRows
            && strides.contains { abs($0[$0.count - 1]) > 1 }
    }

    /// Each operand's stride between the rows of a tile (the second-innermost dim); for loops of
    /// two or more dims.
    var rowStrides: [Int] { strides.map { $0[$0.count - 2] } }

    private func forEachTiledRun(grain: Int, _ body: (UnsafePointer<Int>, Int) -> Void) {
        let operands = strides.count
        let rowStrides = self.rowStrides
        forEachTile(grain: grain) { origin, rows, columns, _ in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: operands) { offsets in
                for row in 0..<rows {
                    for op in 0..<operands { offsets[op] = origin[op] + row * rowStrides[op] }
                    body(UnsafePointer(offsets.baseAddress!), columns)
                }
            }
        }
    }

    /// Whether kernels that copy strided inputs into row-major scratch (`TileInput`) should
    /// run tile by tile: a 2-D or deeper loop whose innermost run is long enough to vectorise.
    /// The caller checks that some input walks that run with a stride other than 0 or 1.
    var canStage: Bool { shape.count >= 2 && shape[shape.count - 1] > Self.tileRows }

    /// The tile of staged loops: 64 rows by 256 columns when both dims allow. A transposed
    /// input is read in 64-element column runs (256 bytes of float32, the run length whose
    /// lines the prefetches keep in flight; longer runs need more rows, and so more row
    /// streams for the other operands); the other operands read 256-element row runs, long
    /// enough for the hardware prefetcher to follow each. With fewer rows (3 channels of an
    /// interleaved image) the tile widens, so that it still holds about 16K elements.
    var stagedTile: (rows: Int, columns: Int) {
        let rows = Swift.min(64, shape[shape.count - 2])
        return (rows, Swift.max(256, 16384 / Swift.max(rows, 1)))
    }

    /// Visits the last two dims in `tile.rows`×`tile.columns` blocks, so that every operand's
    /// block stays in cache whichever of the two dims it is contiguous in. `body(origin, rows,
    /// columns, scratch)` gets each operand's element offset of the tile's first element (rows
    /// step by `rowStrides`, columns by `innerStrides`) and `scratchBytes` of memory owned by
    /// the calling thread. Tiles are spread over threads.
    func forEachTile(
        grain: Int = elementwiseGrain, tile: (rows: Int, columns: Int) = (tileRows, tileColumns), scratchBytes: Int = 0,
        _ body: (UnsafePointer<Int>, Int, Int, UnsafeMutableRawPointer) -> Void
    ) {
        let operands = strides.count
        let rank = shape.count
        let (rowsPerPlane, columns) = (shape[rank - 2], shape[rank - 1])
        let (tile, tileWidth) = (tile.rows, tile.columns)
        let tileRows = (rowsPerPlane + tile - 1) / tile
        let tileColumns = (columns + tileWidth - 1) / tileWidth
        let planes = count / (rowsPerPlane * columns)
        let units = planes * tileRows * tileColumns
        parallelFor(units, grain: max(1, grain / (tile * tileWidth))) { unitRange in
            let scratch = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(scratchBytes, 1), alignment: 64)
            defer { scratch.deallocate() }
            withUnsafeTemporaryAllocation(of: Int.self, capacity: operands) { origin in
                let origin = origin.baseAddress!
                for unit in unitRange {
                    let (band, tileColumn) = unit.quotientAndRemainder(dividingBy: tileColumns)
                    let (plane, tileRow) = band.quotientAndRemainder(dividingBy: tileRows)
                    let firstRow = tileRow * tile, rows = Swift.min(tile, rowsPerPlane - firstRow)
                    let column = tileColumn * tileWidth, width = Swift.min(tileWidth, columns - column)
                    // Element offset of the tile's first element, per operand: its place in the
                    // plane, then the plane's own offset.
                    for op in 0..<operands { origin[op] = firstRow * strides[op][rank - 2] + column * strides[op][rank - 1] }
                    var rest = plane
                    for d in Swift.stride(from: rank - 3, through: 0, by: -1) {
                        let i = rest % shape[d]
                        rest /= shape[d]
                        for op in 0..<operands { origin[op] += i * strides[op][d] }
                    }
                    body(UnsafePointer(origin), rows, width, scratch)
                }
            }
        }
    }
}

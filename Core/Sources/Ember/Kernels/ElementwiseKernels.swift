import CEmberKernels

/// Generic elementwise kernels over `StridedLoop` runs. Ops call these with a closure on
/// elements; the closure is inlined into each specialisation, and contiguous runs become
/// plain loops over pointers that the compiler vectorises.
enum Elementwise {
    /// Allocates the output of an elementwise op: the layout of `like` when it is a dense
    /// permutation (so transposed inputs give transposed outputs, as in PyTorch), else row-major.
    static func makeOutput(shape: [Int], dtype: DType, like inputs: [Tensor]) -> Tensor {
        if let first = inputs.first, first.shape == shape, !first.isContiguous,
            let strides = denseStrides(shape: first.shape, strides: first.strides)
        {
            let storage = Storage(byteCount: shape.reduce(1, *) * dtype.itemSize)
            return Tensor(storage: storage, dtype: dtype, shape: shape, strides: strides, offset: 0)
        }
        return Tensor(empty: shape, dtype: dtype)
    }

    /// Contiguous strides in the memory order of `strides` when the layout is a permutation
    /// of a dense tensor; nil for overlapping or gapped layouts.
    static func denseStrides(shape: [Int], strides: [Int]) -> [Int]? {
        let order = shape.indices.sorted { strides[$0] > strides[$1] || (strides[$0] == strides[$1] && $0 < $1) }
        var result = [Int](repeating: 0, count: shape.count)
        var expected = 1
        for d in order.reversed() {
            if shape[d] != 1 && strides[d] != expected { return nil }
            result[d] = expected
            expected *= shape[d]
        }
        return result
    }

    // The per-element function is a type, not a closure value: a closure captured by the
    // run body that crosses the thread pool stays an indirect call per element (measured 16×
    // slower than the inlined loop), while a generic function type is specialised into the
    // body, inlined and vectorised. Closure-taking overloads below wrap their closure for the
    // call sites that are not hot.

    // Mixed layouts (a transposed input beside a contiguous output) run tile by tile, and an
    // input that walks the tile's columns with a stride is first copied into a row-major
    // scratch tile in its own memory order: each of its cache lines is then read once, where
    // reading it row by row re-fetches lines that power-of-two strides evict from the
    // cache's few sets. The rows then run the contiguous, vectorised loop.

    @inline(__always)
    static func map<F: ElementFunction1>(_ a: Tensor, into out: Tensor, _ f: F) {
        let pa = a.pointer(as: F.A.self), po = out.pointer(as: F.R.self)
        let loop = StridedLoop(
            shape: out.shape,
            strides: [out.strides, Shape.broadcastStrides(shape: a.shape, strides: a.strides, to: out.shape)])
        let s = loop.innerStrides
        let (so, sa) = (s[0], s[1])
        @inline(__always) func run(_ o: UnsafeMutablePointer<F.R>, _ so: Int, _ x: UnsafePointer<F.A>, _ sa: Int, _ n: Int) {
            if so == 1 && sa == 1 {
                for i in 0..<n { o[i] = f(x[i]) }
            } else {
                for i in 0..<n { o[i * so] = f(x[i * sa]) }
            }
        }
        if loop.canStage && TileInput<F.A>.stages(sa) {
            let (r, tile) = (loop.rowStrides, loop.stagedTile)
            let streams = TileOutput<F.R>.streams(out, columnStride: so)
            let offsetO = TileInput<F.A>.scratchBytes(tile)
            loop.forEachTile(tile: tile, scratchBytes: offsetO + TileOutput<F.R>.scratchBytes(tile, streams: streams)) {
                origin, rows, columns, buffer in
                let x = TileInput(pa + origin[1], rowStride: r[1], columnStride: sa, rows: rows, columns: columns, scratch: buffer)
                let o = TileOutput(po + origin[0], rowStride: r[0], columnStride: so, columns: columns, streams: streams, scratch: buffer + offsetO)
                for row in 0..<rows {
                    run(o.row(row), o.stride, x.row(row), x.stride, columns)
                    o.finish(row)
                }
                o.finishTile()
            }
            return
        }
        loop.forEachRun(anyOrder: true) { offsets, n in run(po + offsets[0], so, pa + offsets[1], sa, n) }
    }

    @inline(__always)
    static func map<F: ElementFunction2>(_ a: Tensor, _ b: Tensor, into out: Tensor, _ f: F) {
        let pa = a.pointer(as: F.A.self), pb = b.pointer(as: F.B.self), po = out.pointer(as: F.R.self)
        let loop = StridedLoop(
            shape: out.shape,
            strides: [
                out.strides,
                Shape.broadcastStrides(shape: a.shape, strides: a.strides, to: out.shape),
                Shape.broadcastStrides(shape: b.shape, strides: b.strides, to: out.shape),
            ])
        let s = loop.innerStrides
        let (so, sa, sb) = (s[0], s[1], s[2])
        @inline(__always) func run(
            _ o: UnsafeMutablePointer<F.R>, _ so: Int, _ x: UnsafePointer<F.A>, _ sa: Int, _ y: UnsafePointer<F.B>, _ sb: Int,
            _ n: Int
        ) {
            if so == 1 && sa == 1 && sb == 1 {
                for i in 0..<n { o[i] = f(x[i], y[i]) }
            } else if so == 1 && sa == 1 && sb == 0 {
                let c = y[0]
                for i in 0..<n { o[i] = f(x[i], c) }
            } else if so == 1 && sa == 0 && sb == 1 {
                let c = x[0]
                for i in 0..<n { o[i] = f(c, y[i]) }
            } else {
                for i in 0..<n { o[i * so] = f(x[i * sa], y[i * sb]) }
            }
        }
        if loop.canStage && (TileInput<F.A>.stages(sa) || TileInput<F.B>.stages(sb)) {
            let (r, tile) = (loop.rowStrides, loop.stagedTile)
            let streams = TileOutput<F.R>.streams(out, columnStride: so)
            let offsetB = TileInput<F.A>.scratchBytes(tile), offsetO = offsetB + TileInput<F.B>.scratchBytes(tile)
            loop.forEachTile(tile: tile, scratchBytes: offsetO + TileOutput<F.R>.scratchBytes(tile, streams: streams)) {
                origin, rows, columns, buffer in
                let x = TileInput(pa + origin[1], rowStride: r[1], columnStride: sa, rows: rows, columns: columns, scratch: buffer)
                let y = TileInput(
                    pb + origin[2], rowStride: r[2], columnStride: sb, rows: rows, columns: columns, scratch: buffer + offsetB)
                let o = TileOutput(po + origin[0], rowStride: r[0], columnStride: so, columns: columns, streams: streams, scratch: buffer + offsetO)
                for row in 0..<rows {
                    if streams { x.prefetch(row: row + 1, of: rows); y.prefetch(row: row + 1, of: rows) }
                    run(o.row(row), o.stride, x.row(row), x.stride, y.row(row), y.stride, columns)
                    o.finish(row)
                }
                o.finishTile()
            }
            return
        }
        loop.forEachRun(anyOrder: true) { offsets, n in
            run(po + offsets[0], so, pa + offsets[1], sa, pb + offsets[2], sb, n)
        }
    }

    @inline(__always)
    static func map<F: ElementFunction3>(_ a: Tensor, _ b: Tensor, _ c: Tensor, into out: Tensor, _ f: F) {
        let pa = a.pointer(as: F.A.self), pb = b.pointer(as: F.B.self), pc = c.pointer(as: F.C.self)
        let po = out.pointer(as: F.R.self)
        let loop = StridedLoop(
            shape: out.shape,
            strides: [
                out.strides,
                Shape.broadcastStrides(shape: a.shape, strides: a.strides, to: out.shape),
                Shape.broadcastStrides(shape: b.shape, strides: b.strides, to: out.shape),
                Shape.broadcastStrides(shape: c.shape, strides: c.strides, to: out.shape),
            ])
        let s = loop.innerStrides
        let (so, sa, sb, sc) = (s[0], s[1], s[2], s[3])
        @inline(__always) func run(
            _ o: UnsafeMutablePointer<F.R>, _ so: Int, _ x: UnsafePointer<F.A>, _ sa: Int, _ y: UnsafePointer<F.B>, _ sb: Int,
            _ z: UnsafePointer<F.C>, _ sc: Int, _ n: Int
        ) {
            if so == 1 && sa == 1 && sb == 1 && sc == 1 {
                for i in 0..<n { o[i] = f(x[i], y[i], z[i]) }
            } else {
                for i in 0..<n { o[i * so] = f(x[i * sa], y[i * sb], z[i * sc]) }
            }
        }
        if loop.canStage && (TileInput<F.A>.stages(sa) || TileInput<F.B>.stages(sb) || TileInput<F.C>.stages(sc)) {
            let (r, tile) = (loop.rowStrides, loop.stagedTile)
            let streams = TileOutput<F.R>.streams(out, columnStride: so)
            let offsetB = TileInput<F.A>.scratchBytes(tile), offsetC = offsetB + TileInput<F.B>.scratchBytes(tile)
            let offsetO = offsetC + TileInput<F.C>.scratchBytes(tile)
            loop.forEachTile(tile: tile, scratchBytes: offsetO + TileOutput<F.R>.scratchBytes(tile, streams: streams)) {
                origin, rows, columns, buffer in
                let x = TileInput(pa + origin[1], rowStride: r[1], columnStride: sa, rows: rows, columns: columns, scratch: buffer)
                let y = TileInput(
                    pb + origin[2], rowStride: r[2], columnStride: sb, rows: rows, columns: columns, scratch: buffer + offsetB)
                let z = TileInput(
                    pc + origin[3], rowStride: r[3], columnStride: sc, rows: rows, columns: columns, scratch: buffer + offsetC)
                let o = TileOutput(po + origin[0], rowStride: r[0], columnStride: so, columns: columns, streams: streams, scratch: buffer + offsetO)
                for row in 0..<rows {
                    if streams {
                        x.prefetch(row: row + 1, of: rows)
                        y.prefetch(row: row + 1, of: rows)
                        z.prefetch(row: row + 1, of: rows)
                    }
                    run(o.row(row), o.stride, x.row(row), x.stride, y.row(row), y.stride, z.row(row), z.stride, columns)
                    o.finish(row)
                }
                o.finishTile()
            }
            return
        }
        loop.forEachRun(anyOrder: true) { offsets, n in
            run(po + offsets[0], so, pa + offsets[1], sa, pb + offsets[2], sb, pc + offsets[3], sc, n)
        }
    }

    @inline(__always)
    static func map<A: TensorElement, R: TensorElement>(_ a: Tensor, into out: Tensor, _ f: (A) -> R) {
        withoutActuallyEscaping(f) { map(a, into: out, ClosureFunction1(body: $0)) }
    }

    @inline(__always)
    static func map<A: TensorElement, B: TensorElement, R: TensorElement>(
        _ a: Tensor, _ b: Tensor, into out: Tensor, _ f: (A, B) -> R
    ) {
        withoutActuallyEscaping(f) { map(a, b, into: out, ClosureFunction2(body: $0)) }
    }

    @inline(__always)
    static func map<A: TensorElement, B: TensorElement, C: TensorElement, R: TensorElement>(
        _ a: Tensor, _ b: Tensor, _ c: Tensor, into out: Tensor, _ f: (A, B, C) -> R
    ) {
        withoutActuallyEscaping(f) { map(a, b, c, into: out, ClosureFunction3(body: $0)) }
    }
}

/// A function of one element, as a type (see `Elementwise.map`).
protocol ElementFunction1 {
    associatedtype A: TensorElement
    associatedtype R: TensorElement
    func callAsFunction(_ a: A) -> R
}

/// A function of two elements, as a type.
protocol ElementFunction2 {
    associatedtype A: TensorElement
    associatedtype B: TensorElement
    associatedtype R: TensorElement
    func callAsFunction(_ a: A, _ b: B) -> R
}

/// A function of three elements, as a type.
protocol ElementFunction3 {
    associatedtype A: TensorElement
    associatedtype B: TensorElement
    associatedtype C: TensorElement
    associatedtype R: TensorElement
    func callAsFunction(_ a: A, _ b: B, _ c: C) -> R
}

struct ClosureFunction1<A: TensorElement, R: TensorElement>: ElementFunction1 {
    let body: (A) -> R
    @inline(__always) func callAsFunction(_ a: A) -> R { body(a) }
}

struct ClosureFunction2<A: TensorElement, B: TensorElement, R: TensorElement>: ElementFunction2 {
    let body: (A, B) -> R
    @inline(__always) func callAsFunction(_ a: A, _ b: B) -> R { body(a, b) }
}

struct ClosureFunction3<A: TensorElement, B: TensorElement, C: TensorElement, R: TensorElement>: ElementFunction3 {
    let body: (A, B, C) -> R
    @inline(__always) func callAsFunction(_ a: A, _ b: B, _ c: C) -> R { body(a, b, c) }
}

/// One input operand of a `StridedLoop` tile, read in place when it walks the tile's columns
/// with stride 0 or 1, otherwise from a row-major copy in the thread's scratch, made in the
/// operand's memory order (`ember_stage_tile`, which moves elements as bytes of their size:
/// every element type is a plain value of 1, 2, 4, 8 or 16 bytes).
struct TileInput<T: TensorElement> {
    private let base: UnsafePointer<T>
    private let rowStride: Int
    private let copy: UnsafeMutablePointer<T>?
    private let copyRowStride: Int
    private let columns: Int
    /// The stride along a row as the kernel reads it.
    let stride: Int

    /// Whether an operand with this column stride is copied.
    @inline(__always) static func stages(_ columnStride: Int) -> Bool { columnStride != 0 && columnStride != 1 }

    /// Elements between the copy's rows: one cache line more than a row needs, because rows a
    /// power of two apart share the cache's sets, and the copy writes several rows at once.
    @inline(__always) static func copyRowStride(columns: Int) -> Int { columns + 64 / MemoryLayout<T>.stride }

    /// Scratch bytes one operand's copy of a tile needs (64-byte multiples, so copies stay aligned).
    static func scratchBytes(_ tile: (rows: Int, columns: Int)) -> Int {
        (tile.rows * copyRowStride(columns: tile.columns) * MemoryLayout<T>.stride + 63) / 64 * 64
    }

    @inline(__always)
    init(
        _ base: UnsafeMutablePointer<T>, rowStride: Int, columnStride: Int, rows: Int, columns: Int,
        scratch: UnsafeMutableRawPointer
    ) {
        self.base = UnsafePointer(base)
        self.rowStride = rowStride
        self.columns = columns
        copyRowStride = Self.copyRowStride(columns: columns)
        guard Self.stages(columnStride) else {
            copy = nil
            stride = columnStride
            return
        }
        precondition([1, 2, 4, 8, 16].contains(MemoryLayout<T>.stride), "internal: tile staging of \(T.self)")
        let copy = scratch.assumingMemoryBound(to: T.self)
        ember_stage_tile(
            base, copy, Int64(MemoryLayout<T>.stride), Int64(rows), Int64(columns), Int64(rowStride), Int64(columnStride),
            Int64(copyRowStride))
        self.copy = copy
        stride = 1
    }

    /// The first element of tile row `row`.
    @inline(__always) func row(_ row: Int) -> UnsafePointer<T> {
        if let copy { return UnsafePointer(copy + row * copyRowStride) }
        return base + row * rowStride
    }

    /// Starts loading row `row` (of `rows`) when it is read in place and contiguous: each row
    /// of a tile is a short run of its own, too short for the hardware prefetcher to catch up.
    @inline(__always) func prefetch(row: Int, of rows: Int) {
        guard copy == nil, stride == 1, row < rows else { return }
        ember_prefetch_range(base + row * rowStride, Int64(columns * MemoryLayout<T>.stride))
    }
}

/// Bytes from which an elementwise result counts as too large to stay in cache, so that its
/// stores bypass it (`TileOutput`, the contiguous float32 kernels).
let streamingStoreBytes = 8 << 20

/// The output of a `StridedLoop` tile. A result too large for the cache is written row by row
/// into a buffer in the thread's scratch, and each row then goes to memory through
/// non-temporal stores (`ember_stream_copy`): ordinary stores would first read every
/// destination line, a quarter of a binary op's traffic, and evict the tile's inputs.
struct TileOutput<T: TensorElement> {
    private let base: UnsafeMutablePointer<T>
    private let rowStride: Int
    private let buffer: UnsafeMutablePointer<T>?
    private let columns: Int
    /// The stride along a row as the kernel writes it.
    let stride: Int

    /// Whether `out`, written along tile rows with `columnStride`, takes the buffered path.
    static func streams(_ out: Tensor, columnStride: Int) -> Bool {
        columnStride == 1 && out.count * MemoryLayout<T>.stride >= streamingStoreBytes
    }

    /// Scratch bytes the row buffer needs.
    static func scratchBytes(_ tile: (rows: Int, columns: Int), streams: Bool) -> Int {
        streams ? (tile.columns * MemoryLayout<T>.stride + 63) / 64 * 64 : 0
    }

    @inline(__always)
    init(
        _ base: UnsafeMutablePointer<T>, rowStride: Int, columnStride: Int, columns: Int, streams: Bool,
        scratch: UnsafeMutableRawPointer
    ) {
        self.base = base
        self.rowStride = rowStride
        self.columns = columns
        buffer = streams ? scratch.assumingMemoryBound(to: T.self) : nil
        stride = streams ? 1 : columnStride
    }

    /// Where the kernel writes tile row `row`.
    @inline(__always) func row(_ row: Int) -> UnsafeMutablePointer<T> { buffer ?? base + row * rowStride }

    /// Moves a buffered row to the result.
    @inline(__always) func finish(_ row: Int) {
        guard let buffer else { return }
        ember_stream_copy(base + row * rowStride, buffer, Int64(columns * MemoryLayout<T>.stride))
    }

    /// Orders the tile's streamed stores before whatever the thread stores next.
    @inline(__always) func finishTile() {
        if buffer != nil { ember_stream_fence() }
    }
}

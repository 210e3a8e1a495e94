import CEmberKernels

/// The three products of a convolution — output, input gradient, weight gradient — as im2col
/// (or col2im) over cache-sized tiles of output positions plus single-threaded BLAS calls, run
/// on Ember's pool.
///
/// Tensors here are contiguous float32/float64 buffers in the geometry's shapes; autograd lives
/// in `NN/Functional/Convolution.swift`. Every output element is computed by the same sequence
/// of calls whatever the thread count, so results do not depend on it.
enum ConvKernels {
    /// Elements of a column tile: 128 K floats (512 KB) stay in a core's L2 between the
    /// expansion that writes them and the product that reads them.
    static let tileElements = 1 << 17

    /// Columns per tile for `rows` rows of the column matrix and `columns` positions.
    static func tileColumns(rows: Int, columns: Int) -> Int {
        let wanted = Swift.max(64, tileElements / Swift.max(rows, 1))
        return Swift.max(1, Swift.min(columns, wanted))
    }

    /// Tasks whose products together are below this many multiply-adds run inline.
    static let parallelWork = 1 << 16

    // MARK: Forward

    /// `out = conv(x, w) + bias` for contiguous `x` (input shape), `w` (weight shape) and
    /// `bias` ([outChannels]).
    static func forward<T: FloatElement>(_ x: Tensor, _ w: Tensor, _ bias: Tensor?, _ g: ConvGeometry, _: T.Type) -> Tensor {
        if T.self == Float.self && winogradApplies(g, .float32) { return winogradForward(x, w, bias, g) }
        let out = Tensor(empty: g.outputShape, dtype: T.dtype)
        let (n, groups, L, K, M) = (g.batch, g.groups, g.outPlane, g.colRows, g.outPerGroup)
        if out.count == 0 { return out }
        let pb = bias.map { UInt(bitPattern: $0.pointer(as: T.self)) }
        if K == 0 {
            // No input channels: the sum is empty.
            let po = out.pointer(as: T.self)
            for i in 0..<out.count { po[i] = 0 }
            if let pb { addBias(po, UnsafePointer(bitPattern: pb)!, g) }
            return out
        }
        // At least 8 tasks so that threads get work even for one sample. The split depends on
        // the shape only: BLAS's small-matrix kernels add in a different order than its large
        // ones, so tiles that followed the thread count would change the results with it.
        var tile = tileColumns(rows: K, columns: L)
        let minTasks = 8
        if n * groups * ((L + tile - 1) / tile) < minTasks {
            let perSample = (minTasks + n * groups - 1) / (n * groups)
            tile = Swift.min(L, Swift.max(32, (L + perSample - 1) / perSample))
        }
        let tiles = (L + tile - 1) / tile
        let pointwise = g.isPointwise
        let (px, pw, po) = (UInt(bitPattern: x.pointer(as: T.self)), UInt(bitPattern: w.pointer(as: T.self)), UInt(bitPattern: out.pointer(as: T.self)))
        let (inPlane, cg) = (g.inPlane, g.inPerGroup)
        let grain = Swift.max(1, parallelWork / Swift.max(M * K * tile, 1))
        parallelFor(n * groups * tiles, grain: grain) { range in
            let buffer = pointwise ? nil : Tensor(empty: [K * tile], dtype: T.dtype)
            let cols = buffer?.pointer(as: T.self)
            let x = UnsafeMutablePointer<T>(bitPattern: px)!, w = UnsafeMutablePointer<T>(bitPattern: pw)!
            let out = UnsafeMutablePointer<T>(bitPattern: po)!
            for task in range {
                let (sampleGroup, t) = task.quotientAndRemainder(dividingBy: tiles)
                let (s, gi) = sampleGroup.quotientAndRemainder(dividingBy: groups)
                let p0 = t * tile, pn = Swift.min(tile, L - p0)
                let image = x + (s * g.inChannels + gi * cg) * inPlane
                let b: UnsafePointer<T>, ldb: Int
                if let cols {
                    Im2Col.expand(image, channels: cg, g, p0: p0, pn: pn, into: cols, ldc: pn)
                    (b, ldb) = (UnsafePointer(cols), pn)
                } else {
                    (b, ldb) = (UnsafePointer(image + p0), L)
                }
                let c = out + (s * g.outChannels + gi * M) * L + p0
                gemm(false, false, M, pn, K, w + gi * M * K, K, b, ldb, 0, c, L)
                if let pb {
                    let bias = UnsafePointer<T>(bitPattern: pb)! + gi * M
                    for m in 0..<M {
                        let row = c + m * L, value = bias[m]
                        for j in 0..<pn { row[j] += value }
                    }
                }
            }
            withExtendedLifetime(buffer) {}
        }
        return out
    }

    private static func addBias<T: FloatElement>(_ out: UnsafeMutablePointer<T>, _ bias: UnsafePointer<T>, _ g: ConvGeometry) {
        let L = g.outPlane
        for s in 0..<g.batch {
            for c in 0..<g.outChannels {
                let row = out + (s * g.outChannels + c) * L
                for j in 0..<L { row[j] += bias[c] }
            }
        }
    }

    // MARK: Input gradient (transposed convolution)

    /// `∂⟨conv(x, w), grad⟩/∂x`: for each tile, columns `wᵀ·grad` added back into the image
    /// (col2im). `grad` has the output shape; the result has the input shape.
    static func inputGradient<T: FloatElement>(_ grad: Tensor, _ w: Tensor, _ g: ConvGeometry, _: T.Type) -> Tensor {
        let result = Tensor.zeros(g.inputShape, dtype: T.dtype)
        let (n, groups, L, K, M) = (g.batch, g.groups, g.outPlane, g.colRows, g.outPerGroup)
        if result.count == 0 || L == 0 || M == 0 { return result }
        let (pg, pw, pr) = (UInt(bitPattern: grad.pointer(as: T.self)), UInt(bitPattern: w.pointer(as: T.self)), UInt(bitPattern: result.pointer(as: T.self)))
        let (inPlane, cg) = (g.inPlane, g.inPerGroup)
        let tile = tileColumns(rows: K, columns: L)
        let tiles = (L + tile - 1) / tile
        let pointwise = g.isPointwise

        // Columns of tile t of (sample s, group gi) into `cols` (leading dimension pn).
        @inline(__always) func columns(_ s: Int, _ gi: Int, _ p0: Int, _ pn: Int, _ cols: UnsafeMutablePointer<T>, ldc: Int) {
            let grad = UnsafeMutablePointer<T>(bitPattern: pg)! + (s * g.outChannels + gi * M) * L + p0
            let w = UnsafeMutablePointer<T>(bitPattern: pw)! + gi * M * K
            gemm(true, false, K, pn, M, w, K, grad, L, 0, cols, ldc)
        }
        @inline(__always) func image(_ s: Int, _ gi: Int) -> UnsafeMutablePointer<T> {
            UnsafeMutablePointer<T>(bitPattern: pr)! + (s * g.inChannels + gi * cg) * inPlane
        }

        if pointwise {
            // The columns are the image: one product per (sample, group), written in place.
            let grain = Swift.max(1, parallelWork / Swift.max(M * K * L, 1))
            parallelFor(n * groups * tiles, grain: grain) { range in
                for task in range {
                    let (sg, t) = task.quotientAndRemainder(dividingBy: tiles)
                    let (s, gi) = sg.quotientAndRemainder(dividingBy: groups)
                    let p0 = t * tile
                    columns(s, gi, p0, Swift.min(tile, L - p0), image(s, gi) + p0, ldc: L)
                }
            }
            return result
        }

        if n * groups >= 2 * Threading.numThreads {
            // Many images: one task per (sample, group), tiles in order inside it.
            let grain = Swift.max(1, parallelWork / Swift.max(M * K * L, 1))
            parallelFor(n * groups, grain: grain) { range in
                let buffer = Tensor(empty: [K * tile], dtype: T.dtype)
                let cols = buffer.pointer(as: T.self)
                for task in range {
                    let (s, gi) = task.quotientAndRemainder(dividingBy: groups)
                    for t in 0..<tiles {
                        let p0 = t * tile, pn = Swift.min(tile, L - p0)
                        columns(s, gi, p0, pn, cols, ldc: pn)
                        Im2Col.accumulate(cols, ldc: pn, channels: cg, g, p0: p0, pn: pn, into: image(s, gi))
                    }
                }
            }
            return result
        }

        // Few images: waves of tiles whose products run in parallel, then col2im of the wave
        // in parallel over channels (each channel's rows only touch that channel). Each input
        // element receives its terms in the same order as above.
        let wave = Swift.max(1, 2 * Threading.numThreads)
        let buffer = Tensor(empty: [wave * K * tile], dtype: T.dtype)
        let pcols = UInt(bitPattern: buffer.pointer(as: T.self))
        let kk = g.kernelCount
        for s in 0..<n {
            for gi in 0..<groups {
                var t0 = 0
                while t0 < tiles {
                    let count = Swift.min(wave, tiles - t0)
                    let productGrain = Swift.max(1, parallelWork / Swift.max(M * K * tile, 1))
                    parallelFor(count, grain: productGrain) { range in
                        for i in range {
                            let p0 = (t0 + i) * tile
                            let cols = UnsafeMutablePointer<T>(bitPattern: pcols)! + i * K * tile
                            columns(s, gi, p0, Swift.min(tile, L - p0), cols, ldc: Swift.min(tile, L - p0))
                        }
                    }
                    let scatterGrain = Swift.max(1, parallelWork / Swift.max(kk * tile * count, 1))
                    parallelFor(cg, grain: scatterGrain) { channels in
                        for i in 0..<count {
                            let p0 = (t0 + i) * tile, pn = Swift.min(tile, L - p0)
                            let cols = UnsafeMutablePointer<T>(bitPattern: pcols)! + i * K * tile + channels.lowerBound * kk * pn
                            Im2Col.accumulate(
                                cols, ldc: pn, channels: channels.count, g, p0: p0, pn: pn,
                                into: image(s, gi) + channels.lowerBound * inPlane)
                        }
                    }
                    t0 += count
                }
            }
        }
        withExtendedLifetime(buffer) {}
        return result
    }

    // MARK: Weight gradient

    /// `∂⟨conv(x, w), grad⟩/∂w = Σ_samples grad · colsᵀ`. Samples are split into a fixed number
    /// of parts (by shape only) that accumulate into their own buffers, summed in order at the
    /// end; with one part, the columns are split by channel blocks instead.
    static func weightGradient<T: FloatElement>(_ x: Tensor, _ grad: Tensor, _ g: ConvGeometry, _: T.Type) -> Tensor {
        let (n, groups, L, K, M) = (g.batch, g.groups, g.outPlane, g.colRows, g.outPerGroup)
        let weightCount = g.outChannels * K
        if weightCount == 0 { return Tensor.zeros(g.weightShape, dtype: T.dtype) }
        if n == 0 || L == 0 { return Tensor.zeros(g.weightShape, dtype: T.dtype) }
        let weightBytes = weightCount * MemoryLayout<T>.stride
        let parts = Swift.min(n, 16, Swift.max(1, (32 << 20) / weightBytes))
        let cg = g.inPerGroup, kk = g.kernelCount
        let blocks = parts == 1 ? Swift.min(cg, 8) : 1
        let partial = Tensor(empty: parts == 1 ? g.weightShape : [parts, weightCount], dtype: T.dtype)
        let (px, pg, pp) = (UInt(bitPattern: x.pointer(as: T.self)), UInt(bitPattern: grad.pointer(as: T.self)), UInt(bitPattern: partial.pointer(as: T.self)))
        let inPlane = g.inPlane
        let pointwise = g.isPointwise
        let grain = Swift.max(1, parallelWork / Swift.max(M * K * L * ((n + parts - 1) / parts) / blocks, 1))
        parallelFor(parts * blocks, grain: grain) { range in
            for task in range {
                let (part, block) = task.quotientAndRemainder(dividingBy: blocks)
                let s0 = part * n / parts, s1 = (part + 1) * n / parts
                let c0 = block * cg / blocks, c1 = (block + 1) * cg / blocks
                let rows = (c1 - c0) * kk
                if rows == 0 { continue }
                let tile = tileColumns(rows: rows, columns: L)
                let buffer = pointwise ? nil : Tensor(empty: [rows * tile], dtype: T.dtype)
                let cols = buffer?.pointer(as: T.self)
                let dst = UnsafeMutablePointer<T>(bitPattern: pp)! + part * weightCount + c0 * kk
                for gi in 0..<groups {
                    var first = true
                    for s in s0..<s1 {
                        let image = UnsafeMutablePointer<T>(bitPattern: px)! + (s * g.inChannels + gi * cg + c0) * inPlane
                        let gradRows = UnsafeMutablePointer<T>(bitPattern: pg)! + (s * g.outChannels + gi * M) * L
                        var p0 = 0
                        while p0 < L {
                            let pn = Swift.min(tile, L - p0)
                            let b: UnsafePointer<T>, ldb: Int
                            if let cols {
                                Im2Col.expand(image, channels: c1 - c0, g, p0: p0, pn: pn, into: cols, ldc: pn)
                                (b, ldb) = (UnsafePointer(cols), pn)
                            } else {
                                (b, ldb) = (UnsafePointer(image + p0), L)
                            }
                            gemm(false, true, M, rows, pn, gradRows + p0, L, b, ldb, first ? 0 : 1, dst + gi * M * K, K)
                            first = false
                            p0 += pn
                        }
                    }
                }
                withExtendedLifetime(buffer) {}
            }
        }
        if parts == 1 { return partial }
        let result = Tensor(empty: g.weightShape, dtype: T.dtype)
        let pr = UInt(bitPattern: result.pointer(as: T.self))
        parallelFor(weightCount, grain: elementwiseGrain) { range in
            let src = UnsafeMutablePointer<T>(bitPattern: pp)!, dst = UnsafeMutablePointer<T>(bitPattern: pr)!
            for i in range { dst[i] = src[i] }
            for part in 1..<parts {
                let p = src + part * weightCount
                for i in range { dst[i] += p[i] }
            }
        }
        return result
    }

    // MARK: BLAS

    /// Row-major `c = op(a)·op(b) + beta·c` with one single-threaded BLAS call.
    @inline(__always)
    static func gemm<T: FloatElement>(
        _ ta: Bool, _ tb: Bool, _ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<T>, _ lda: Int,
        _ b: UnsafePointer<T>, _ ldb: Int, _ beta: T, _ c: UnsafeMutablePointer<T>, _ ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            for i in 0..<m {
                for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] }
            }
            return
        }
        BLAS.ensureLoaded()
        let (ta, tb) = (Int32(ta ? 1 : 0), Int32(tb ? 1 : 0))
        if T.self == Float.self {
            ember_sgemm(
                ta, tb, Int32(m), Int32(n), Int32(k), 1, UnsafeRawPointer(a).assumingMemoryBound(to: Float.self), Int32(lda),
                UnsafeRawPointer(b).assumingMemoryBound(to: Float.self), Int32(ldb), Float(beta.doubleValue),
                UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self), Int32(ldc))
        } else {
            ember_dgemm(
                ta, tb, Int32(m), Int32(n), Int32(k), 1, UnsafeRawPointer(a).assumingMemoryBound(to: Double.self), Int32(lda),
                UnsafeRawPointer(b).assumingMemoryBound(to: Double.self), Int32(ldb), beta.doubleValue,
                UnsafeMutableRawPointer(c).assumingMemoryBound(to: Double.self), Int32(ldc))
        }
    }
}

import CEmberKernels

/// The matrix-product kernel under every linear-algebra op: C = alpha · A·B + beta · C for
/// batches of 2-D strided views. float32/float64 go to OpenBLAS, passing transposed layouts
/// as BLAS transpose flags instead of copying; float16/bfloat16 compute in float32; integers
/// use a tiled loop with wrapping arithmetic (as PyTorch's integer matmul wraps).
enum Gemm {
    /// How BLAS can read a 2-D view without a copy: row-major with leading dimension `ld`,
    /// optionally transposed. nil when neither dimension has unit stride.
    struct MatrixLayout {
        let transposed: Bool
        let ld: Int
    }

    static func blasLayout(rows: Int, cols: Int, rowStride: Int, colStride: Int) -> MatrixLayout? {
        if colStride == 1 || cols <= 1 {
            let ld = rows <= 1 ? max(cols, 1) : rowStride
            if ld >= max(cols, 1) { return MatrixLayout(transposed: false, ld: ld) }
        }
        if rowStride == 1 || rows <= 1 {
            let ld = cols <= 1 ? max(rows, 1) : colStride
            if ld >= max(rows, 1) { return MatrixLayout(transposed: true, ld: ld) }
        }
        return nil
    }

    /// out[b] = alpha · a[b] · b[b] + beta · out[b] for 3-D `a` [B, M, K], `b` [B, K, N] and a
    /// contiguous 3-D `out` [B, M, N] of the same dtype. With beta == 0, `out` is not read.
    static func batched(_ a: Tensor, _ b: Tensor, into out: Tensor, alpha: Double = 1, beta: Double = 0) {
        precondition(out.isContiguous, "internal: gemm output must be contiguous")
        let (batch, m, k, n) = (a.shape[0], a.shape[1], a.shape[2], b.shape[2])
        if batch == 0 || m == 0 || n == 0 { return }
        if k == 0 {
            // An empty sum: the product contributes nothing.
            if beta == 0 { out.fill_(0) } else if beta != 1 { scaleInPlace(out, beta) }
            return
        }
        switch a.dtype {
        case .float32: blas(a, b, out, alpha: alpha, beta: beta, Float.self)
        case .float64: blas(a, b, out, alpha: alpha, beta: beta, Double.self)
        case .float16, .bfloat16:
            let c32 = beta == 0 ? Tensor(empty: out.shape, dtype: .float32) : out.to(.float32).contiguous()
            blas(a.to(.float32), b.to(.float32), c32, alpha: alpha, beta: beta, Float.self)
            copyCast(from: c32, into: out)
        case .int64: integer(a, b, out, alpha: alpha, beta: beta, Int64.self)
        case .int32: integer(a, b, out, alpha: alpha, beta: beta, Int32.self)
        case .int16: integer(a, b, out, alpha: alpha, beta: beta, Int16.self)
        case .int8: integer(a, b, out, alpha: alpha, beta: beta, Int8.self)
        case .uint8: integer(a, b, out, alpha: alpha, beta: beta, UInt8.self)
        case .bool: preconditionFailure("matmul: \"addmm_impl_cpu_\" not implemented for 'Bool'")
        case .float8e4m3fn, .float8e5m2: preconditionFailure(Float8Support.unsupported("matmul", a.dtype))
        case .complex64, .complex128: ComplexGemm.run(a, b, out, alpha: alpha, beta: beta)
        case .uint16, .uint32, .uint64: preconditionFailure("matmul: \"addmm_impl_cpu_\" not implemented for '\(a.dtype.scalarTypeName)'")
        }
    }

    private static func scaleInPlace(_ t: Tensor, _ factor: Double) {
        copyCast(from: t.mul(.double(factor)), into: t)
    }

    private static func blas<T: TensorElement>(
        _ a: Tensor, _ b: Tensor, _ out: Tensor, alpha: Double, beta: Double, _: T.Type
    ) {
        BLAS.ensureLoaded()
        let (batch, m, k, n) = (a.shape[0], a.shape[1], a.shape[2], b.shape[2])
        var a = a, b = b
        var la = blasLayout(rows: m, cols: k, rowStride: a.strides[1], colStride: a.strides[2])
        if la == nil {
            a = a.contiguous()
            la = blasLayout(rows: m, cols: k, rowStride: a.strides[1], colStride: a.strides[2])
        }
        var lb = blasLayout(rows: k, cols: n, rowStride: b.strides[1], colStride: b.strides[2])
        if lb == nil {
            b = b.contiguous()
            lb = blasLayout(rows: k, cols: n, rowStride: b.strides[1], colStride: b.strides[2])
        }
        let (pa, pb, pc) = (a.pointer(as: T.self), b.pointer(as: T.self), out.pointer(as: T.self))
        let (sa, sb) = (a.strides[0], b.strides[0])
        let (ta, tb) = (la!.transposed, lb!.transposed)
        let (lda, ldb) = (la!.ld, lb!.ld)
        // Ember's pool runs the products as single-threaded BLAS calls. A batch of at least
        // as many products as threads runs whole products; fewer, larger products are cut
        // into one block of rows (or columns, whichever dim is longer) per thread, each
        // block a multiple of 16 so the BLAS micro-kernels see full tiles. Every element is
        // still summed over k in the same order by the same kernel, so results do not depend
        // on the thread count (ThreadingTests checks it), and each call packs only its share
        // of the operands (smaller blocks would pack B again for every block).
        let threads = Threading.numThreads
        let work = m * n * k
        var rowsPerBlock = m, colsPerBlock = n
        if batch < threads && work >= 1 << 18 {
            let parts = (threads + batch - 1) / batch
            func share(_ size: Int) -> Int { Swift.max(16, ((size + parts - 1) / parts + 15) / 16 * 16) }
            if m >= n { rowsPerBlock = Swift.min(m, share(m)) } else { colsPerBlock = Swift.min(n, share(n)) }
        }
        let blocks = (m + rowsPerBlock - 1) / rowsPerBlock
        let colBlocks = (n + colsPerBlock - 1) / colsPerBlock
        let tasks = batch * blocks * colBlocks
        let grain = blocks * colBlocks > 1 ? 1 : Swift.max(1, (1 << 18) / Swift.max(work, 1))
        let addresses = (UInt(bitPattern: pa), UInt(bitPattern: pb), UInt(bitPattern: pc))
        parallelFor(tasks, grain: grain) { range in
            let pa = UnsafeMutablePointer<T>(bitPattern: addresses.0)!
            let pb = UnsafeMutablePointer<T>(bitPattern: addresses.1)!
            let pc = UnsafeMutablePointer<T>(bitPattern: addresses.2)!
            for task in range {
                let (i, rest) = task.quotientAndRemainder(dividingBy: blocks * colBlocks)
                let (block, colBlock) = rest.quotientAndRemainder(dividingBy: colBlocks)
                let (r0, c0) = (block * rowsPerBlock, colBlock * colsPerBlock)
                let rows = Swift.min(rowsPerBlock, m - r0), cols = Swift.min(colsPerBlock, n - c0)
                if rows <= 0 || cols <= 0 { continue }
                // Row r of op(A) starts at r·lda untransposed, at column r when transposed;
                // column c of op(B) at column c untransposed, at c·ldb when transposed.
                let x = pa + i * sa + (ta ? r0 : r0 * lda)
                let y = pb + i * sb + (tb ? c0 * ldb : c0), z = pc + i * m * n + r0 * n + c0
                gemmCall(ta, tb, rows, cols, k, alpha, x, lda, y, ldb, beta, z, n)
            }
        }
    }

    @inline(__always)
    private static func gemmCall<T: TensorElement>(
        _ ta: Bool, _ tb: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Double,
        _ a: UnsafeMutablePointer<T>, _ lda: Int, _ b: UnsafeMutablePointer<T>, _ ldb: Int,
        _ beta: Double, _ c: UnsafeMutablePointer<T>, _ ldc: Int
    ) {
        let (ta, tb) = (Int32(ta ? 1 : 0), Int32(tb ? 1 : 0))
        if T.self == Float.self {
            ember_sgemm(
                ta, tb, Int32(m), Int32(n), Int32(k), Float(alpha), UnsafeRawPointer(a).assumingMemoryBound(to: Float.self),
                Int32(lda), UnsafeRawPointer(b).assumingMemoryBound(to: Float.self), Int32(ldb), Float(beta),
                UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self), Int32(ldc))
        } else {
            ember_dgemm(
                ta, tb, Int32(m), Int32(n), Int32(k), alpha, UnsafeRawPointer(a).assumingMemoryBound(to: Double.self),
                Int32(lda), UnsafeRawPointer(b).assumingMemoryBound(to: Double.self), Int32(ldb), beta,
                UnsafeMutableRawPointer(c).assumingMemoryBound(to: Double.self), Int32(ldc))
        }
    }

    /// Integer products: i-k-j order over tiles of rows so the inner loop streams rows of B
    /// and C; rows are spread over threads.
    private static func integer<T: IntegerElement>(
        _ a: Tensor, _ b: Tensor, _ out: Tensor, alpha: Double, beta: Double, _: T.Type
    ) {
        let (batch, m, k, n) = (a.shape[0], a.shape[1], a.shape[2], b.shape[2])
        let bc = b.contiguous()
        let (pa, pb, pc) = (a.pointer(as: T.self), bc.pointer(as: T.self), out.pointer(as: T.self))
        let (sa0, sa1, sa2) = (a.strides[0], a.strides[1], a.strides[2])
        let sb0 = bc.strides[0]
        let alphaT = T(fromInt64: Int64(alpha)), betaT = T(fromInt64: Int64(beta))
        let grain = max(1, 16_384 / max(k * n, 1))
        parallelFor(batch * m, grain: grain) { rows in
            var acc = [T](repeating: 0, count: n)
            acc.withUnsafeMutableBufferPointer { acc in
                for row in rows {
                    let (bi, i) = row.quotientAndRemainder(dividingBy: m)
                    for j in 0..<n { acc[j] = 0 }
                    let arow = pa + bi * sa0 + i * sa1
                    let bmat = pb + bi * sb0
                    for p in 0..<k {
                        let x = arow[p * sa2]
                        if x == 0 { continue }
                        let brow = bmat + p * n
                        for j in 0..<n { acc[j] = acc[j] &+ x &* brow[j] }
                    }
                    let crow = pc + row * n
                    if beta == 0 {
                        for j in 0..<n { crow[j] = alphaT &* acc[j] }
                    } else {
                        for j in 0..<n { crow[j] = betaT &* crow[j] &+ alphaT &* acc[j] }
                    }
                }
            }
        }
    }
}

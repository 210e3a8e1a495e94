/// Complex matrix products for `Gemm.batched`: four real products through the same OpenBLAS
/// path as float32/float64 (Ar·Br − Ai·Bi, Ar·Bi + Ai·Br). That is the arithmetic of a naive
/// cgemm/zgemm (the same 4·m·n·k real multiplies); it needs no extra BLAS symbols and keeps
/// results independent of the thread count, as the real products are.
enum ComplexGemm {
    /// out[b] = alpha · a[b] · b[b] + beta · out[b] for complex 3-D operands (see
    /// `Gemm.batched`); alpha and beta are real.
    static func run(_ a: Tensor, _ b: Tensor, _ out: Tensor, alpha: Double, beta: Double) {
        withNoGrad {
            let real = out.dtype.toReal
            let (ar, ai) = (a.rawViewAsReal().select(-1, 0), a.rawViewAsReal().select(-1, 1))
            let (br, bi) = (b.rawViewAsReal().select(-1, 0), b.rawViewAsReal().select(-1, 1))
            func product(_ x: Tensor, _ y: Tensor, _ sign: Double, into c: Tensor, beta: Double) {
                Gemm.batched(x, y, into: c, alpha: sign * alpha, beta: beta)
            }
            // Accumulate in contiguous real buffers: out's real and imaginary planes are
            // strided (stride 2), which the BLAS path cannot write into.
            let re = beta == 0 ? Tensor(empty: out.shape, dtype: real) : out.rawViewAsReal().select(-1, 0).contiguous()
            let im = beta == 0 ? Tensor(empty: out.shape, dtype: real) : out.rawViewAsReal().select(-1, 1).contiguous()
            product(ar, br, 1, into: re, beta: beta)
            product(ai, bi, -1, into: re, beta: 1)
            product(ar, bi, 1, into: im, beta: beta)
            product(ai, br, 1, into: im, beta: 1)
            let pairs = out.rawViewAsReal()
            pairs.select(-1, 0).copy_(re)
            pairs.select(-1, 1).copy_(im)
        }
    }
}

import CEmberKernels

/// The forward pass of float32 3×3 stride-1 convolutions by Winograd's F(2×2, 3×3) instead of
/// im2col: 16 matrix products over transformed 4×4 input patches, with 2.25 times fewer
/// multiplications. Results differ from the direct sum by float32 rounding (the transforms add
/// and halve exactly representable coefficients); gradients still come from the im2col
/// kernels, which compute the same function.
extension ConvKernels {
    /// True when the Winograd forward applies and pays: float32, 2-d, 3×3 kernel, stride and
    /// dilation 1, and channel counts large enough that the 16 products are efficient.
    static func winogradApplies(_ g: ConvGeometry, _ dtype: DType) -> Bool {
        dtype == .float32 && g.spatialRank == 2 && g.kernel == [1, 3, 3] && g.stride == [1, 1, 1]
            && g.dilation == [1, 1, 1] && g.inPerGroup >= 32 && g.outPerGroup >= 32 && g.outSize[1] >= 4
            && g.outSize[2] >= 4 && g.inPlane < Int(Int32.max)
    }

    /// `conv(x, w) + bias` for contiguous float32 operands in the geometry's shapes.
    static func winogradForward(_ x: Tensor, _ w: Tensor, _ bias: Tensor?, _ g: ConvGeometry) -> Tensor {
        let out = Tensor(empty: g.outputShape, dtype: .float32)
        let (n, groups, cg, mg) = (g.batch, g.groups, g.inPerGroup, g.outPerGroup)
        let (H, W, OH, OW) = (g.inSize[1], g.inSize[2], g.outSize[1], g.outSize[2])
        let (tH, tW) = ((OH + 1) / 2, (OW + 1) / 2)
        let wk = tW + 1
        // Transformed weights, per group: U[g][ξ][m][c].
        let u = Tensor(empty: [groups, 16, mg, cg], dtype: .float32)
        let pu = u.pointer(as: Float.self), pw = w.pointer(as: Float.self)
        for gi in 0..<groups { ember_winograd_f23_weights(pw + gi * mg * cg * 9, Int64(mg), Int64(cg), pu + gi * 16 * mg * cg) }

        // Chunks of tile rows whose transformed tiles fit a core's cache, and at least 8 tasks.
        var rows = Swift.max(1, (tileElements / 16) / Swift.max(Swift.max(cg, mg) * tW, 1))
        let wanted = (8 + n * groups - 1) / (n * groups)
        rows = Swift.max(1, Swift.min(rows, tH / Swift.max(wanted, 1)))
        let chunks = (tH + rows - 1) / rows
        let tiles = rows * tW
        let (px, po) = (UInt(bitPattern: x.pointer(as: Float.self)), UInt(bitPattern: out.pointer(as: Float.self)))
        let pb = bias.map { UInt(bitPattern: $0.pointer(as: Float.self)) }
        let pU = UInt(bitPattern: pu)
        let hc = 2 * rows + 2
        let (pt, pl) = (g.padBefore[1], g.padBefore[2])
        let grain = Swift.max(1, parallelWork / Swift.max(16 * mg * cg * tiles, 1))
        BLAS.ensureLoaded()
        parallelFor(n * groups * chunks, grain: grain) { range in
            let split = Tensor(empty: [2, cg * hc * wk], dtype: .float32)
            let v = Tensor(empty: [16 * cg * tiles], dtype: .float32)
            let m = Tensor(empty: [16 * mg * tiles], dtype: .float32)
            let scratch = Tensor(empty: [4 * tW], dtype: .float32)
            let (even, odd) = (split.pointer(as: Float.self), split.pointer(as: Float.self) + cg * hc * wk)
            let (pv, pm, ps) = (v.pointer(as: Float.self), m.pointer(as: Float.self), scratch.pointer(as: Float.self))
            for task in range {
                let (sampleGroup, chunk) = task.quotientAndRemainder(dividingBy: chunks)
                let (s, gi) = sampleGroup.quotientAndRemainder(dividingBy: groups)
                let ty0 = chunk * rows, count = Swift.min(rows, tH - ty0)
                let t = count * tW
                let image = UnsafePointer<Float>(bitPattern: px)! + (s * g.inChannels + gi * cg) * H * W
                // The padded rows this chunk reads start at padded row 2·ty0.
                ember_winograd_f23_split(
                    image, Int64(cg), Int64(H), Int64(W), Int64(pt - 2 * ty0), Int64(pl), Int64(2 * count + 2), Int64(wk),
                    even, odd)
                ember_winograd_f23_input(even, odd, Int64(cg), Int64(2 * count + 2), Int64(wk), 0, Int64(count), Int64(tW), pv)
                let weights = UnsafePointer<Float>(bitPattern: pU)! + gi * 16 * mg * cg
                for xi in 0..<16 {
                    gemm(false, false, mg, t, cg, weights + xi * mg * cg, cg, pv + xi * cg * t, t, 0, pm + xi * mg * t, t)
                }
                let dst = UnsafeMutablePointer<Float>(bitPattern: po)! + (s * g.outChannels + gi * mg) * OH * OW
                let b = pb.map { UnsafePointer<Float>(bitPattern: $0)! + gi * mg }
                ember_winograd_f23_output(pm, Int64(mg), Int64(ty0), Int64(count), Int64(tW), Int64(OH), Int64(OW), b, dst, ps)
            }
            withExtendedLifetime((split, v, m, scratch)) {}
        }
        withExtendedLifetime(u) {}
        return out
    }
}

/// The shape arithmetic of a 1-, 2- or 3-d convolution, and the im2col/col2im loops that turn
/// it into matrix products.
///
/// Every convolution is handled as a 3-d one: 1-d and 2-d shapes get leading spatial
/// dimensions of size 1 (kernel 1, stride 1, no padding), which cost nothing in the loops.
/// Spatial arrays below always have three entries, in (depth, height, width) order.
struct ConvGeometry: Equatable, Sendable {
    let batch: Int
    let inChannels: Int
    let outChannels: Int
    let groups: Int
    /// 1, 2 or 3: how many trailing dimensions of the tensors are spatial.
    let spatialRank: Int
    let inSize: [Int]
    let kernel: [Int]
    let stride: [Int]
    /// Padding before and after each spatial dimension (they differ only for `padding: .same`
    /// with an even effective kernel, where PyTorch pads one more element at the end).
    let padBefore: [Int]
    let padAfter: [Int]
    let dilation: [Int]
    let outSize: [Int]

    /// Geometry from the spatial parameters (each `spatialRank` long, outermost dim first).
    /// `outSize` overrides the computed output size: a transposed convolution with output
    /// padding of at least its stride maps to a convolution whose output is smaller than the
    /// formula says (taps beyond the real input contribute nothing).
    init(
        batch: Int, inChannels: Int, outChannels: Int, groups: Int, inSize: [Int], kernel: [Int],
        stride: [Int], padBefore: [Int], padAfter: [Int], dilation: [Int], outSize: [Int]? = nil
    ) {
        let rank = inSize.count
        func lift(_ values: [Int], _ fill: Int) -> [Int] { Array(repeating: fill, count: 3 - rank) + values }
        self.batch = batch
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.groups = groups
        spatialRank = rank
        let (i, k, s, pb, pa, d) = (
            lift(inSize, 1), lift(kernel, 1), lift(stride, 1), lift(padBefore, 0), lift(padAfter, 0), lift(dilation, 1)
        )
        (self.inSize, self.kernel, self.stride, self.padBefore, self.padAfter, self.dilation) = (i, k, s, pb, pa, d)
        self.outSize =
            outSize.map { lift($0, 1) }
            ?? (0..<3).map { j in
                let span = i[j] + pb[j] + pa[j] - d[j] * (k[j] - 1) - 1
                return span < 0 ? 0 : span / s[j] + 1
            }
    }

    /// The same convolution with another batch size.
    func withBatch(_ n: Int) -> ConvGeometry {
        ConvGeometry(
            batch: n, inChannels: inChannels, outChannels: outChannels, groups: groups,
            inSize: Array(inSize.suffix(spatialRank)), kernel: Array(kernel.suffix(spatialRank)),
            stride: Array(stride.suffix(spatialRank)), padBefore: Array(padBefore.suffix(spatialRank)),
            padAfter: Array(padAfter.suffix(spatialRank)), dilation: Array(dilation.suffix(spatialRank)),
            outSize: Array(outSize.suffix(spatialRank)))
    }

    var kernelCount: Int { kernel[0] * kernel[1] * kernel[2] }
    var inPlane: Int { inSize[0] * inSize[1] * inSize[2] }
    /// Output positions per channel (the columns of the im2col matrix).
    var outPlane: Int { outSize[0] * outSize[1] * outSize[2] }
    var inPerGroup: Int { inChannels / groups }
    var outPerGroup: Int { outChannels / groups }
    /// Rows of one group's im2col matrix: input channels of the group times kernel taps.
    var colRows: Int { inPerGroup * kernelCount }

    /// True when the im2col matrix of a sample is the input itself (a 1×1 kernel, stride 1,
    /// no padding): the product can read the input directly.
    var isPointwise: Bool {
        kernelCount == 1 && stride == [1, 1, 1] && padBefore == [0, 0, 0] && padAfter == [0, 0, 0]
    }

    /// Shapes as PyTorch prints them (spatial dims only).
    var spatialInput: [Int] { Array(inSize.suffix(spatialRank)) }
    var spatialOutput: [Int] { Array(outSize.suffix(spatialRank)) }
    var spatialKernel: [Int] { Array(kernel.suffix(spatialRank)) }
    var inputShape: [Int] { [batch, inChannels] + spatialInput }
    var outputShape: [Int] { [batch, outChannels] + spatialOutput }
    var weightShape: [Int] { [outChannels, inPerGroup] + spatialKernel }
}

/// im2col and col2im over raw buffers.
///
/// Row `r = (c·kd + a)·kh·kw + b·kw + e` of the column matrix holds, for every output position
/// `p` (flattened `(od, oh, ow)`), the input element that kernel tap `(a, b, e)` of channel `c`
/// meets at `p`, or 0 where the tap falls into the padding. A column range `[p0, p0 + pn)`
/// can be materialised on its own, so products run over cache-sized tiles of positions.
enum Im2Col {
    /// Writes rows `0..<channels·kernelCount` for columns `p0..<p0+pn` into `cols` (row-major,
    /// leading dimension `ldc`). `src` points at channel 0 of the channels to expand.
    static func expand<T: FloatElement>(
        _ src: UnsafePointer<T>, channels: Int, _ g: ConvGeometry, p0: Int, pn: Int,
        into cols: UnsafeMutablePointer<T>, ldc: Int
    ) {
        walk(channels: channels, g, p0: p0, pn: pn) { row, plane, j, run, inRow, lo, hi, iw0, sw in
            let dst = cols + row * ldc + j
            guard let inRow else {
                for t in 0..<run { dst[t] = 0 }
                return
            }
            let srcRow = src + plane + inRow
            for t in 0..<lo { dst[t] = 0 }
            if sw == 1 {
                let s = srcRow + iw0
                for t in lo..<hi { dst[t] = s[t] }
            } else {
                for t in lo..<hi { dst[t] = srcRow[iw0 + t * sw] }
            }
            for t in hi..<run { dst[t] = 0 }
        }
    }

    /// The adjoint of `expand`: adds column block `cols` (same layout) into the image at
    /// `dst`. Rows of one channel only touch that channel, so channel ranges may run in
    /// parallel.
    static func accumulate<T: FloatElement>(
        _ cols: UnsafePointer<T>, ldc: Int, channels: Int, _ g: ConvGeometry, p0: Int, pn: Int,
        into dst: UnsafeMutablePointer<T>
    ) {
        walk(channels: channels, g, p0: p0, pn: pn) { row, plane, j, run, inRow, lo, hi, iw0, sw in
            guard let inRow, lo < hi else { return }
            let src = cols + row * ldc + j
            let dstRow = dst + plane + inRow
            if sw == 1 {
                let d = dstRow + iw0
                for t in lo..<hi { d[t] += src[t] }
            } else {
                for t in lo..<hi { dstRow[iw0 + t * sw] += src[t] }
            }
        }
    }

    /// Visits every (row, run of output positions within one output row) of the column block.
    /// The visitor gets: row index, offset of the channel plane, column offset `j` within the
    /// block, run length, offset of the input row (nil when the tap's depth/height lands in
    /// padding), the valid range `lo..<hi` of the run, the input column of run element 0
    /// (`iw0`, may be negative), and the width stride.
    @inline(__always)
    private static func walk(
        channels: Int, _ g: ConvGeometry, p0: Int, pn: Int,
        _ visit: (_ row: Int, _ plane: Int, _ j: Int, _ run: Int, _ inRow: Int?, _ lo: Int, _ hi: Int, _ iw0: Int, _ sw: Int) -> Void
    ) {
        let (D, H, W) = (g.inSize[0], g.inSize[1], g.inSize[2])
        let (OH, OW) = (g.outSize[1], g.outSize[2])
        let (kd, kh, kw) = (g.kernel[0], g.kernel[1], g.kernel[2])
        let (sd, sh, sw) = (g.stride[0], g.stride[1], g.stride[2])
        let (pd, ph, pw) = (g.padBefore[0], g.padBefore[1], g.padBefore[2])
        let (dd, dh, dw) = (g.dilation[0], g.dilation[1], g.dilation[2])
        if pn <= 0 { return }
        var row = 0
        for c in 0..<channels {
            let plane = c * D * H * W
            for a in 0..<kd {
                for b in 0..<kh {
                    for e in 0..<kw {
                        // Input column of output column ow is ow·sw + off; valid for ow in
                        // [first, end).
                        let off = e * dw - pw
                        let first = off >= 0 ? 0 : (-off + sw - 1) / sw
                        let end = W - off <= 0 ? 0 : (W - off - 1) / sw + 1
                        var (od, rest) = p0.quotientAndRemainder(dividingBy: OH * OW)
                        var (oh, ow) = rest.quotientAndRemainder(dividingBy: OW)
                        var j = 0
                        while j < pn {
                            let run = Swift.min(OW - ow, pn - j)
                            let id = od * sd - pd + a * dd
                            let ih = oh * sh - ph + b * dh
                            let inside = id >= 0 && id < D && ih >= 0 && ih < H
                            let lo = Swift.min(Swift.max(first - ow, 0), run)
                            let hi = Swift.max(Swift.min(end - ow, run), lo)
                            visit(row, plane, j, run, inside ? (id * H + ih) * W : nil, lo, hi, ow * sw + off, sw)
                            j += run
                            ow = 0
                            oh += 1
                            if oh == OH {
                                oh = 0
                                od += 1
                            }
                        }
                        row += 1
                    }
                }
            }
        }
    }
}

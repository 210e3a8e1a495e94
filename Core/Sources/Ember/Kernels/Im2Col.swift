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
///
/// A column range splits into runs that each lie in one output row; the split is the same
/// for every row of the matrix, so it is computed once per call and the per-row work is a
/// zero-fill, a copy (contiguous when the width stride is 1) and a zero-fill per run.
enum Im2Col {
    /// A stretch of columns within one output row.
    private struct Run {
        /// Column offset within the block.
        let j: Int
        let length: Int
        /// Output column of the run's first element.
        let ow: Int
        /// Input depth and height of the run's row for kernel tap (0, 0) (add `a·dd`, `b·dh`).
        let id0: Int
        let ih0: Int
    }

    private static func runs(_ g: ConvGeometry, p0: Int, pn: Int) -> [Run] {
        let (OH, OW) = (g.outSize[1], g.outSize[2])
        var result: [Run] = []
        result.reserveCapacity(pn / Swift.max(OW, 1) + 2)
        var (od, rest) = p0.quotientAndRemainder(dividingBy: Swift.max(OH * OW, 1))
        var (oh, ow) = rest.quotientAndRemainder(dividingBy: Swift.max(OW, 1))
        var j = 0
        while j < pn {
            let length = Swift.min(OW - ow, pn - j)
            result.append(
                Run(j: j, length: length, ow: ow, id0: od * g.stride[0] - g.padBefore[0], ih0: oh * g.stride[1] - g.padBefore[1]))
            j += length
            ow = 0
            oh += 1
            if oh == OH {
                oh = 0
                od += 1
            }
        }
        return result
    }

    /// Writes rows `0..<channels·kernelCount` for columns `p0..<p0+pn` into `cols` (row-major,
    /// leading dimension `ldc`). `src` points at channel 0 of the channels to expand.
    static func expand<T: FloatElement>(
        _ src: UnsafePointer<T>, channels: Int, _ g: ConvGeometry, p0: Int, pn: Int,
        into cols: UnsafeMutablePointer<T>, ldc: Int
    ) {
        if pn <= 0 { return }
        let runs = runs(g, p0: p0, pn: pn)
        let (D, H, W) = (g.inSize[0], g.inSize[1], g.inSize[2])
        let (kd, kh, kw) = (g.kernel[0], g.kernel[1], g.kernel[2])
        let sw = g.stride[2], pw = g.padBefore[2]
        let (dd, dh, dw) = (g.dilation[0], g.dilation[1], g.dilation[2])
        runs.withUnsafeBufferPointer { runs in
            var dst = cols
            for c in 0..<channels {
                let plane = src + c * D * H * W
                for a in 0..<kd {
                    for b in 0..<kh {
                        for e in 0..<kw {
                            // Input column of output column ow is ow·sw + off; valid for ow in [first, end).
                            let off = e * dw - pw
                            let first = off >= 0 ? 0 : (-off + sw - 1) / sw
                            let end = W - off <= 0 ? 0 : (W - off - 1) / sw + 1
                            for run in runs {
                                let out = dst + run.j
                                let (id, ih) = (run.id0 + a * dd, run.ih0 + b * dh)
                                let n = run.length
                                if id < 0 || id >= D || ih < 0 || ih >= H {
                                    for t in 0..<n { out[t] = 0 }
                                    continue
                                }
                                let lo = Swift.min(Swift.max(first - run.ow, 0), n)
                                let hi = Swift.max(Swift.min(end - run.ow, n), lo)
                                let row = plane + (id * H + ih) * W + run.ow * sw + off
                                for t in 0..<lo { out[t] = 0 }
                                if sw == 1 {
                                    // memcpy: the loop does not vectorise (the compiler cannot
                                    // rule out aliasing) and runs are short.
                                    (out + lo).update(from: row + lo, count: hi - lo)
                                } else {
                                    for t in lo..<hi { out[t] = row[t * sw] }
                                }
                                for t in hi..<n { out[t] = 0 }
                            }
                            dst += ldc
                        }
                    }
                }
            }
        }
    }

    /// The adjoint of `expand`: adds column block `cols` (same layout) into the image at
    /// `dst`. Rows of one channel only touch that channel, so channel ranges may run in
    /// parallel.
    static func accumulate<T: FloatElement>(
        _ cols: UnsafePointer<T>, ldc: Int, channels: Int, _ g: ConvGeometry, p0: Int, pn: Int,
        into dst: UnsafeMutablePointer<T>
    ) {
        if pn <= 0 { return }
        let runs = runs(g, p0: p0, pn: pn)
        let (D, H, W) = (g.inSize[0], g.inSize[1], g.inSize[2])
        let (kd, kh, kw) = (g.kernel[0], g.kernel[1], g.kernel[2])
        let sw = g.stride[2], pw = g.padBefore[2]
        let (dd, dh, dw) = (g.dilation[0], g.dilation[1], g.dilation[2])
        runs.withUnsafeBufferPointer { runs in
            var src = cols
            for c in 0..<channels {
                let plane = dst + c * D * H * W
                for a in 0..<kd {
                    for b in 0..<kh {
                        for e in 0..<kw {
                            let off = e * dw - pw
                            let first = off >= 0 ? 0 : (-off + sw - 1) / sw
                            let end = W - off <= 0 ? 0 : (W - off - 1) / sw + 1
                            for run in runs {
                                let (id, ih) = (run.id0 + a * dd, run.ih0 + b * dh)
                                if id < 0 || id >= D || ih < 0 || ih >= H { continue }
                                let n = run.length
                                let lo = Swift.min(Swift.max(first - run.ow, 0), n)
                                let hi = Swift.max(Swift.min(end - run.ow, n), lo)
                                let values = src + run.j
                                let row = plane + (id * H + ih) * W + run.ow * sw + off
                                if sw == 1 {
                                    addRow(row + lo, values + lo, hi - lo)
                                } else {
                                    for t in lo..<hi { row[t * sw] += values[t] }
                                }
                            }
                            src += ldc
                        }
                    }
                }
            }
        }
    }

    /// `dst[t] += src[t]` for `t < n`, in SIMD registers (the plain loop does not vectorise:
    /// the compiler cannot rule out aliasing).
    @inline(__always)
    static func addRow<T: FloatElement>(_ dst: UnsafeMutablePointer<T>, _ src: UnsafePointer<T>, _ n: Int) {
        var t = 0
        let (d, s) = (UnsafeMutableRawPointer(dst), UnsafeRawPointer(src))
        if T.self == Float.self {
            while t + 8 <= n {
                let sum = d.loadUnaligned(fromByteOffset: t * 4, as: SIMD8<Float>.self)
                    + s.loadUnaligned(fromByteOffset: t * 4, as: SIMD8<Float>.self)
                d.storeBytes(of: sum, toByteOffset: t * 4, as: SIMD8<Float>.self)
                t += 8
            }
        } else if T.self == Double.self {
            while t + 4 <= n {
                let sum = d.loadUnaligned(fromByteOffset: t * 8, as: SIMD4<Double>.self)
                    + s.loadUnaligned(fromByteOffset: t * 8, as: SIMD4<Double>.self)
                d.storeBytes(of: sum, toByteOffset: t * 8, as: SIMD4<Double>.self)
                t += 4
            }
        }
        while t < n {
            dst[t] += src[t]
            t += 1
        }
    }
}

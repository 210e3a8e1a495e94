import CEmberKernels

/// Pooling windows and the max/average kernels over them.
///
/// Pooling is separable into per-axis windows: along each spatial axis, output `o` reads the
/// input positions `start[o] + i·step` for `i < count[o]`, all inside the input (padding is
/// already clipped away). Max pooling, average pooling (with its divisor rules) and adaptive
/// pooling only differ in how the windows are built. 1-d and 2-d pooling get leading axes of
/// size 1, so every kernel is 3-d.
struct PoolAxis: Sendable {
    let inSize: Int
    let start: [Int]
    let count: [Int]
    let step: Int
    /// This axis's factor of an average's divisor.
    let divisor: [Int]
    /// The sliding-window parameters these windows came from (nil for adaptive windows):
    /// the vectorised max kernel works from them.
    var sliding: (kernel: Int, stride: Int, padding: Int, dilation: Int)? = nil

    var outSize: Int { start.count }

    /// An axis of size 1 that the kernels walk once.
    static let unit = PoolAxis(
        inSize: 1, start: [0], count: [1], step: 1, divisor: [1], sliding: (kernel: 1, stride: 1, padding: 0, dilation: 1))

    /// PyTorch's `pooling_output_shape`: floor (or ceil) of the window count, where in ceil
    /// mode the last window must start inside the input or the left padding.
    static func outputSize(inSize: Int, kernel: Int, stride: Int, padding: Int, dilation: Int, ceilMode: Bool) -> Int {
        let span = inSize + 2 * padding - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0)
        var out = (span >= 0 ? span / stride : -((-span + stride - 1) / stride)) + 1
        if ceilMode && (out - 1) * stride >= inSize + padding { out -= 1 }
        return out
    }

    /// Sliding windows (`MaxPool`/`AvgPool`). The divisor is PyTorch's: the window size
    /// clipped to the padded input when `countIncludePad`, else the number of real elements.
    static func sliding(
        inSize: Int, kernel: Int, stride: Int, padding: Int, dilation: Int, ceilMode: Bool, countIncludePad: Bool = true
    ) -> PoolAxis {
        let out = outputSize(inSize: inSize, kernel: kernel, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
        var start = [Int](), count = [Int](), divisor = [Int]()
        for o in 0..<Swift.max(out, 0) {
            let s = o * stride - padding
            let first = s >= 0 ? 0 : (-s + dilation - 1) / dilation
            let last = inSize - 1 - s < 0 ? -1 : Swift.min(kernel - 1, (inSize - 1 - s) / dilation)
            start.append(s + first * dilation)
            count.append(Swift.max(0, last - first + 1))
            let end = Swift.min(s + kernel, inSize + padding)
            divisor.append(countIncludePad ? end - s : Swift.max(0, Swift.min(end, inSize) - Swift.max(s, 0)))
        }
        return PoolAxis(
            inSize: inSize, start: start, count: count, step: dilation, divisor: divisor,
            sliding: (kernel: kernel, stride: stride, padding: padding, dilation: dilation))
    }

    /// Adaptive windows: output `o` of `outSize` covers `[⌊o·in/out⌋, ⌈(o+1)·in/out⌉)`.
    static func adaptive(inSize: Int, outSize: Int) -> PoolAxis {
        var start = [Int](), count = [Int]()
        for o in 0..<outSize {
            let s = (o / outSize) * inSize + ((o % outSize) * inSize) / outSize
            let e = 1 + ((o + 1) * inSize - 1) / outSize
            start.append(s)
            count.append(e - s)
        }
        return PoolAxis(inSize: inSize, start: start, count: count, step: 1, divisor: count)
    }
}

/// Three axes (depth, height, width) of windows and an optional fixed divisor.
struct PoolWindows: Sendable {
    let axes: [PoolAxis]
    let divisorOverride: Int?

    /// `axes` are the spatial axes (1 to 3), outermost first.
    init(_ axes: [PoolAxis], divisorOverride: Int? = nil) {
        self.axes = Array(repeating: PoolAxis.unit, count: 3 - axes.count) + axes
        self.divisorOverride = divisorOverride
    }

    var inPlane: Int { axes[0].inSize * axes[1].inSize * axes[2].inSize }
    var outPlane: Int { axes[0].outSize * axes[1].outSize * axes[2].outSize }

    /// Runs `body` with every axis's (start, count, divisor) triples in one raw buffer: the
    /// kernels read them through pointers, since reading a struct's arrays inside hot loops
    /// costs reference counting.
    func withTable<R>(_ body: (PoolTable) -> R) -> R {
        var flat: [Int] = []
        for axis in axes {
            for o in 0..<axis.outSize { flat += [axis.start[o], axis.count[o], axis.divisor[o]] }
        }
        return flat.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress!
            let (od, oh) = (axes[0].outSize, axes[1].outSize)
            return body(
                PoolTable(
                    d: base, h: base + 3 * od, w: base + 3 * (od + oh), outSize: axes.map(\.outSize),
                    inSize: axes.map(\.inSize), step: axes.map(\.step), divisorOverride: divisorOverride))
        }
    }
}

/// Raw view of `PoolWindows` for the kernels: per axis, `3·o` is the start, `3·o + 1` the
/// count and `3·o + 2` the divisor factor of output `o`.
struct PoolTable {
    let d: UnsafePointer<Int>
    let h: UnsafePointer<Int>
    let w: UnsafePointer<Int>
    let outSize: [Int]
    let inSize: [Int]
    let step: [Int]
    let divisorOverride: Int?
}

enum PoolKernels {
    /// Planes per task so that a task has at least `elementwiseGrain` elements of work.
    private static func grain(_ w: PoolWindows) -> Int { Swift.max(1, elementwiseGrain / Swift.max(w.inPlane + w.outPlane, 1)) }

    /// Max over each window of `planes` contiguous planes: values, and the flat index of the
    /// maximum within its plane. NaN wins (and a later NaN replaces an earlier one), as in
    /// PyTorch; a window of -∞ reports its first element.
    static func max<T: FloatElement>(
        _ x: UnsafePointer<T>, planes: Int, _ w: PoolWindows, values: UnsafeMutablePointer<T>,
        indices: UnsafeMutablePointer<Int64>
    ) {
        let (inPlane, outPlane) = (w.inPlane, w.outPlane)
        let (px, pv, pi) = (UInt(bitPattern: x), UInt(bitPattern: values), UInt(bitPattern: indices))
        if T.self == Float.self, w.axes[0].inSize == 1, w.axes[0].outSize == 1, inPlane < Int(Int32.max),
            let sh = w.axes[1].sliding, let sw = w.axes[2].sliding
        {
            let (H, W, OH, OW) = (w.axes[1].inSize, w.axes[2].inSize, w.axes[1].outSize, w.axes[2].outSize)
            parallelFor(planes, grain: grain(w)) { range in
                ember_max_pool2d_f32(
                    UnsafePointer<Float>(bitPattern: px)! + range.lowerBound * inPlane, Int64(range.count), Int64(H), Int64(W),
                    Int64(OH), Int64(OW), Int64(sh.kernel), Int64(sw.kernel), Int64(sh.stride), Int64(sw.stride),
                    Int64(sh.padding), Int64(sw.padding), Int64(sh.dilation), Int64(sw.dilation),
                    UnsafeMutablePointer<Float>(bitPattern: pv)! + range.lowerBound * outPlane,
                    UnsafeMutablePointer<Int64>(bitPattern: pi)! + range.lowerBound * outPlane)
            }
            return
        }
        w.withTable { t in
            let (OD, OH, OW) = (t.outSize[0], t.outSize[1], t.outSize[2])
            let (H, W) = (t.inSize[1], t.inSize[2])
            let (sd, sh, sw) = (t.step[0], t.step[1], t.step[2])
            parallelFor(planes, grain: grain(w)) { range in
                for p in range {
                    let src = UnsafePointer<T>(bitPattern: px)! + p * inPlane
                    let vals = UnsafeMutablePointer<T>(bitPattern: pv)! + p * outPlane
                    let idx = UnsafeMutablePointer<Int64>(bitPattern: pi)! + p * outPlane
                    var o = 0
                    for od in 0..<OD {
                        let (d0, dn) = (t.d[3 * od], t.d[3 * od + 1])
                        for oh in 0..<OH {
                            let (h0, hn) = (t.h[3 * oh], t.h[3 * oh + 1])
                            for ow in 0..<OW {
                                let (w0, wn) = (t.w[3 * ow], t.w[3 * ow + 1])
                                var best = -T.infinity
                                var bestIndex = (d0 * H + h0) * W + w0
                                // Branch-free selects: on random data the maximum moves
                                // unpredictably, and mispredicted branches dominated.
                                for i in 0..<dn {
                                    for j in 0..<hn {
                                        let row = ((d0 &+ i &* sd) &* H &+ h0 &+ j &* sh) &* W &+ w0
                                        for k in 0..<wn {
                                            let index = row &+ k &* sw
                                            let value = src[index]
                                            let take = value > best || value != value
                                            best = take ? value : best
                                            bestIndex = take ? index : bestIndex
                                        }
                                    }
                                }
                                vals[o] = best
                                idx[o] = Int64(bestIndex)
                                o += 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// `result[p][indices[p][o]] += grad[p][o]` into zeroed planes (max pooling's backward).
    static func scatter<T: FloatElement>(
        _ grad: UnsafePointer<T>, _ indices: UnsafePointer<Int64>, planes: Int, outPlane: Int, inPlane: Int,
        into result: UnsafeMutablePointer<T>
    ) {
        let (pg, pi, pr) = (UInt(bitPattern: grad), UInt(bitPattern: indices), UInt(bitPattern: result))
        parallelFor(planes, grain: Swift.max(1, elementwiseGrain / Swift.max(outPlane + inPlane, 1))) { range in
            for p in range {
                let g = UnsafePointer<T>(bitPattern: pg)! + p * outPlane
                let idx = UnsafePointer<Int64>(bitPattern: pi)! + p * outPlane
                let dst = UnsafeMutablePointer<T>(bitPattern: pr)! + p * inPlane
                for o in 0..<outPlane { dst[Int(idx[o])] += g[o] }
            }
        }
    }

    /// `result[p][o] = x[p][indices[p][o]]` (the adjoint of `scatter`).
    static func gather<T: FloatElement>(
        _ x: UnsafePointer<T>, _ indices: UnsafePointer<Int64>, planes: Int, outPlane: Int, inPlane: Int,
        into result: UnsafeMutablePointer<T>
    ) {
        let (px, pi, pr) = (UInt(bitPattern: x), UInt(bitPattern: indices), UInt(bitPattern: result))
        parallelFor(planes, grain: Swift.max(1, elementwiseGrain / Swift.max(outPlane + inPlane, 1))) { range in
            for p in range {
                let src = UnsafePointer<T>(bitPattern: px)! + p * inPlane
                let idx = UnsafePointer<Int64>(bitPattern: pi)! + p * outPlane
                let dst = UnsafeMutablePointer<T>(bitPattern: pr)! + p * outPlane
                for o in 0..<outPlane { dst[o] = src[Int(idx[o])] }
            }
        }
    }

    /// Window sums divided by the divisor (0 for a window with no real element). Average
    /// windows have unit steps.
    static func average<T: FloatElement>(_ x: UnsafePointer<T>, planes: Int, _ w: PoolWindows, into out: UnsafeMutablePointer<T>) {
        let (inPlane, outPlane) = (w.inPlane, w.outPlane)
        let (px, po) = (UInt(bitPattern: x), UInt(bitPattern: out))
        w.withTable { t in
            let (OD, OH, OW) = (t.outSize[0], t.outSize[1], t.outSize[2])
            let (H, W) = (t.inSize[1], t.inSize[2])
            let override = t.divisorOverride
            parallelFor(planes, grain: grain(w)) { range in
                for p in range {
                    let src = UnsafePointer<T>(bitPattern: px)! + p * inPlane
                    let dst = UnsafeMutablePointer<T>(bitPattern: po)! + p * outPlane
                    var o = 0
                    for od in 0..<OD {
                        let (d0, dn, dq) = (t.d[3 * od], t.d[3 * od + 1], t.d[3 * od + 2])
                        for oh in 0..<OH {
                            let (h0, hn, hq) = (t.h[3 * oh], t.h[3 * oh + 1], t.h[3 * oh + 2])
                            for ow in 0..<OW {
                                let (w0, wn, wq) = (t.w[3 * ow], t.w[3 * ow + 1], t.w[3 * ow + 2])
                                defer { o += 1 }
                                if dn == 0 || hn == 0 || wn == 0 {
                                    dst[o] = 0
                                    continue
                                }
                                var sum: T = 0
                                for i in 0..<dn {
                                    for j in 0..<hn {
                                        let row = src + ((d0 + i) * H + h0 + j) * W + w0
                                        for k in 0..<wn { sum += row[k] }
                                    }
                                }
                                dst[o] = sum / T(override ?? dq * hq * wq)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The adjoint of `average`: each output's gradient divided by its divisor, added to every
    /// element of its window, into zeroed planes.
    static func averageAdjoint<T: FloatElement>(_ grad: UnsafePointer<T>, planes: Int, _ w: PoolWindows, into out: UnsafeMutablePointer<T>) {
        let (inPlane, outPlane) = (w.inPlane, w.outPlane)
        let (pg, po) = (UInt(bitPattern: grad), UInt(bitPattern: out))
        w.withTable { t in
            let (OD, OH, OW) = (t.outSize[0], t.outSize[1], t.outSize[2])
            let (H, W) = (t.inSize[1], t.inSize[2])
            let override = t.divisorOverride
            parallelFor(planes, grain: grain(w)) { range in
                for p in range {
                    let g = UnsafePointer<T>(bitPattern: pg)! + p * outPlane
                    let dst = UnsafeMutablePointer<T>(bitPattern: po)! + p * inPlane
                    var o = 0
                    for od in 0..<OD {
                        let (d0, dn, dq) = (t.d[3 * od], t.d[3 * od + 1], t.d[3 * od + 2])
                        for oh in 0..<OH {
                            let (h0, hn, hq) = (t.h[3 * oh], t.h[3 * oh + 1], t.h[3 * oh + 2])
                            for ow in 0..<OW {
                                let (w0, wn, wq) = (t.w[3 * ow], t.w[3 * ow + 1], t.w[3 * ow + 2])
                                defer { o += 1 }
                                if dn == 0 || hn == 0 || wn == 0 { continue }
                                let delta = g[o] / T(override ?? dq * hq * wq)
                                for i in 0..<dn {
                                    for j in 0..<hn {
                                        let row = dst + ((d0 + i) * H + h0 + j) * W + w0
                                        for k in 0..<wn { row[k] += delta }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

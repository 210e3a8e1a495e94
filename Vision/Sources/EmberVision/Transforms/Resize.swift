import Dispatch
import Ember

extension TF {
    /// `F.resize`: resizes the last two dimensions of a `[..., C, H, W]` uint8 or float32 image.
    ///
    /// - Parameters:
    ///   - size: `[h, w]`, or `[s]` to scale the shorter edge to `s` keeping the aspect ratio
    ///     (the longer edge truncates, as torchvision's `int(s * long / short)`); nil with `maxSize`
    ///     scales the longer edge to `maxSize`.
    ///   - maxSize: with a one-element `size`, the longer edge's upper bound.
    ///   - interpolation: `nearest`, `nearest-exact`, `bilinear` or `bicubic` (torchvision's
    ///     `InterpolationMode`; Core's ``InterpolationMode`` is shared with `Functional.interpolate`).
    ///   - antialias: low-pass filter when downscaling (bilinear and bicubic only; v2's default true).
    ///
    /// Results equal torchvision's on CPU: uint8 bilinear/bicubic use PyTorch's int16 fixed-point
    /// separable kernels (width pass, rounded to uint8, then height pass); float32 uses float taps.
    public static func resize(
        _ image: Tensor, size: [Int]?, interpolation: InterpolationMode = .bilinear, maxSize: Int? = nil,
        antialias: Bool = true
    ) -> Tensor {
        precondition(image.dim >= 3, "resize: expected a tensor of shape [..., C, H, W], got \(image.shape)")
        let (h, w) = (image.shape[image.dim - 2], image.shape[image.dim - 1])
        let (outH, outW) = resizedOutputSize(height: h, width: w, size: size, maxSize: maxSize)
        if outH == h && outW == w { return image }
        let planes = ImagePlanes(image, op: "resize")
        let shape = planes.outputShape(height: outH, width: outW)
        if image.count == 0 { return Tensor(empty: shape, dtype: image.dtype) }
        let out = Tensor(empty: shape, dtype: image.dtype)
        switch interpolation {
        case .nearest, .nearestExact:
            let rows = ResizeWeights.nearest(input: h, output: outH, exact: interpolation == .nearestExact)
            let cols = ResizeWeights.nearest(input: w, output: outW, exact: interpolation == .nearestExact)
            if image.dtype == .uint8 {
                ResizeKernels.nearest(planes.base(UInt8.self), out.visionPointer(UInt8.self), planes.planes, h, w, rows, cols)
            } else {
                ResizeKernels.nearest(planes.base(Float.self), out.visionPointer(Float.self), planes.planes, h, w, rows, cols)
            }
        case .bilinear, .bicubic:
            let cubic = interpolation == .bicubic
            if image.dtype == .uint8 {
                let horizontal = outW != w ? ResizeWeights.fixedPoint(input: w, output: outW, cubic: cubic, antialias: antialias) : nil
                let vertical = outH != h ? ResizeWeights.fixedPoint(input: h, output: outH, cubic: cubic, antialias: antialias) : nil
                ResizeKernels.separableUInt8(
                    planes.base(UInt8.self), out.visionPointer(UInt8.self), planes.planes, h, w, outH, outW, horizontal, vertical)
            } else if antialias {
                let horizontal = outW != w ? ResizeWeights.antialiasFloat(input: w, output: outW, cubic: cubic) : nil
                let vertical = outH != h ? ResizeWeights.antialiasFloat(input: h, output: outH, cubic: cubic) : nil
                ResizeKernels.separableFloat(
                    planes.base(Float.self), out.visionPointer(Float.self), planes.planes, h, w, outH, outW, horizontal, vertical)
            } else {
                let rows = ResizeWeights.plainFloat(input: h, output: outH, cubic: cubic)
                let cols = ResizeWeights.plainFloat(input: w, output: outW, cubic: cubic)
                ResizeKernels.plainFloat(planes.base(Float.self), out.visionPointer(Float.self), planes.planes, h, w, rows, cols)
            }
        case .linear, .trilinear, .area:
            preconditionFailure(
                "resize: interpolation \(interpolation.rawValue) is not an image mode; use nearest, nearest-exact, bilinear or bicubic")
        }
        return withExtendedLifetime(planes) { out }
    }

    /// torchvision's `_compute_resized_output_size` (v2, `size` may be nil when `maxSize` is given).
    static func resizedOutputSize(height h: Int, width w: Int, size: [Int]?, maxSize: Int?) -> (Int, Int) {
        let (short, long) = w <= h ? (w, h) : (h, w)
        let newShort: Int, newLong: Int
        if let size {
            precondition(
                size.count == 1 || size.count == 2, "resize: size must have 1 or 2 elements, got \(size)")
            if size.count == 2 {
                precondition(maxSize == nil, "resize: maxSize is only supported with a one-element size, got size \(size)")
                return (size[0], size[1])
            }
            let requested = size[0]
            var (s, l) = (requested, Int(Double(requested) * Double(long) / Double(short)))
            if let maxSize {
                precondition(
                    maxSize > requested,
                    "resize: maxSize = \(maxSize) must be strictly greater than the requested size for the smaller edge size = \(size)")
                if l > maxSize { (s, l) = (Int(Double(maxSize) * Double(s) / Double(l)), maxSize) }
            }
            (newShort, newLong) = (s, l)
        } else {
            guard let maxSize else { preconditionFailure("resize: size nil requires maxSize") }
            (newShort, newLong) = (Int(Double(maxSize) * Double(short) / Double(long)), maxSize)
        }
        return w <= h ? (newLong, newShort) : (newShort, newLong)
    }
}

/// The resize loops over planes of contiguous rows. Planes run in parallel (two workers on the
/// two-core machines this targets; more where there are more cores).
enum ResizeKernels {
    static func parallelPlanes(_ planes: Int, _ body: (Int) -> Void) {
        if planes == 1 { body(0); return }
        withoutActuallyEscaping(body) { body in
            let box = UnsafeSendableBox(body)
            DispatchQueue.concurrentPerform(iterations: planes) { box.value($0) }
        }
    }

    static func nearest<T>(_ src: UnsafeMutablePointer<T>, _ dst: UnsafeMutablePointer<T>, _ planes: Int, _ h: Int, _ w: Int, _ rows: [Int], _ cols: [Int]) {
        let (outH, outW) = (rows.count, cols.count)
        let (s, d) = (UnsafeSendableBox(src), UnsafeSendableBox(dst))
        parallelPlanes(planes) { p in
            let plane = s.value + p * h * w
            var o = d.value + p * outH * outW
            cols.withUnsafeBufferPointer { cols in
                for y in 0..<outH {
                    let row = plane + rows[y] * w
                    for x in 0..<outW { o[x] = row[cols[x]] }
                    o += outW
                }
            }
        }
    }

    /// Runs `body` over `0..<count` in contiguous chunks, one per thread of Ember's pool.
    static func parallelRanges(_ count: Int, _ body: (Range<Int>) -> Void) {
        let chunks = Swift.min(Threading.numThreads, count)
        if chunks <= 1 { if count > 0 { body(0..<count) }; return }
        let per = (count + chunks - 1) / chunks
        withoutActuallyEscaping(body) { body in
            let box = UnsafeSendableBox(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                let range = (c * per)..<Swift.min(count, (c + 1) * per)
                if !range.isEmpty { box.value(range) }
            }
        }
    }

    /// Width pass over all rows of all planes, rounded to uint8, then height pass — the order and
    /// intermediate rounding of PyTorch's kernels. Both passes split rows across threads.
    static func separableUInt8(
        _ src: UnsafeMutablePointer<UInt8>, _ dst: UnsafeMutablePointer<UInt8>, _ planes: Int, _ h: Int, _ w: Int,
        _ outH: Int, _ outW: Int, _ horizontal: ResizeTaps<Int32>?, _ vertical: ResizeTaps<Int32>?
    ) {
        var middle = src
        var scratch: UnsafeMutablePointer<UInt8>? = nil
        if let horizontal {
            let target = vertical == nil ? dst : UnsafeMutablePointer<UInt8>.allocate(capacity: planes * h * outW)
            if vertical != nil { scratch = target }
            let (s, d) = (UnsafeSendableBox(src), UnsafeSendableBox(target))
            parallelRanges(planes * h) { rows in horizontalUInt8(s.value, d.value, rows, w, outW, horizontal) }
            middle = target
        }
        if let vertical {
            let (s, d) = (UnsafeSendableBox(middle), UnsafeSendableBox(dst))
            parallelRanges(planes * outH) { rows in verticalUInt8(s.value, d.value, rows, h, outW, outH, vertical) }
        }
        scratch?.deallocate()
    }

    private static func horizontalUInt8(
        _ src: UnsafeMutablePointer<UInt8>, _ dst: UnsafeMutablePointer<UInt8>, _ rows: Range<Int>, _ w: Int, _ outW: Int,
        _ taps: ResizeTaps<Int32>
    ) {
        let round = Int32(1) << Int32(taps.precision - 1), shift = Int32(taps.precision)
        taps.weights.withUnsafeBufferPointer { weights in
            taps.first.withUnsafeBufferPointer { first in
                taps.count.withUnsafeBufferPointer { count in
                    var y = rows.lowerBound
                    // Eight rows at a time, transposed so that the eight samples under one tap are
                    // adjacent: each tap is then one SIMD multiply-add for eight output pixels.
                    let block = UnsafeMutablePointer<Int32>.allocate(capacity: Swift.max(1, w * 8))
                    defer { block.deallocate() }
                    while y + 8 <= rows.upperBound {
                        for r in 0..<8 {
                            let row = src + (y + r) * w
                            for c in 0..<w { block[c &* 8 &+ r] = Int32(row[c]) }
                        }
                        for x in 0..<outW {
                            let k = weights.baseAddress! + x * taps.stride
                            var acc = SIMD8<Int32>(repeating: round)
                            var p = UnsafeRawPointer(block + first[x] * 8)
                            for t in 0..<count[x] {
                                acc &+= SIMD8<Int32>(repeating: k[t]) &* p.loadUnaligned(as: SIMD8<Int32>.self)
                                p += 32
                            }
                            acc &>>= SIMD8<Int32>(repeating: shift)
                            for r in 0..<8 { dst[(y + r) * outW + x] = UInt8(clamping: acc[r]) }
                        }
                        y += 8
                    }
                    for y in y..<rows.upperBound {
                        let row = src + y * w, out = dst + y * outW
                        for x in 0..<outW {
                            let k = weights.baseAddress! + x * taps.stride
                            let start = row + first[x]
                            var acc = round
                            for t in 0..<count[x] { acc &+= k[t] &* Int32(start[t]) }
                            out[x] = UInt8(clamping: acc >> shift)
                        }
                    }
                }
            }
        }
    }

    private static func verticalUInt8(
        _ src: UnsafeMutablePointer<UInt8>, _ dst: UnsafeMutablePointer<UInt8>, _ rows: Range<Int>, _ h: Int, _ w: Int,
        _ outH: Int, _ taps: ResizeTaps<Int32>
    ) {
        let round = Int32(1) << Int32(taps.precision - 1), shift = Int32(taps.precision)
        let acc = UnsafeMutablePointer<Int32>.allocate(capacity: w)
        defer { acc.deallocate() }
        for q in rows {
            let (plane, y) = q.quotientAndRemainder(dividingBy: outH)
            let base = src + plane * h * w
            for x in 0..<w { acc[x] = round }
            for t in 0..<taps.count[y] {
                let k = taps.weights[y * taps.stride + t]
                let row = base + (taps.first[y] + t) * w
                for x in 0..<w { acc[x] &+= k &* Int32(row[x]) }
            }
            let out = dst + q * w
            for x in 0..<w { out[x] = UInt8(clamping: acc[x] >> shift) }
        }
    }

    static func separableFloat(
        _ src: UnsafeMutablePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ planes: Int, _ h: Int, _ w: Int,
        _ outH: Int, _ outW: Int, _ horizontal: ResizeTaps<Float>?, _ vertical: ResizeTaps<Float>?
    ) {
        let (s, d) = (UnsafeSendableBox(src), UnsafeSendableBox(dst))
        parallelPlanes(planes) { p in
            let input = s.value + p * h * w
            let output = d.value + p * outH * outW
            var middle = input
            var scratch: UnsafeMutablePointer<Float>? = nil
            if let horizontal {
                let target = vertical == nil ? output : UnsafeMutablePointer<Float>.allocate(capacity: h * outW)
                if vertical != nil { scratch = target }
                for y in 0..<h {
                    let row = input + y * w, out = target + y * outW
                    for x in 0..<outW {
                        let base = x * horizontal.stride, start = horizontal.first[x]
                        var acc = row[start] * horizontal.weights[base]
                        for t in 1..<max(1, horizontal.count[x]) { acc += row[start + t] * horizontal.weights[base + t] }
                        out[x] = horizontal.count[x] == 0 ? 0 : acc
                    }
                }
                middle = target
            }
            if let vertical {
                for y in 0..<outH {
                    let out = output + y * outW
                    let k0 = vertical.weights[y * vertical.stride]
                    let first = middle + vertical.first[y] * outW
                    for x in 0..<outW { out[x] = first[x] * k0 }
                    for t in 1..<max(1, vertical.count[y]) {
                        let k = vertical.weights[y * vertical.stride + t]
                        let row = middle + (vertical.first[y] + t) * outW
                        for x in 0..<outW { out[x] += row[x] * k }
                    }
                }
            }
            scratch?.deallocate()
        }
    }

    /// Non-separable evaluation for plain bilinear/bicubic float32, in PyTorch's order: each
    /// source row is interpolated along the width, then the row results are combined.
    static func plainFloat(
        _ src: UnsafeMutablePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ planes: Int, _ h: Int, _ w: Int,
        _ rows: ResizeTaps<Float>, _ cols: ResizeTaps<Float>
    ) {
        let (outH, outW) = (rows.count.count, cols.count.count)
        let (nr, nc) = (rows.stride, cols.stride)
        let (s, d) = (UnsafeSendableBox(src), UnsafeSendableBox(dst))
        parallelPlanes(planes) { p in
            let plane = s.value + p * h * w
            let out = d.value + p * outH * outW
            for y in 0..<outH {
                for x in 0..<outW {
                    var total: Float = 0
                    for i in 0..<nr {
                        let row = plane + rows.first[y * nr + i] * w
                        var t = row[cols.first[x * nc]] * cols.weights[x * nc]
                        for j in 1..<nc { t += row[cols.first[x * nc + j]] * cols.weights[x * nc + j] }
                        total = i == 0 ? t * rows.weights[y * nr] : total + t * rows.weights[y * nr + i]
                    }
                    out[y * outW + x] = total
                }
            }
        }
    }
}

/// Carries a value the compiler cannot prove Sendable (raw pointers into buffers that each worker
/// touches disjointly) into `concurrentPerform`.
struct UnsafeSendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

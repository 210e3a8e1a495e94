import Ember

extension VisionOps {
    /// `ops.roi_align(input, boxes, output_size, spatial_scale, sampling_ratio, aligned)` (Mask
    /// R-CNN's RoIAlign): each region of `input` (`[N, C, H, W]`, float32 or float64) is divided
    /// into `outputSize` bins, and each bin is the mean of bilinear samples on a regular grid.
    ///
    /// - Parameters:
    ///   - boxes: `[K, 5]` rows `(batch index, x1, y1, x2, y2)` in input-image coordinates
    ///     (converted to the input's dtype).
    ///   - outputSize: `[h, w]`, or `[s]` for a square.
    ///   - spatialScale: multiplies box coordinates into feature coordinates (1/16 for stride 16).
    ///   - samplingRatio: samples per bin along each axis; `-1` (or 0) picks
    ///     `ceil(roi size / output size)` per region, as torchvision's adaptive mode.
    ///   - aligned: shift boxes by -0.5 pixel so that sample points sit on pixel centres; without
    ///     it, regions are at least 1×1 (the legacy behaviour).
    /// - Returns: `[K, C, h, w]`. Differentiable with respect to `input` (gradients scatter back
    ///   through the same bilinear weights; the gradient is itself differentiable, the
    ///   operator being linear). Boxes receive no gradient, as in torchvision.
    public static func roiAlign(
        _ input: Tensor, boxes: Tensor, outputSize: [Int], spatialScale: Double = 1, samplingRatio: Int = -1,
        aligned: Bool = false
    ) -> Tensor {
        let config = RoIConfig(input: input, rois: boxes, outputSize: outputSize, spatialScale: spatialScale, op: "roiAlign")
        return RoIAlignKernel.forward(input, config.rois, config, samplingRatio: samplingRatio, aligned: aligned)
    }

    /// `roi_align` with one `[L, 4]` box tensor per image (`boxes[i]` belongs to `input[i]`).
    public static func roiAlign(
        _ input: Tensor, boxes: [Tensor], outputSize: [Int], spatialScale: Double = 1, samplingRatio: Int = -1,
        aligned: Bool = false
    ) -> Tensor {
        roiAlign(input, boxes: roiFormat(boxes), outputSize: outputSize, spatialScale: spatialScale,
                 samplingRatio: samplingRatio, aligned: aligned)
    }

    /// torchvision's `convert_boxes_to_roi_format`: per-image `[L, 4]` boxes to `[K, 5]` rows
    /// that start with the image's index.
    public static func roiFormat(_ boxes: [Tensor]) -> Tensor {
        precondition(!boxes.isEmpty, "roiFormat: expected at least one box tensor")
        for b in boxes { precondition(b.dim == 2 && b.size(1) == 4, "roiFormat: each box tensor should have shape [L, 4], got \(b.shape)") }
        let ids = boxes.enumerated().map { i, b in Tensor.full([b.size(0), 1], Scalar.int(Int64(i)), dtype: b.dtype) }
        return Tensor.cat([Tensor.cat(ids, dim: 0), Tensor.cat(boxes, dim: 0)], dim: 1)
    }
}

/// What roiAlign and roiPool share: checked shapes and the rois in the input's dtype.
struct RoIConfig {
    let batch: Int, channels: Int, height: Int, width: Int
    let pooledHeight: Int, pooledWidth: Int
    let spatialScale: Double
    let rois: Tensor

    init(input: Tensor, rois: Tensor, outputSize: [Int], spatialScale: Double, op: String) {
        precondition(input.dim == 4, "\(op): expected input of shape [N, C, H, W], got \(input.shape)")
        precondition(input.dtype == .float32 || input.dtype == .float64, "\(op): expected a float32 or float64 input, got \(input.dtype)")
        precondition(rois.dim == 2 && rois.size(1) == 5, "\(op): boxes should have shape [K, 5], got \(rois.shape)")
        precondition(outputSize.count == 1 || outputSize.count == 2, "\(op): outputSize must have 1 or 2 elements, got \(outputSize)")
        (batch, channels, height, width) = (input.size(0), input.size(1), input.size(2), input.size(3))
        (pooledHeight, pooledWidth) = (outputSize[0], outputSize.count == 2 ? outputSize[1] : outputSize[0])
        precondition(pooledHeight > 0 && pooledWidth > 0, "\(op): outputSize must be positive, got \(outputSize)")
        self.spatialScale = spatialScale
        self.rois = rois.to(input.dtype).contiguous()
    }

    var outputShape: [Int] { [rois.size(0), channels, pooledHeight, pooledWidth] }
    var inputShape: [Int] { [batch, channels, height, width] }

    func batchIndex(_ value: Double, op: String) -> Int {
        let b = Int(value)  // C++'s int conversion truncates
        precondition(b >= 0 && b < batch, "\(op): box batch index \(value) is out of range for a batch of \(batch)")
        return b
    }
}

/// torchvision's CPU RoIAlign kernels (`roi_align_kernel.cpp`), in the input's precision with the
/// same operation order, so float32 results match to the last bit in practice.
enum RoIAlignKernel {
    /// One bilinear sample: four flat positions in a plane and their weights (all zero outside).
    struct Sample<T> { var p1 = 0, p2 = 0, p3 = 0, p4 = 0; var w1: T, w2: T, w3: T, w4: T; var valid: Bool }

    /// The geometry of one region: where its bins start and how many samples each bin takes.
    struct Region<T: BinaryFloatingPoint> {
        let batch: Int, startH: T, startW: T, binH: T, binW: T, gridH: Int, gridW: Int

        init(_ r: UnsafePointer<T>, _ c: RoIConfig, samplingRatio: Int, aligned: Bool) {
            batch = c.batchIndex(Double(r[0]), op: "roiAlign")
            let scale = T(c.spatialScale), offset: T = aligned ? 0.5 : 0
            startW = r[1] * scale - offset
            startH = r[2] * scale - offset
            var roiW = r[3] * scale - offset - startW
            var roiH = r[4] * scale - offset - startH
            if !aligned {
                roiW = max(roiW, 1)
                roiH = max(roiH, 1)
            }
            binH = roiH / T(c.pooledHeight)
            binW = roiW / T(c.pooledWidth)
            gridH = samplingRatio > 0 ? samplingRatio : Int((roiH / T(c.pooledHeight)).rounded(.up))
            gridW = samplingRatio > 0 ? samplingRatio : Int((roiW / T(c.pooledWidth)).rounded(.up))
        }

        func y(_ ph: Int, _ iy: Int) -> T { startH + T(ph) * binH + T(Float(iy) + 0.5) * binH / T(gridH) }
        func x(_ pw: Int, _ ix: Int) -> T { startW + T(pw) * binW + T(Float(ix) + 0.5) * binW / T(gridW) }
    }

    /// `bilinear_interpolate` / `bilinear_interpolate_gradient`'s weights and positions.
    @inline(__always)
    static func sample<T: BinaryFloatingPoint>(_ y0: T, _ x0: T, height: Int, width: Int) -> Sample<T> {
        if y0 < -1 || y0 > T(height) || x0 < -1 || x0 > T(width) { return Sample(w1: 0, w2: 0, w3: 0, w4: 0, valid: false) }
        var y = y0 <= 0 ? 0 : y0, x = x0 <= 0 ? 0 : x0
        var yLow = Int(y), xLow = Int(x), yHigh: Int, xHigh: Int
        if yLow >= height - 1 {
            yLow = height - 1; yHigh = yLow; y = T(yLow)
        } else { yHigh = yLow + 1 }
        if xLow >= width - 1 {
            xLow = width - 1; xHigh = xLow; x = T(xLow)
        } else { xHigh = xLow + 1 }
        let ly = y - T(yLow), lx = x - T(xLow), hy = 1 - ly, hx = 1 - lx
        return Sample(
            p1: yLow * width + xLow, p2: yLow * width + xHigh, p3: yHigh * width + xLow, p4: yHigh * width + xHigh,
            w1: hy * hx, w2: hy * lx, w3: ly * hx, w4: ly * lx, valid: true)
    }

    static func forward(_ input: Tensor, _ rois: Tensor, _ c: RoIConfig, samplingRatio: Int, aligned: Bool) -> Tensor {
        let out = Tensor(empty: c.outputShape, dtype: input.dtype)
        let x = input.contiguous()
        if input.dtype == .float32 {
            run(x, rois, out, c, Float.self, samplingRatio, aligned)
        } else {
            run(x, rois, out, c, Double.self, samplingRatio, aligned)
        }
        return Autograd.record("RoiAlignBackward0", inputs: [input], output: out, saving: [rois]) { grad, saved in
            [backward(grad, saved[0], c, samplingRatio: samplingRatio, aligned: aligned)]
        }
    }

    /// The gradient with respect to the input: the adjoint of `forward`, itself recorded so
    /// that its own gradient (the forward again) is available for double backward.
    static func backward(_ grad: Tensor, _ rois: Tensor, _ c: RoIConfig, samplingRatio: Int, aligned: Bool) -> Tensor {
        let g = grad.to(rois.dtype).contiguous()
        let result = Tensor.zeros(c.inputShape, dtype: rois.dtype)
        if rois.dtype == .float32 {
            runBackward(g, rois, result, c, Float.self, samplingRatio, aligned)
        } else {
            runBackward(g, rois, result, c, Double.self, samplingRatio, aligned)
        }
        return Autograd.record("RoiAlignBackwardBackward0", inputs: [grad], output: result, saving: [rois]) { gg, saved in
            [forward(gg, saved[0], c, samplingRatio: samplingRatio, aligned: aligned)]
        }
    }

    private static func run<T: BinaryFloatingPoint>(
        _ input: Tensor, _ rois: Tensor, _ out: Tensor, _ c: RoIConfig, _: T.Type, _ samplingRatio: Int, _ aligned: Bool
    ) {
        let src = input.visionPointer(T.self), dst = out.visionPointer(T.self), roi = rois.visionPointer(T.self)
        let plane = c.height * c.width
        for n in 0..<rois.size(0) {
            let region = Region<T>(roi + 5 * n, c, samplingRatio: samplingRatio, aligned: aligned)
            let count = T(max(region.gridH * region.gridW, 1))
            // The samples are the same for every channel: computed once per region.
            var samples: [Sample<T>] = []
            samples.reserveCapacity(c.pooledHeight * c.pooledWidth * region.gridH * region.gridW)
            for ph in 0..<c.pooledHeight {
                for pw in 0..<c.pooledWidth {
                    for iy in 0..<region.gridH {
                        let y = region.y(ph, iy)
                        for ix in 0..<region.gridW { samples.append(sample(y, region.x(pw, ix), height: c.height, width: c.width)) }
                    }
                }
            }
            let perBin = region.gridH * region.gridW
            for ch in 0..<c.channels {
                let p = src + (region.batch * c.channels + ch) * plane
                var o = dst + (n * c.channels + ch) * c.pooledHeight * c.pooledWidth
                var s = 0
                for _ in 0..<(c.pooledHeight * c.pooledWidth) {
                    var value: T = 0
                    for _ in 0..<perBin {
                        let w = samples[s]
                        value += w.w1 * p[w.p1] + w.w2 * p[w.p2] + w.w3 * p[w.p3] + w.w4 * p[w.p4]
                        s += 1
                    }
                    o.pointee = value / count
                    o += 1
                }
            }
        }
        withExtendedLifetime((input, rois, out)) {}
    }

    private static func runBackward<T: BinaryFloatingPoint>(
        _ grad: Tensor, _ rois: Tensor, _ result: Tensor, _ c: RoIConfig, _: T.Type, _ samplingRatio: Int, _ aligned: Bool
    ) {
        let g = grad.visionPointer(T.self), dst = result.visionPointer(T.self), roi = rois.visionPointer(T.self)
        let plane = c.height * c.width
        for n in 0..<rois.size(0) {
            let region = Region<T>(roi + 5 * n, c, samplingRatio: samplingRatio, aligned: aligned)
            let count = T(region.gridH * region.gridW)
            for ch in 0..<c.channels {
                let gi = dst + (region.batch * c.channels + ch) * plane
                let go = g + (n * c.channels + ch) * c.pooledHeight * c.pooledWidth
                for ph in 0..<c.pooledHeight {
                    for pw in 0..<c.pooledWidth {
                        let bin = go[ph * c.pooledWidth + pw]
                        for iy in 0..<region.gridH {
                            let y = region.y(ph, iy)
                            for ix in 0..<region.gridW {
                                let w = sample(y, region.x(pw, ix), height: c.height, width: c.width)
                                guard w.valid else { continue }
                                gi[w.p1] += bin * w.w1 / count
                                gi[w.p2] += bin * w.w2 / count
                                gi[w.p3] += bin * w.w3 / count
                                gi[w.p4] += bin * w.w4 / count
                            }
                        }
                    }
                }
            }
        }
        withExtendedLifetime((grad, rois, result)) {}
    }
}

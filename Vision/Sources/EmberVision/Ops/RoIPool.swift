import Ember

extension VisionOps {
    /// `ops.roi_pool(input, boxes, output_size, spatial_scale)` (Fast R-CNN's RoIPool): each
    /// region, rounded to whole feature pixels, is split into `outputSize` bins of whole pixels
    /// and each bin keeps its maximum; an empty bin gives 0.
    ///
    /// - Parameters:
    ///   - input: `[N, C, H, W]`, float32 or float64.
    ///   - boxes: `[K, 5]` rows `(batch index, x1, y1, x2, y2)`.
    ///   - outputSize: `[h, w]`, or `[s]` for a square.
    ///   - spatialScale: multiplies box coordinates into feature coordinates.
    /// - Returns: `[K, C, h, w]`. Differentiable with respect to `input`: each bin's gradient goes
    ///   to the pixel that held its maximum (the first one, in row-major order, on ties).
    public static func roiPool(_ input: Tensor, boxes: Tensor, outputSize: [Int], spatialScale: Double = 1) -> Tensor {
        let config = RoIConfig(input: input, rois: boxes, outputSize: outputSize, spatialScale: spatialScale, op: "roiPool")
        let (out, source) = input.dtype == .float32
            ? RoIPoolKernel.run(input.contiguous(), config, Float.self)
            : RoIPoolKernel.run(input.contiguous(), config, Double.self)
        // `source` holds, per output element, the flat input position of its maximum (-1: none).
        return Autograd.record("RoiPoolBackward0", inputs: [input], output: out, saving: [source]) { grad, saved in
            [RoIPoolKernel.scatter(grad, source: saved[0], inputShape: config.inputShape)]
        }
    }

    /// `roi_pool` with one `[L, 4]` box tensor per image.
    public static func roiPool(_ input: Tensor, boxes: [Tensor], outputSize: [Int], spatialScale: Double = 1) -> Tensor {
        roiPool(input, boxes: roiFormat(boxes), outputSize: outputSize, spatialScale: spatialScale)
    }
}

/// torchvision's CPU RoIPool kernel (`roi_pool_kernel.cpp`).
enum RoIPoolKernel {
    static func run<T: BinaryFloatingPoint>(_ input: Tensor, _ c: RoIConfig, _: T.Type) -> (Tensor, Tensor) {
        let out = Tensor(empty: c.outputShape, dtype: input.dtype)
        let source = Tensor(empty: c.outputShape, dtype: .int64)
        let src = input.visionPointer(T.self), roi = c.rois.visionPointer(T.self)
        var o = out.visionPointer(T.self), s = source.visionPointer(Int64.self)
        let scale = T(c.spatialScale), plane = c.height * c.width
        for n in 0..<c.rois.size(0) {
            let r = roi + 5 * n
            let batch = c.batchIndex(Double(r[0]), op: "roiPool")
            // C's round(): halves away from zero.
            let startW = Int((r[1] * scale).rounded(.toNearestOrAwayFromZero))
            let startH = Int((r[2] * scale).rounded(.toNearestOrAwayFromZero))
            let endW = Int((r[3] * scale).rounded(.toNearestOrAwayFromZero))
            let endH = Int((r[4] * scale).rounded(.toNearestOrAwayFromZero))
            // Malformed regions become 1×1.
            let roiW = max(endW - startW + 1, 1), roiH = max(endH - startH + 1, 1)
            let binH = T(roiH) / T(c.pooledHeight), binW = T(roiW) / T(c.pooledWidth)
            var bins: [(h0: Int, h1: Int, w0: Int, w1: Int)] = []
            for ph in 0..<c.pooledHeight {
                for pw in 0..<c.pooledWidth {
                    let h0 = Int((T(ph) * binH).rounded(.down)), w0 = Int((T(pw) * binW).rounded(.down))
                    let h1 = Int((T(ph + 1) * binH).rounded(.up)), w1 = Int((T(pw + 1) * binW).rounded(.up))
                    bins.append((min(max(h0 + startH, 0), c.height), min(max(h1 + startH, 0), c.height),
                                 min(max(w0 + startW, 0), c.width), min(max(w1 + startW, 0), c.width)))
                }
            }
            for ch in 0..<c.channels {
                let p = src + (batch * c.channels + ch) * plane
                for bin in bins {
                    let empty = bin.h1 <= bin.h0 || bin.w1 <= bin.w0
                    var best: T = empty ? 0 : T(-Float.greatestFiniteMagnitude)
                    var at = -1
                    for h in bin.h0..<max(bin.h0, bin.h1) {
                        for w in bin.w0..<max(bin.w0, bin.w1) where p[h * c.width + w] > best {
                            best = p[h * c.width + w]
                            at = h * c.width + w
                        }
                    }
                    o.pointee = best
                    s.pointee = at < 0 ? -1 : Int64((batch * c.channels + ch) * plane + at)
                    o += 1
                    s += 1
                }
            }
        }
        withExtendedLifetime((input, c.rois, out, source)) {}
        return (out, source)
    }

    /// The gradient: each output gradient added at its maximum's position (a differentiable
    /// `indexAdd`, so double backward gathers the second-order gradient back).
    static func scatter(_ grad: Tensor, source: Tensor, inputShape: [Int]) -> Tensor {
        let flatSource = source.reshape([-1])
        let valid = flatSource.ge(Scalar.int(0))
        let positions = valid.nonzero(asTuple: true)[0]
        let total = inputShape.reduce(1, *)
        let values = grad.reshape([-1]).indexSelect(0, positions)
        return Tensor.zeros([total], dtype: grad.dtype).indexAdd(0, flatSource.indexSelect(0, positions), values).reshape(inputShape)
    }
}

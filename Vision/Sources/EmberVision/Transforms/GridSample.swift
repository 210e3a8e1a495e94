import Ember

/// torchvision's tensor kernels for rotate, affine and perspective: an output-to-input coordinate
/// grid built in float32 (`_affine_grid`, `_perspective_grid`), then sampled the way
/// `grid_sample(mode, padding_mode="zeros", align_corners=False)` samples it on CPU, with the
/// optional fill mask of `_apply_grid_transform`.
///
/// The float32 arithmetic follows PyTorch's compiled kernels operation for operation, so results
/// match bit for bit on the reference build: grid entries are `(x·a + y·b) + c` with each product
/// rounded (the batched matrix product), the coordinate is unnormalised as
/// `fma(g + 1, size / 2, -0.5)`, and bilinear values are accumulated as
/// `v = p_nw·w_nw; v = fma(p_ne, w_ne, v); ...` (GCC contracts the vectorised kernel that way).
enum GridSampler {
    /// A normalised sampling grid: `(x, y)` pairs in row-major output order, in `[-1, 1]` for
    /// points inside the input.
    struct Grid {
        let width: Int
        let height: Int
        var points: [Float]
    }

    /// `_affine_grid(theta, w, h, ow, oh)`: `matrix` is the 2×3 inverse affine matrix (output
    /// pixel, centred, to input pixel, centred), rescaled to the input's normalised coordinates.
    static func affineGrid(matrix: [Double], width w: Int, height h: Int, outWidth ow: Int, outHeight oh: Int) -> Grid {
        precondition(matrix.count == 6, "affineGrid: matrix should have 6 values, got \(matrix.count)")
        let t = matrix.map { Float($0) }
        let (halfW, halfH) = (Float(0.5 * Double(w)), Float(0.5 * Double(h)))
        // rescaled_theta = theta.T / [w/2, h/2]: column j of theta scaled by output axis j.
        let ax = t[0] / halfW, bx = t[1] / halfW, cx = t[2] / halfW
        let ay = t[3] / halfH, by = t[4] / halfH, cy = t[5] / halfH
        var points = [Float](repeating: 0, count: ow * oh * 2)
        let x0 = Float((1.0 - Double(ow)) * 0.5), y0 = Float((1.0 - Double(oh)) * 0.5)
        for yi in 0..<oh {
            let y = y0 + Float(yi)
            for xi in 0..<ow {
                let x = x0 + Float(xi)
                let k = 2 * (yi * ow + xi)
                points[k] = (x * ax + y * bx) + cx
                points[k + 1] = (x * ay + y * by) + cy
            }
        }
        return Grid(width: ow, height: oh, points: points)
    }

    /// `_perspective_grid(coeffs, ow, oh)`: Pillow's projective map
    /// `x' = (c0·x + c1·y + c2) / (c6·x + c7·y + 1)`, `y' = (c3·x + c4·y + c5) / (...)` on pixel
    /// centres, normalised by the output size.
    static func perspectiveGrid(coefficients: [Double], outWidth ow: Int, outHeight oh: Int) -> Grid {
        precondition(coefficients.count == 8, "perspective: coefficients should have 8 float values, got \(coefficients.count)")
        let c = coefficients.map { Float($0) }
        let (halfW, halfH) = (Float(0.5 * Double(ow)), Float(0.5 * Double(oh)))
        let ax = c[0] / halfW, bx = c[1] / halfW, cx = c[2] / halfW
        let ay = c[3] / halfH, by = c[4] / halfH, cy = c[5] / halfH
        var points = [Float](repeating: 0, count: ow * oh * 2)
        for yi in 0..<oh {
            let y = Float(0.5) + Float(yi)
            for xi in 0..<ow {
                let x = Float(0.5) + Float(xi)
                let d = (x * c[6] + y * c[7]) + 1
                let k = 2 * (yi * ow + xi)
                points[k] = ((x * ax + y * bx) + cx) / d - 1
                points[k + 1] = ((x * ay + y * by) + cy) / d - 1
            }
        }
        return Grid(width: ow, height: oh, points: points)
    }

    /// Where each output pixel reads: up to four input offsets (-1 = outside, reads zero) with
    /// their weights; nearest uses the first slot with weight 1.
    private struct Taps {
        var offsets: [Int32]
        var weights: [Float]
    }

    private static func taps(_ grid: Grid, inWidth w: Int, inHeight h: Int, bilinear: Bool) -> Taps {
        let n = grid.width * grid.height
        let slots = bilinear ? 4 : 1
        var offsets = [Int32](repeating: -1, count: n * slots)
        var weights = [Float](repeating: 0, count: n * slots)
        let scaleX = Float(w) / 2, scaleY = Float(h) / 2
        // Float bounds first: the grid may hold huge or non-finite values (a degenerate
        // perspective), which must not reach an integer conversion.
        let limitX = Float(w) + 1, limitY = Float(h) + 1
        for p in 0..<n {
            let ix = Float(-0.5).addingProduct(grid.points[2 * p] + 1, scaleX)
            let iy = Float(-0.5).addingProduct(grid.points[2 * p + 1] + 1, scaleY)
            if bilinear {
                let xw = ix.rounded(.down), yn = iy.rounded(.down)
                let we = ix - xw, ea = 1 - we, no = iy - yn, so = 1 - no
                weights[4 * p] = so * ea
                weights[4 * p + 1] = so * we
                weights[4 * p + 2] = no * ea
                weights[4 * p + 3] = no * we
                guard xw > -2, xw < limitX, yn > -2, yn < limitY else { continue }
                let (x, y) = (Int(xw), Int(yn))
                let west = x >= 0 && x < w, east = x + 1 >= 0 && x + 1 < w
                let north = y >= 0 && y < h, south = y + 1 >= 0 && y + 1 < h
                if north && west { offsets[4 * p] = Int32(y * w + x) }
                if north && east { offsets[4 * p + 1] = Int32(y * w + x + 1) }
                if south && west { offsets[4 * p + 2] = Int32((y + 1) * w + x) }
                if south && east { offsets[4 * p + 3] = Int32((y + 1) * w + x + 1) }
            } else {
                let xr = ix.rounded(.toNearestOrEven), yr = iy.rounded(.toNearestOrEven)
                weights[p] = 1
                guard xr > -1, xr < Float(w), yr > -1, yr < Float(h) else { continue }
                offsets[p] = Int32(Int(yr) * w + Int(xr))
            }
        }
        return Taps(offsets: offsets, weights: weights)
    }

    /// `_apply_grid_transform(img, grid, mode, fill)` on `[..., C, H, W]` uint8 or float32 images.
    /// A nil `fill` leaves zeros outside the input; a fill (one value, or one per channel) blends
    /// towards it with the sampled coverage mask, as torchvision does.
    static func apply(_ image: Tensor, grid: Grid, interpolation: InterpolationMode, fill: [Double]?, op: String) -> Tensor {
        precondition(
            interpolation == .nearest || interpolation == .bilinear,
            "\(op): interpolation mode '\(interpolation.rawValue)' is unsupported with Tensor input (nearest or bilinear)")
        let planes = ImagePlanes(image, op: op)
        if let fill {
            precondition(
                fill.count == 1 || fill.count == planes.channels,
                "\(op): the number of elements in 'fill' cannot broadcast to match the number of channels of the image (\(fill.count) != \(planes.channels))")
        }
        let out = Tensor(empty: planes.outputShape(height: grid.height, width: grid.width), dtype: image.dtype)
        if out.count == 0 || image.count == 0 { return out.count == 0 ? out : zerosLike(out) }
        let bilinear = interpolation == .bilinear
        let taps = taps(grid, inWidth: planes.width, inHeight: planes.height, bilinear: bilinear)
        let n = grid.width * grid.height, inPlane = planes.height * planes.width
        let fills = fill.map { f in (0..<planes.channels).map { Float(f[f.count == 1 ? 0 : $0]) } }
        // Coverage of each output pixel: the mask channel torchvision appends when a fill is given.
        var mask = [Float]()
        if fill != nil {
            mask = [Float](repeating: 0, count: n)
            for p in 0..<n { mask[p] = sample(taps, p, bilinear) { _ in 1 } }
        }
        let isByte = image.dtype == .uint8
        let src8 = isByte ? planes.base(UInt8.self) : nil, srcF = isByte ? nil : planes.base(Float.self)
        let dst8 = isByte ? out.visionPointer(UInt8.self) : nil, dstF = isByte ? nil : out.visionPointer(Float.self)
        for plane in 0..<planes.planes {
            let channel = plane % planes.channels
            for p in 0..<n {
                var v: Float
                if let src8 {
                    let s = src8 + plane * inPlane
                    v = sample(taps, p, bilinear) { Float(s[$0]) }
                } else {
                    let s = srcF! + plane * inPlane
                    v = sample(taps, p, bilinear) { s[$0] }
                }
                if let fills {
                    let f = fills[channel]
                    if bilinear {
                        v = ((v - f) * mask[p]) + f
                    } else if mask[p] < 0.5 {
                        v = f
                    }
                }
                if let dst8 {
                    dst8[plane * n + p] = UInt8(Swift.min(Swift.max(v.rounded(.toNearestOrEven), 0), 255))
                } else {
                    dstF![plane * n + p] = v
                }
            }
        }
        return withExtendedLifetime(planes) { out }
    }

    @inline(__always)
    private static func sample(_ taps: Taps, _ p: Int, _ bilinear: Bool, _ value: (Int) -> Float) -> Float {
        if !bilinear {
            let o = taps.offsets[p]
            return o < 0 ? 0 : value(Int(o))
        }
        let k = 4 * p
        @inline(__always) func at(_ slot: Int) -> Float {
            let o = taps.offsets[k + slot]
            return o < 0 ? 0 : value(Int(o))
        }
        var v = at(0) * taps.weights[k]
        v = v.addingProduct(at(1), taps.weights[k + 1])
        v = v.addingProduct(at(2), taps.weights[k + 2])
        v = v.addingProduct(at(3), taps.weights[k + 3])
        return v
    }

    private static func zerosLike(_ t: Tensor) -> Tensor { Tensor.zeros(t.shape, dtype: t.dtype) }
}

import Ember
import Foundation

extension TF {
    /// `F.affine`: rotation by `angle` degrees (clockwise on screen, as torchvision), translation by
    /// `translate` pixels `[tx, ty]`, isotropic `scale`, and `shear` degrees — `[sx]` shears both
    /// axes by `sx` (torchvision's one-element list), `[sx, sy]` each axis; torchvision's scalar
    /// `shear=s` is `[s, 0]`. `center` is the pivot in pixel coordinates (default: the image
    /// centre). The output keeps the input size.
    ///
    /// - Parameters:
    ///   - interpolation: `.nearest` (default) or `.bilinear`.
    ///   - fill: nil leaves zeros outside the input; one value or one per channel fills there
    ///     (blended along the edge in bilinear mode, as torchvision's mask does).
    public static func affine(
        _ image: Tensor, angle: Double, translate: [Double], scale: Double, shear: [Double],
        interpolation: InterpolationMode = .nearest, fill: [Double]? = nil, center: [Double]? = nil
    ) -> Tensor {
        precondition(translate.count == 2, "affine: argument translate should be a sequence of length 2, got \(translate)")
        precondition(scale > 0, "affine: argument scale should be positive, got \(scale)")
        precondition(shear.count == 1 || shear.count == 2, "affine: shear should be a sequence containing one or two values, got \(shear)")
        precondition(center == nil || center!.count == 2, "affine: center should have two values, got \(center!)")
        precondition(image.dim >= 3, "affine: expected a tensor of shape [..., C, H, W], got \(image.shape)")
        let (h, w) = (image.shape[image.dim - 2], image.shape[image.dim - 1])
        let shearXY = shear.count == 1 ? [shear[0], shear[0]] : shear
        var centerF = [0.0, 0.0]
        if let center { centerF = [center[0] - Double(w) * 0.5, center[1] - Double(h) * 0.5] }
        let matrix = inverseAffineMatrix(center: centerF, angle: angle, translate: translate, scale: scale, shear: shearXY)
        let grid = GridSampler.affineGrid(matrix: matrix, width: w, height: h, outWidth: w, outHeight: h)
        return GridSampler.apply(image, grid: grid, interpolation: interpolation, fill: fill, op: "affine")
    }

    /// `F.rotate`: rotates counter-clockwise by `angle` degrees about `center` (pixel coordinates;
    /// default the image centre). With `expand`, the output grows to hold the whole rotated
    /// image (computed as torchvision does, from the corners rounded to 1e-4). Multiples of 90°
    /// about the centre are exact pixel moves (`torch.rot90`), as in torchvision.
    public static func rotate(
        _ image: Tensor, angle: Double, interpolation: InterpolationMode = .nearest, expand: Bool = false,
        center: [Double]? = nil, fill: [Double]? = nil
    ) -> Tensor {
        precondition(image.dim >= 3, "rotate: expected a tensor of shape [..., C, H, W], got \(image.shape)")
        precondition(center == nil || center!.count == 2, "rotate: center should have two values, got \(center!)")
        // Python's `angle % 360`: the result takes the divisor's sign.
        var a = angle.truncatingRemainder(dividingBy: 360)
        if a < 0 { a += 360 }
        let (h, w) = (image.shape[image.dim - 2], image.shape[image.dim - 1])
        if center == nil {
            if a == 0 { return image.contiguous().clone() }
            if a == 180 { return verticalFlip(horizontalFlip(image)) }
            if expand || h == w {
                if a == 90 { return horizontalFlip(image).transpose(image.dim - 2, image.dim - 1).contiguous() }
                if a == 270 { return verticalFlip(image).transpose(image.dim - 2, image.dim - 1).contiguous() }
            }
        }
        var centerF = [0.0, 0.0]
        if let center { centerF = [center[0] - Double(w) * 0.5, center[1] - Double(h) * 0.5] }
        // torchvision's affine and rotate turn in opposite directions, hence -angle.
        let matrix = inverseAffineMatrix(center: centerF, angle: -a, translate: [0, 0], scale: 1, shear: [0, 0])
        let (ow, oh) = expand ? affineOutputSize(matrix: matrix, width: w, height: h) : (w, h)
        let grid = GridSampler.affineGrid(matrix: matrix, width: w, height: h, outWidth: ow, outHeight: oh)
        return GridSampler.apply(image, grid: grid, interpolation: interpolation, fill: fill, op: "rotate")
    }

    /// `F.perspective` from four corner correspondences: `startpoints` (top-left, top-right,
    /// bottom-right, bottom-left of the original, `[x, y]` pixels) move to `endpoints`.
    public static func perspective(
        _ image: Tensor, startpoints: [[Double]], endpoints: [[Double]], interpolation: InterpolationMode = .bilinear,
        fill: [Double]? = nil
    ) -> Tensor {
        perspective(image, coefficients: perspectiveCoefficients(startpoints: startpoints, endpoints: endpoints),
                    interpolation: interpolation, fill: fill)
    }

    /// `F.perspective(img, None, None, coefficients=...)`: the eight coefficients `a...h` of the
    /// output-to-input map `((a·x + b·y + c) / (g·x + h·y + 1), (d·x + e·y + f) / (g·x + h·y + 1))`.
    public static func perspective(
        _ image: Tensor, coefficients: [Double], interpolation: InterpolationMode = .bilinear, fill: [Double]? = nil
    ) -> Tensor {
        precondition(image.dim >= 3, "perspective: expected a tensor of shape [..., C, H, W], got \(image.shape)")
        let (h, w) = (image.shape[image.dim - 2], image.shape[image.dim - 1])
        let grid = GridSampler.perspectiveGrid(coefficients: coefficients, outWidth: w, outHeight: h)
        return GridSampler.apply(image, grid: grid, interpolation: interpolation, fill: fill, op: "perspective")
    }

    /// torchvision's `_get_perspective_coeffs`: the least-squares (here: exact, the system is
    /// square) solution of the 8×8 system in double precision, rounded to float32 as torchvision
    /// rounds it.
    public static func perspectiveCoefficients(startpoints: [[Double]], endpoints: [[Double]]) -> [Double] {
        precondition(
            startpoints.count == 4 && endpoints.count == 4 && (startpoints + endpoints).allSatisfy { $0.count == 2 },
            "perspective: please provide exactly four corners of two coordinates, got \(startpoints.count) startpoints and \(endpoints.count) endpoints")
        var a = [[Double]](repeating: [Double](repeating: 0, count: 9), count: 8)
        for (i, (p1, p2)) in zip(endpoints, startpoints).enumerated() {
            a[2 * i] = [p1[0], p1[1], 1, 0, 0, 0, -p2[0] * p1[0], -p2[0] * p1[1], p2[0]]
            a[2 * i + 1] = [0, 0, 0, p1[0], p1[1], 1, -p2[1] * p1[0], -p2[1] * p1[1], p2[1]]
        }
        // Gaussian elimination with partial pivoting on the augmented matrix.
        for col in 0..<8 {
            let pivot = (col..<8).max { abs(a[$0][col]) < abs(a[$1][col]) }!
            precondition(a[pivot][col] != 0, "perspective: the corner correspondences are degenerate (singular system)")
            a.swapAt(col, pivot)
            for row in 0..<8 where row != col {
                let f = a[row][col] / a[col][col]
                if f == 0 { continue }
                for k in col..<9 { a[row][k] -= f * a[col][k] }
            }
        }
        return (0..<8).map { Double(Float(a[$0][8] / a[$0][$0])) }
    }

    /// torchvision's `_get_inverse_affine_matrix` (inverted): output pixel (centred) → input pixel.
    static func inverseAffineMatrix(center: [Double], angle: Double, translate: [Double], scale: Double, shear: [Double]) -> [Double] {
        // math.radians multiplies by the constant pi / 180.
        let toRadians = Double.pi / 180
        let rot = angle * toRadians, sx = shear[0] * toRadians, sy = shear[1] * toRadians
        let (cx, cy) = (center[0], center[1])
        let (tx, ty) = (translate[0], translate[1])
        let cosSy = cos(sy), tanSx = tan(sx)
        let rotMinusSy = rot - sy
        let cxPlusTx = cx + tx, cyPlusTy = cy + ty
        let a = cos(rotMinusSy) / cosSy
        let b = -(a * tanSx + sin(rot))
        let c = sin(rotMinusSy) / cosSy
        let d = cos(rot) - c * tanSx
        var m = [d / scale, -b / scale, 0.0, -c / scale, a / scale, 0.0]
        m[2] += cx - m[0] * cxPlusTx - m[1] * cyPlusTy
        m[5] += cy - m[3] * cxPlusTx - m[4] * cyPlusTy
        return m
    }

    /// `_compute_affine_output_size_tensor`: the bounding box of the rotated corners in float32,
    /// truncated to 1e-4 before ceil/floor so that 1e-15 noise does not add a pixel.
    static func affineOutputSize(matrix: [Double], width w: Int, height h: Int) -> (Int, Int) {
        let t = matrix.map { Float($0) }
        let hw = Float(0.5 * Double(w)), hh = Float(0.5 * Double(h))
        let corners: [(Float, Float)] = [(-hw, -hh), (-hw, hh), (hw, hh), (hw, -hh)]
        var lo = (Float.infinity, Float.infinity), hi = (-Float.infinity, -Float.infinity)
        for (x, y) in corners {
            let nx = (x * t[0] + y * t[1]) + t[2], ny = (x * t[3] + y * t[4]) + t[5]
            lo = (min(lo.0, nx), min(lo.1, ny))
            hi = (max(hi.0, nx), max(hi.1, ny))
        }
        let invTol = Float(1.0 / 1e-4), tol = Float(1e-4)
        func top(_ v: Float) -> Float { (((v * invTol).rounded(.towardZero)) * tol).rounded(.up) }
        func bottom(_ v: Float) -> Float { (((v * invTol).rounded(.towardZero)) * tol).rounded(.down) }
        let width = top(hi.0 + hw) - bottom(lo.0 + hw)
        let height = top(hi.1 + hh) - bottom(lo.1 + hh)
        return (Int(width), Int(height))
    }
}

import Ember

extension VisionUtils {
    /// `draw_keypoints`: draws keypoints (`[N, K, 2]`, truncated to integers) as filled discs of
    /// `radius` in `color`, and for each `(a, b)` in `connectivity` a line of `width` pixels in
    /// `lineColor` between keypoints `a` and `b` of the same instance. Keypoints whose
    /// `visibility` (`[N, K]` bool) is false are skipped, with their lines. The image is `[3, H, W]`
    /// uint8 or floating point in [0, 1]; the result has its dtype.
    ///
    /// As torchvision: without `color` no discs are drawn (PIL draws an ellipse with neither fill
    /// nor outline width as nothing), and lines are white.
    ///
    /// Pixel for pixel as torchvision: discs are PIL's filled ellipses (`ImageDraw.ellipse` on the
    /// box `point ± radius`, nothing for radius 0), lines of width 1 PIL's Bresenham lines with
    /// their end point, wider lines PIL's `ImagingDrawWideLine` quadrilaterals filled by its
    /// scan-line rule, width 0 no line. Each instance's discs are drawn before its lines.
    public static func drawKeypoints(
        _ image: Tensor, keypoints: Tensor, connectivity: [(Int, Int)] = [], color: DrawColor? = nil, radius: Int = 2,
        width: Int = 3, visibility: Tensor? = nil, lineColor: DrawColor = DrawColor(255, 255, 255)
    ) -> Tensor {
        precondition(image.dtype == .uint8 || image.dtype.isFloatingPoint, "drawKeypoints: The image dtype must be uint8 or float, got \(image.dtype)")
        precondition(image.dim == 3, "drawKeypoints: Pass individual images, not batches")
        precondition(image.size(0) == 3, "drawKeypoints: Pass an RGB image. Other Image formats are not supported")
        precondition(keypoints.dim == 3 && keypoints.size(2) == 2, "drawKeypoints: keypoints must be of shape (num_instances, K, 2)")
        let (n, k) = (keypoints.size(0), keypoints.size(1))
        var visible = visibility ?? Tensor.full([n, k], Scalar.bool(true), dtype: .bool)
        if visible.dim == 3 { visible = visible.squeeze(dim: -1) }
        precondition(visible.shape == [n, k], "drawKeypoints: keypoints and visibility must have the same dimensionality for num_instances and K. Got visibility \(visible.shape) and keypoints \(keypoints.shape)")
        let shown = visible.to(.bool).contiguous().toArray(Bool.self)
        let points = keypoints.to(.int64).contiguous().toArray(Int64.self).map(Int.init)
        var canvas = Canvas(rgbBytes(image))
        for i in 0..<n {
            if let color {
                precondition(radius >= 0, "drawKeypoints: x1 must be greater than or equal to x0 (radius \(radius))")
                for j in 0..<k where shown[i * k + j] {
                    let (x, y) = (points[(i * k + j) * 2], points[(i * k + j) * 2 + 1])
                    canvas.fillEllipse(x - radius, y - radius, x + radius, y + radius, color)
                }
            }
            for (a, b) in connectivity where shown[i * k + a] && shown[i * k + b] {
                let (x0, y0) = (points[(i * k + a) * 2], points[(i * k + a) * 2 + 1])
                let (x1, y1) = (points[(i * k + b) * 2], points[(i * k + b) * 2 + 1])
                if width > 1 {
                    canvas.wideLine(x0, y0, x1, y1, width: width, lineColor)
                } else if width != 0 {  // PIL draws nothing for width 0
                    canvas.line(x0, y0, x1, y1, lineColor)
                    canvas.point(x1, y1, lineColor)
                }
            }
        }
        return backToDType(canvas.tensor, like: image)
    }
}

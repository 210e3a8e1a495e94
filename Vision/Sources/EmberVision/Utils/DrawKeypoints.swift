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
    /// Rasterisation is Ember's own, not PIL's: a disc covers the pixels whose centres lie
    /// within `radius + 0.4` of the keypoint's pixel centre (PIL's discs for the radii tested),
    /// a one-pixel line is a Bresenham line (PIL's), a wider line the pixels whose centres lie in
    /// the `width`-wide band along the segment, half a pixel longer at each end. PIL's wide-line
    /// polygons choose some edge pixels differently (about 15–20% of a thick line's pixels).
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
                for j in 0..<k where shown[i * k + j] {
                    disc(&canvas, points[(i * k + j) * 2], points[(i * k + j) * 2 + 1], radius, color)
                }
            }
            for (a, b) in connectivity where shown[i * k + a] && shown[i * k + b] {
                let (x0, y0) = (points[(i * k + a) * 2], points[(i * k + a) * 2 + 1])
                let (x1, y1) = (points[(i * k + b) * 2], points[(i * k + b) * 2 + 1])
                wideLine(&canvas, x0, y0, x1, y1, width, lineColor)
            }
        }
        return backToDType(canvas.tensor, like: image)
    }

    private static func disc(_ canvas: inout Canvas, _ x: Int, _ y: Int, _ radius: Int, _ color: DrawColor) {
        guard radius > 0 else { return }  // PIL draws nothing for a zero-size ellipse
        let reach = (Double(radius) + 0.4) * (Double(radius) + 0.4)
        for dy in -radius...radius {
            for dx in -radius...radius where Double(dx * dx + dy * dy) < reach { canvas.point(x + dx, y + dy, color) }
        }
    }

    private static func wideLine(_ canvas: inout Canvas, _ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ width: Int, _ color: DrawColor) {
        if width <= 1 || (x0 == x1 && y0 == y1) {
            canvas.line(x0, y0, x1, y1, color)
            canvas.point(x1, y1, color)
            return
        }
        // The band around the segment between pixel centres, half a pixel longer at each end
        // (closest to PIL's choices of the simple rules measured), as a quadrilateral.
        var (ax, ay, bx, by) = (Double(x0) + 0.5, Double(y0) + 0.5, Double(x1) + 0.5, Double(y1) + 0.5)
        let length = ((bx - ax) * (bx - ax) + (by - ay) * (by - ay)).squareRoot()
        let (ux, uy) = ((bx - ax) / length, (by - ay) / length)
        (ax, ay, bx, by) = (ax - ux / 2, ay - uy / 2, bx + ux / 2, by + uy / 2)
        let (nx, ny) = (-uy * Double(width) / 2, ux * Double(width) / 2)
        canvas.fillConvexPolygon([(ax + nx, ay + ny), (bx + nx, by + ny), (bx - nx, by - ny), (ax - nx, ay - ny)], color)
    }
}

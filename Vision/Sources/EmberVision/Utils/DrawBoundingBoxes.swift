import Ember

extension VisionUtils {
    /// `draw_bounding_boxes`: draws `xyxy` boxes (`[N, 4]`, truncated to integers) on a
    /// `[C, H, W]` image (C 1 or 3; uint8, or floating point in [0, 1]) and returns a new
    /// `[3, H, W]` image of the same dtype.
    ///
    /// Pixel for pixel as torchvision (PIL's `rectangle`): the outline is `width` nested
    /// one-pixel rectangles inside the box's edges; with `fill`, the box is first blended with
    /// its colour at alpha 100/255.
    ///
    /// Not provided: `labels` (torchvision renders them with PIL's fonts, which Ember does not
    /// reproduce) and rotated boxes.
    ///
    /// - Parameter colors: one per box, or nil for torchvision's generated palette.
    public static func drawBoundingBoxes(
        _ image: Tensor, boxes: Tensor, colors: [DrawColor]? = nil, fill: Bool = false, width: Int = 1
    ) -> Tensor {
        precondition(image.dtype == .uint8 || image.dtype.isFloatingPoint, "drawBoundingBoxes: The image dtype must be uint8 or float, got \(image.dtype)")
        precondition(image.dim == 3, "drawBoundingBoxes: Pass individual images, not batches")
        precondition(image.size(0) == 1 || image.size(0) == 3, "drawBoundingBoxes: Only grayscale and RGB images are supported")
        precondition(boxes.dim == 2 && boxes.size(1) == 4, "drawBoundingBoxes: boxes should have shape [N, 4], got \(boxes.shape)")
        let n = boxes.size(0)
        if n == 0 { return image }
        let corners = boxes.to(.float64).contiguous().toArray(Double.self)
        for i in 0..<n {
            precondition(corners[4 * i] <= corners[4 * i + 2] && corners[4 * i + 1] <= corners[4 * i + 3],
                         "drawBoundingBoxes: Boxes need to be in (xmin, ymin, xmax, ymax) format. Use VisionOps.boxConvert to convert them")
        }
        let palette = colors ?? DrawColor.palette(n)
        precondition(palette.count >= n, "drawBoundingBoxes: Number of colors must be equal or larger than the number of objects, but got \(palette.count) < \(n).")
        var canvas = Canvas(rgbBytes(image))
        let integral = boxes.to(.int64).contiguous().toArray(Int64.self).map(Int.init)
        for i in 0..<n {
            let (x0, y0, x1, y1) = (integral[4 * i], integral[4 * i + 1], integral[4 * i + 2], integral[4 * i + 3])
            if fill && y0 < canvas.height && y1 >= 0 {
                for y in max(y0, 0)...min(y1, canvas.height) { canvas.horizontalLine(x0, y, x1, palette[i], alpha: 100) }
            }
            for k in 0..<max(width, 0) {  // PIL draws no outline for width 0
                canvas.horizontalLine(x0, y0 + k, x1, palette[i])
                canvas.horizontalLine(x0, y1 - k, x1, palette[i])
                canvas.line(x1 - k, y0 + width, x1 - k, y1 - width + 1, palette[i])
                canvas.line(x0 + k, y0 + width, x0 + k, y1 - width + 1, palette[i])
            }
        }
        return backToDType(canvas.tensor, like: image)
    }

    /// The image as `[3, H, W]` uint8: gray repeated, floats scaled by 255 (`to_dtype(uint8, scale=True)`).
    static func rgbBytes(_ image: Tensor) -> Tensor {
        var rgb = image.size(0) == 1 ? Tensor.cat([image, image, image], dim: 0) : image
        if rgb.dtype.isFloatingPoint { rgb = TF.toDtype(rgb, .uint8, scale: true) }
        return rgb
    }

    static func backToDType(_ bytes: Tensor, like image: Tensor) -> Tensor {
        image.dtype.isFloatingPoint ? TF.toDtype(bytes, image.dtype, scale: true) : bytes
    }
}

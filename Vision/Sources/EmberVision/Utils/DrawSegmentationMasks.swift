import Ember

extension VisionUtils {
    /// `draw_segmentation_masks`: blends boolean masks (`[N, H, W]` or `[H, W]`) onto a
    /// `[3, H, W]` image (uint8, or floating point in [0, 1]): each mask's pixels take its colour,
    /// pixels under two or more masks become black, and the result is
    /// `image · (1 − alpha) + painted · alpha`, converted back to the image's dtype (truncating,
    /// as torchvision's `.to(uint8)`).
    ///
    /// - Parameter colors: one per mask, or nil for torchvision's generated palette.
    public static func drawSegmentationMasks(_ image: Tensor, masks: Tensor, alpha: Double = 0.8, colors: [DrawColor]? = nil) -> Tensor {
        precondition(image.dtype == .uint8 || image.dtype.isFloatingPoint, "drawSegmentationMasks: The image dtype must be uint8 or float, got \(image.dtype)")
        precondition(image.dim == 3, "drawSegmentationMasks: Pass individual images, not batches")
        precondition(image.size(0) == 3, "drawSegmentationMasks: Pass an RGB image. Other Image formats are not supported")
        let m = masks.dim == 2 ? masks.unsqueeze(0) : masks
        precondition(m.dim == 3, "drawSegmentationMasks: masks must be of shape (H, W) or (batch_size, H, W)")
        precondition(m.dtype == .bool, "drawSegmentationMasks: The masks must be of dtype bool. Got \(m.dtype)")
        precondition(Array(m.shape.suffix(2)) == Array(image.shape.suffix(2)), "drawSegmentationMasks: The image and the masks must have the same height and width")
        let n = m.size(0)
        if n == 0 { return image }
        let palette = colors ?? DrawColor.palette(n)
        precondition(palette.count >= n, "drawSegmentationMasks: Number of colors must be equal or larger than the number of objects, but got \(palette.count) < \(n).")
        let plane = image.size(1) * image.size(2)
        let bits = m.contiguous().toArray(Bool.self)
        var covered = [Int](repeating: 0, count: plane)
        // The painted copy, in float64 (exact for uint8 values and for float32/float64 ones).
        var painted = image.to(.float64).contiguous().toArray(Double.self)
        for k in 0..<n {
            // Colours in the image's dtype: bytes for uint8, v/255 rounded to the float type otherwise.
            let values = palette[k].components.map { image.dtype.isFloatingPoint ? Tensor(scalar: $0 / 255).to(image.dtype).item(Double.self) : $0 }
            for p in 0..<plane where bits[k * plane + p] {
                covered[p] += 1
                for c in 0..<3 { painted[c * plane + p] = values[c] }
            }
        }
        for p in 0..<plane where covered[p] > 1 { for c in 0..<3 { painted[c * plane + p] = 0 } }
        let drawn = Tensor(painted, shape: image.shape).to(image.dtype)
        let out = image.mul(Scalar.double(1 - alpha)).add(drawn.mul(Scalar.double(alpha)))
        return out.to(image.dtype)
    }
}

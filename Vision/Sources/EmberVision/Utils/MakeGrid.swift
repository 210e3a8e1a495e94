import Ember
import Foundation

/// `torchvision.utils`: image grids and annotations drawn onto images.
public enum VisionUtils {}

extension VisionUtils {
    /// `make_grid`: lays a batch of images out in a grid, `nrow` per row, with `padding`
    /// pixels of `padValue` around each.
    ///
    /// - Parameters:
    ///   - tensor: `[B, C, H, W]`, one `[C, H, W]` image or an `[H, W]` plane; one channel is
    ///     repeated to three.
    ///   - normalize: shift and scale to [0, 1], by `valueRange` (clamped first) or by the
    ///     tensor's own minimum and maximum (each image's own with `scaleEach`). Floating
    ///     tensors only.
    /// - Returns: `[C, H', W']` in the input's dtype (a single image comes back unpadded).
    public static func makeGrid(
        _ tensor: Tensor, nrow: Int = 8, padding: Int = 2, normalize: Bool = false, valueRange: (Double, Double)? = nil,
        scaleEach: Bool = false, padValue: Double = 0
    ) -> Tensor {
        var t = tensor
        if t.dim == 2 { t = t.unsqueeze(0) }
        if t.dim == 3 {
            if t.size(0) == 1 { t = Tensor.cat([t, t, t], dim: 0) }
            t = t.unsqueeze(0)
        }
        precondition(t.dim == 4, "makeGrid: expected [B, C, H, W], [C, H, W] or [H, W], got \(tensor.shape)")
        if t.size(1) == 1 { t = Tensor.cat([t, t, t], dim: 1) }
        if normalize {
            precondition(t.dtype.isFloatingPoint, "makeGrid: normalize needs a floating-point tensor, got \(t.dtype)")
            t = t.clone()
            if scaleEach {
                for i in 0..<t.size(0) { normalizeInPlace(t.select(0, i), valueRange) }
            } else {
                normalizeInPlace(t, valueRange)
            }
        }
        if t.size(0) == 1 { return t.squeeze(dim: 0) }
        let count = t.size(0), columns = min(nrow, count), rows = (count + columns - 1) / columns
        let height = t.size(2) + padding, width = t.size(3) + padding
        let grid = Tensor.full([t.size(1), height * rows + padding, width * columns + padding], Scalar.double(padValue), dtype: t.dtype)
        var k = 0
        for y in 0..<rows {
            for x in 0..<columns where k < count {
                _ = grid.narrow(1, start: y * height + padding, length: height - padding)
                    .narrow(2, start: x * width + padding, length: width - padding).copy_(t.select(0, k))
                k += 1
            }
        }
        return grid
    }

    /// The list form: images of one shape, stacked first.
    public static func makeGrid(
        _ images: [Tensor], nrow: Int = 8, padding: Int = 2, normalize: Bool = false, valueRange: (Double, Double)? = nil,
        scaleEach: Bool = false, padValue: Double = 0
    ) -> Tensor {
        makeGrid(Tensor.stack(images, dim: 0), nrow: nrow, padding: padding, normalize: normalize, valueRange: valueRange,
                 scaleEach: scaleEach, padValue: padValue)
    }

    /// torchvision's `norm_ip`: clamp to the range, subtract its low end, divide by its width.
    private static func normalizeInPlace(_ image: Tensor, _ range: (Double, Double)?) {
        let (low, high) = range ?? (image.min().item(Double.self), image.max().item(Double.self))
        image.clamp_(min: Scalar.double(low), max: Scalar.double(high))
        image.sub_(Scalar.double(low)).div_(Scalar.double(max(high - low, 1e-5)))
    }

    /// `save_image`: `makeGrid` with the same options, scaled from [0, 1] to bytes
    /// (`× 255 + 0.5`, clamped, truncated) and written as PNG, or as JPEG (quality 75, PIL's
    /// default) when the path ends in `.jpg`/`.jpeg`.
    public static func saveImage(
        _ tensor: Tensor, path: String, nrow: Int = 8, padding: Int = 2, normalize: Bool = false,
        valueRange: (Double, Double)? = nil, scaleEach: Bool = false, padValue: Double = 0
    ) throws {
        let grid = makeGrid(tensor, nrow: nrow, padding: padding, normalize: normalize, valueRange: valueRange,
                            scaleEach: scaleEach, padValue: padValue)
        let bytes = withNoGrad { grid.mul(Scalar.int(255)).add(Scalar.double(0.5)).clamp(min: Scalar.int(0), max: Scalar.int(255)).to(.uint8) }
        let lower = path.lowercased()
        if lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg") {
            try IO.writeJPEG(bytes, path: path, quality: 75)
        } else {
            try IO.writePNG(bytes, path: path)
        }
    }
}

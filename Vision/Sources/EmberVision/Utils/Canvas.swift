import Ember

/// An RGB image as interleaved bytes, for drawing the way PIL's `ImageDraw` does on an "RGB"
/// image: integer pixel coordinates, out-of-image pixels skipped, optional alpha blending
/// with PIL's rounding (`(a·(255−α) + b·α + 128)` divided by 255 with two shifts).
struct Canvas {
    var pixels: [UInt8]
    let height: Int, width: Int

    /// A `[3, H, W]` uint8 tensor (any strides).
    init(_ image: Tensor) {
        precondition(image.dtype == .uint8 && image.dim == 3 && image.size(0) == 3, "Canvas: expected a [3, H, W] uint8 image")
        (height, width) = (image.size(1), image.size(2))
        pixels = image.permute([1, 2, 0]).contiguous().toArray(UInt8.self)
    }

    /// Back to a contiguous `[3, H, W]` uint8 tensor.
    var tensor: Tensor { Tensor(pixels, shape: [height, width, 3]).permute([2, 0, 1]).contiguous() }

    @inline(__always)
    mutating func point(_ x: Int, _ y: Int, _ color: DrawColor, alpha: Int = 255) {
        guard x >= 0, x < width, y >= 0, y < height else { return }
        let i = (y * width + x) * 3
        if alpha == 255 {
            (pixels[i], pixels[i + 1], pixels[i + 2]) = (color.red, color.green, color.blue)
        } else {
            pixels[i] = Self.blend(pixels[i], color.red, alpha)
            pixels[i + 1] = Self.blend(pixels[i + 1], color.green, alpha)
            pixels[i + 2] = Self.blend(pixels[i + 2], color.blue, alpha)
        }
    }

    @inline(__always)
    static func blend(_ under: UInt8, _ over: UInt8, _ alpha: Int) -> UInt8 {
        let t = Int(under) * (255 - alpha) + Int(over) * alpha + 128
        return UInt8(((t >> 8) + t) >> 8)
    }

    /// Pixels `x0...x1` of row `y`, clipped to the image.
    mutating func horizontalLine(_ x0: Int, _ y: Int, _ x1: Int, _ color: DrawColor, alpha: Int = 255) {
        let (first, last) = (max(x0, 0), min(x1, width - 1))
        guard y >= 0, y < height, first <= last else { return }
        for x in first...last { point(x, y, color, alpha: alpha) }
    }

    /// PIL's one-pixel line from (x0, y0) towards (x1, y1), without the end point: a vertical or
    /// horizontal run, else Bresenham along the longer axis with PIL's error term (it steps the
    /// shorter axis when the error is not negative).
    mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ color: DrawColor, alpha: Int = 255) {
        var dx = abs(x1 - x0), dy = abs(y1 - y0)
        let sx = x1 < x0 ? -1 : 1, sy = y1 < y0 ? -1 : 1
        var (x, y) = (x0, y0)
        if dx == 0 {
            for _ in 0..<dy { point(x, y, color, alpha: alpha); y += sy }
        } else if dy == 0 {
            for _ in 0..<dx { point(x, y, color, alpha: alpha); x += sx }
        } else if dx > dy {
            let n = dx
            dy += dy
            var e = dy - dx
            dx += dx
            for _ in 0..<n {
                point(x, y, color, alpha: alpha)
                if e >= 0 { y += sy; e -= dx }
                e += dy
                x += sx
            }
        } else {
            let n = dy
            dx += dx
            var e = dx - dy
            dy += dy
            for _ in 0..<n {
                point(x, y, color, alpha: alpha)
                if e >= 0 { x += sx; e -= dy }
                e += dx
                y += sy
            }
        }
    }

    /// Blends an 8-bit coverage mask whose top-left pixel lands on (x, y): each pixel becomes
    /// `BLEND(coverage, pixel, color)` (PIL's `draw_bitmap`, i.e. `ImagingFill2` with an "L" mask).
    mutating func blend(mask: [UInt8], width maskWidth: Int, height maskHeight: Int, at x: Int, _ y: Int, _ color: DrawColor) {
        for r in 0..<maskHeight where y + r >= 0 && y + r < height {
            for c in 0..<maskWidth where x + c >= 0 && x + c < width {
                point(x + c, y + r, color, alpha: Int(mask[r * maskWidth + c]))
            }
        }
    }
}

extension Canvas {
    /// PIL's filled rectangle (`ImagingDrawRectangle` with fill): rows y0...y1, the first clipped
    /// to the image and the last to its height (a row past the bottom is skipped as off-image).
    mutating func fillRectangle(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ color: DrawColor, alpha: Int = 255) {
        let (top, bottom) = y0 <= y1 ? (y0, y1) : (y1, y0)
        guard top < height, bottom >= 0 else { return }
        for y in max(top, 0)...min(bottom, height) { horizontalLine(x0, y, x1, color, alpha: alpha) }
    }
}

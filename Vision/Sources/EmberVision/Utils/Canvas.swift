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

    /// A one-pixel line from (x0, y0) towards (x1, y1). Axis-parallel lines stop one pixel short
    /// of the end point, as PIL's do; others are Bresenham lines including both ends.
    mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ color: DrawColor, alpha: Int = 255) {
        let dx = abs(x1 - x0), dy = abs(y1 - y0), sx = x1 < x0 ? -1 : 1, sy = y1 < y0 ? -1 : 1
        var (x, y) = (x0, y0)
        if dx == 0 {
            for _ in 0..<dy { point(x, y, color, alpha: alpha); y += sy }
        } else if dy == 0 {
            for _ in 0..<dx { point(x, y, color, alpha: alpha); x += sx }
        } else {
            var error = dx - dy
            while true {
                point(x, y, color, alpha: alpha)
                if x == x1 && y == y1 { break }
                let e2 = 2 * error
                if e2 > -dy { error -= dy; x += sx }
                if e2 < dx { error += dx; y += sy }
            }
        }
    }

    /// Fills the convex polygon `corners` (pixels whose centres lie inside or on an edge).
    mutating func fillConvexPolygon(_ corners: [(Double, Double)], _ color: DrawColor) {
        let ys = corners.map(\.1)
        let top = max(0, Int((ys.min()! - 0.5).rounded(.up))), bottom = min(height - 1, Int((ys.max()! - 0.5).rounded(.down)))
        guard top <= bottom else { return }
        for y in top...bottom {
            let cy = Double(y) + 0.5
            var low = Double.infinity, high = -Double.infinity
            for i in corners.indices {
                let (ax, ay) = corners[i], (bx, by) = corners[(i + 1) % corners.count]
                if (ay <= cy && cy <= by) || (by <= cy && cy <= ay) {
                    if ay == by {
                        low = min(low, ax, bx); high = max(high, ax, bx)
                    } else {
                        let x = ax + (cy - ay) / (by - ay) * (bx - ax)
                        low = min(low, x); high = max(high, x)
                    }
                }
            }
            guard low <= high else { continue }
            let first = Int((low - 0.5).rounded(.up)), last = Int((high - 0.5).rounded(.down))
            if first <= last { horizontalLine(first, y, last, color) }
        }
    }
}

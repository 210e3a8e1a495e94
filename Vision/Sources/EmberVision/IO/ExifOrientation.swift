import Ember

/// The eight EXIF orientations as pixel rearrangements of a channels-last image.
enum ExifOrientation {
    /// A new contiguous `[H', W', C]` tensor showing `hwc` the way EXIF orientation `value` (2...8)
    /// says it should be displayed; the same transforms as torchvision's `exif_orientation_transform`
    /// (2 mirror, 3 rotate 180°, 4 flip, 5 transpose, 6 rotate 90° clockwise, 7 transverse,
    /// 8 rotate 90° counter-clockwise).
    static func apply(_ value: Int, toHWC hwc: Tensor) -> Tensor {
        switch hwc.dtype {
        case .uint8: return apply(value, hwc, UInt8.self)
        case .uint16: return apply(value, hwc, UInt16.self)  // 16-bit PNG samples
        default: preconditionFailure("exif orientation: unsupported dtype \(hwc.dtype)")
        }
    }

    private static func apply<T: TensorElement>(_ value: Int, _ hwc: Tensor, _: T.Type) -> Tensor {
        let (h, w, c) = (hwc.shape[0], hwc.shape[1], hwc.shape[2])
        let row = w * c
        // Every orientation is affine in the source index: out(y, x) = src[start + y*dy + x*dx].
        let (outH, outW, start, dy, dx): (Int, Int, Int, Int, Int)
        switch value {
        case 2: (outH, outW, start, dy, dx) = (h, w, (w - 1) * c, row, -c)
        case 3: (outH, outW, start, dy, dx) = (h, w, (h - 1) * row + (w - 1) * c, -row, -c)
        case 4: (outH, outW, start, dy, dx) = (h, w, (h - 1) * row, -row, c)
        case 5: (outH, outW, start, dy, dx) = (w, h, 0, c, row)
        case 6: (outH, outW, start, dy, dx) = (w, h, (h - 1) * row, c, -row)
        case 7: (outH, outW, start, dy, dx) = (w, h, (h - 1) * row + (w - 1) * c, -c, -row)
        case 8: (outH, outW, start, dy, dx) = (w, h, (w - 1) * c, -c, row)
        default: return hwc
        }
        let out = Tensor(empty: [outH, outW, c], dtype: hwc.dtype)
        let src = hwc.storage.data.assumingMemoryBound(to: T.self) + hwc.storageOffset
        let dst = out.storage.data.assumingMemoryBound(to: T.self)
        var o = 0
        for y in 0..<outH {
            var s = start + y * dy
            for _ in 0..<outW {
                for k in 0..<c { dst[o + k] = src[s + k] }
                o += c
                s += dx
            }
        }
        return out
    }
}

import Ember

/// Index-mapping transforms: every output pixel copies one input pixel (or a fill value), so one
/// generic kernel serves flips, crops and all padding modes.
enum PixelMap {
    /// For each output row (column) the source row (column), or -1 for "fill".
    static func apply(
        _ planes: ImagePlanes, rows: [Int], cols: [Int], fill: Double, op: String
    ) -> Tensor {
        let out = Tensor(empty: planes.outputShape(height: rows.count, width: cols.count), dtype: planes.tensor.dtype)
        if out.count == 0 { return out }
        switch planes.tensor.dtype {
        case .uint8:
            // torchvision casts the fill to the image dtype (so 7.9 becomes 7 for uint8).
            let value = UInt8(clamping: Int(fill.rounded(.towardZero)))
            run(planes, out, rows, cols, value)
        default:
            run(planes, out, rows, cols, Float(fill))
        }
        return withExtendedLifetime(planes) { out }
    }

    private static func run<T>(_ planes: ImagePlanes, _ out: Tensor, _ rows: [Int], _ cols: [Int], _ fill: T) {
        let src = planes.base(T.self), dst = out.visionPointer(T.self)
        let (h, w) = (planes.height, planes.width)
        var o = dst
        for p in 0..<planes.planes {
            let plane = src + p * h * w
            for r in rows {
                if r < 0 {
                    for x in 0..<cols.count { o[x] = fill }
                } else {
                    let row = plane + r * w
                    for (x, c) in cols.enumerated() { o[x] = c < 0 ? fill : row[c] }
                }
                o += cols.count
            }
        }
    }
}

/// How `pad` fills the border, as torchvision's `padding_mode`.
public enum PaddingMode: String, Sendable, CaseIterable {
    /// A constant value (`fill`).
    case constant
    /// Repeats the edge pixel.
    case edge
    /// Mirrors without repeating the edge (`[3, 2, 1] 1 2 3 4`... as `[2, 3] 1 2 3 4`).
    case reflect
    /// Mirrors repeating the edge.
    case symmetric
}

extension TF {
    /// `F.horizontal_flip`: mirrors the last dimension.
    public static func horizontalFlip(_ image: Tensor) -> Tensor {
        let p = ImagePlanes(image, op: "horizontalFlip")
        return PixelMap.apply(p, rows: Array(0..<p.height), cols: (0..<p.width).reversed(), fill: 0, op: "horizontalFlip")
    }

    /// `F.vertical_flip`: mirrors the second-to-last dimension.
    public static func verticalFlip(_ image: Tensor) -> Tensor {
        let p = ImagePlanes(image, op: "verticalFlip")
        return PixelMap.apply(p, rows: (0..<p.height).reversed(), cols: Array(0..<p.width), fill: 0, op: "verticalFlip")
    }

    /// `F.crop`: the `height × width` window whose top-left corner is (`top`, `left`); parts outside
    /// the image (negative corner, or past the edge) are zero, as torchvision pads them.
    public static func crop(_ image: Tensor, top: Int, left: Int, height: Int, width: Int) -> Tensor {
        precondition(height >= 0 && width >= 0, "crop: negative size \(height)x\(width)")
        let p = ImagePlanes(image, op: "crop")
        let rows = (0..<height).map { top + $0 }.map { (0..<p.height).contains($0) ? $0 : -1 }
        let cols = (0..<width).map { left + $0 }.map { (0..<p.width).contains($0) ? $0 : -1 }
        return PixelMap.apply(p, rows: rows, cols: cols, fill: 0, op: "crop")
    }

    /// `F.center_crop`: `size` is `[h, w]` or `[s]` (square). A crop larger than the image pads it
    /// with zeros first, split as torchvision does (the extra pixel of an odd difference goes right/bottom).
    public static func centerCrop(_ image: Tensor, size: [Int]) -> Tensor {
        precondition(size.count == 1 || size.count == 2, "centerCrop: size must have 1 or 2 elements, got \(size)")
        precondition(image.dim >= 3, "centerCrop: expected a tensor of shape [..., C, H, W], got \(image.shape)")
        let (ch, cw) = (size[0], size.count == 2 ? size[1] : size[0])
        var (h, w) = (image.shape[image.dim - 2], image.shape[image.dim - 1])
        var padTop = 0, padLeft = 0
        if ch > h || cw > w {
            padLeft = cw > w ? (cw - w) / 2 : 0
            padTop = ch > h ? (ch - h) / 2 : 0
            let padRight = cw > w ? (cw - w + 1) / 2 : 0, padBottom = ch > h ? (ch - h + 1) / 2 : 0
            (h, w) = (h + padTop + padBottom, w + padLeft + padRight)
        }
        // Python's round() (ties to even) of the centred offset.
        let top = Int((Double(h - ch) / 2).rounded(.toNearestOrEven))
        let left = Int((Double(w - cw) / 2).rounded(.toNearestOrEven))
        return crop(image, top: top - padTop, left: left - padLeft, height: ch, width: cw)
    }

    /// `F.pad`: `padding` is `[all]`, `[left/right, top/bottom]` or `[left, top, right, bottom]`.
    /// `reflect` needs each padding smaller than the image side, as in PyTorch.
    public static func pad(_ image: Tensor, padding: [Int], fill: Double = 0, mode: PaddingMode = .constant) -> Tensor {
        let (l, t, r, b): (Int, Int, Int, Int)
        switch padding.count {
        case 1: (l, t, r, b) = (padding[0], padding[0], padding[0], padding[0])
        case 2: (l, t, r, b) = (padding[0], padding[1], padding[0], padding[1])
        case 4: (l, t, r, b) = (padding[0], padding[1], padding[2], padding[3])
        default: preconditionFailure("pad: padding must have 1, 2 or 4 elements, got \(padding)")
        }
        precondition([l, t, r, b].allSatisfy { $0 >= 0 }, "pad: negative padding \(padding) is not supported")
        let p = ImagePlanes(image, op: "pad")
        if mode == .reflect {
            precondition(
                max(t, b) < p.height && max(l, r) < p.width,
                "pad: reflect padding \(padding) must be smaller than the image size \(p.height)x\(p.width)")
        }
        if mode != .constant {
            precondition(p.height > 0 && p.width > 0, "pad: \(mode.rawValue) padding of an empty image \(image.shape)")
        }
        func source(_ i: Int, _ n: Int) -> Int {
            if (0..<n).contains(i) { return i }
            switch mode {
            case .constant: return -1
            case .edge: return min(max(i, 0), n - 1)
            case .reflect: return i < 0 ? -i : 2 * (n - 1) - i
            case .symmetric:
                // Repeated mirroring, so paddings wider than the image still work.
                var j = i
                while !(0..<n).contains(j) { j = j < 0 ? -j - 1 : 2 * n - 1 - j }
                return j
            }
        }
        let rows = (-t..<(p.height + b)).map { source($0, p.height) }
        let cols = (-l..<(p.width + r)).map { source($0, p.width) }
        return PixelMap.apply(p, rows: rows, cols: cols, fill: fill, op: "pad")
    }
}

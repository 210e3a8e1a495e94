import Ember

extension VisionUtils {
    /// `draw_bounding_boxes` without labels: draws `xyxy` boxes (`[N, 4]`, truncated to
    /// integers) on a `[C, H, W]` image (C 1 or 3; uint8, or floating point in [0, 1]) and
    /// returns a new `[3, H, W]` image of the same dtype.
    ///
    /// Pixel for pixel as torchvision (PIL's `rectangle`): the outline is `width` nested
    /// one-pixel rectangles inside the box's edges; with `fill`, the box is first blended with
    /// its colour at alpha 100/255. With no boxes the image is returned unchanged (torchvision
    /// warns). Rotated (`[N, 8]`) boxes are not provided.
    ///
    /// - Parameter colors: one per box, or nil for torchvision's generated palette.
    public static func drawBoundingBoxes(
        _ image: Tensor, boxes: Tensor, colors: [DrawColor]? = nil, fill: Bool = false, width: Int = 1
    ) -> Tensor {
        drawBoxes(image, boxes: boxes, colors: colors, fill: fill, width: width) { _, _, _, _ in }
    }

    /// `draw_bounding_boxes` with labels: the boxes as in the overload without labels, and each
    /// label written inside its box's top-left corner, at `(x0 + width + 1, y0 + width + 1)`, as
    /// torchvision does with PIL's `ImageDraw.text` (anchor "la": that point is the left end of
    /// the font's ascender line). Lines of a label split at "\n" are `bbox("A").bottom + 4`
    /// pixels apart, as PIL's multiline text.
    ///
    /// Fonts as torchvision chooses them: without `font`, Pillow's default font (the embedded
    /// Aileron Regular subset at size 10, PIL's basic layout; `fontSize` is then ignored, where
    /// torchvision warns); with `font`, that TrueType/OpenType file (or one of that name in the
    /// system font folders, as Pillow searches) at `fontSize` pixels (nil or 0: 10), shaped with
    /// HarfBuzz as Pillow's libraqm layout does (kerning, ligatures; Pillow's layout for font files
    /// whenever libraqm is available, as in the reference environment). Text is rendered with
    /// FreeType exactly as Pillow renders it and blended with PIL's rounding, so the result is
    /// torchvision's pixel for pixel where the installed FreeType hints glyphs as Pillow's bundled
    /// one does (the Debian FreeType 2.12 and Pillow 13's 2.14 differ on a few autohinted glyphs
    /// at some sizes: the default font's "i" and "j" at size 20, 24 pixels of the test's labels,
    /// at most 19 apart in a channel; fonts with their own hinting instructions, such as DejaVu,
    /// agree). Labels are laid out left to right (no bidirectional reordering).
    ///
    /// - Parameters:
    ///   - labels: one per box.
    ///   - labelColors: text colours, one per box; nil for the box colours (black with `fillLabels`).
    ///   - labelBackgroundColors: with `fillLabels`, the colours of the boxes drawn behind the
    ///     labels (their text box grown by one pixel); nil for the box colours.
    /// - Throws: `FontError` when `font` cannot be found or read, or `fontSize` is negative.
    public static func drawBoundingBoxes(
        _ image: Tensor, boxes: Tensor, labels: [String]?, colors: [DrawColor]? = nil, fill: Bool = false, width: Int = 1,
        font: String? = nil, fontSize: Int? = nil, labelColors: [DrawColor]? = nil,
        labelBackgroundColors: [DrawColor]? = nil, fillLabels: Bool = false
    ) throws -> Tensor {
        precondition(boxes.dim == 2 && boxes.size(1) == 4, "drawBoundingBoxes: boxes should have shape [N, 4], got \(boxes.shape)")
        let n = boxes.size(0)
        if n == 0 { return drawBoundingBoxes(image, boxes: boxes, colors: colors, fill: fill, width: width) }
        if let labels {
            precondition(labels.count == n, "drawBoundingBoxes: Number of boxes (\(n)) and labels (\(labels.count)) mismatch. Please specify labels for each box.")
        }
        let boxColors = colors ?? DrawColor.palette(n)
        let textColors: [DrawColor]
        if let labelColors, !labelColors.isEmpty {
            textColors = labelColors
        } else {
            textColors = fillLabels ? Array(repeating: DrawColor(0, 0, 0), count: n) : boxColors
        }
        let backgroundColors = fillLabels ? (labelBackgroundColors.flatMap { $0.isEmpty ? nil : $0 } ?? boxColors) : boxColors
        for (name, list) in [("label colors", textColors), ("label background colors", backgroundColors)] {
            precondition(list.count >= n, "drawBoundingBoxes: Number of \(name) must be equal or larger than the number of objects, but got \(list.count) < \(n).")
        }
        // torchvision loads the font before drawing, labels or not: a bad path throws either way.
        let textFont = try font.map { try LabelFont(path: $0, size: fontSize.flatMap { $0 == 0 ? nil : $0 } ?? 10) } ?? LabelFont.pillowDefault()
        return try drawBoxes(image, boxes: boxes, colors: colors, fill: fill, width: width) { canvas, i, x0, y0 in
            guard let label = labels?[i] else { return }
            let (x, y) = (x0 + width + 1, y0 + width + 1)
            if fillLabels {
                let b = try textBox(label, font: textFont, x: x, y: y)
                canvas.fillRectangle(b.left - 1, b.top - 1, b.right + 1, b.bottom + 1, backgroundColors[i])
            }
            for line in try textLines(label, font: textFont, x: x, y: y) {
                let mask = try textFont.render(line.text)
                canvas.blend(mask: mask.coverage, width: mask.width, height: mask.height,
                             at: line.x + mask.xOffset, line.y + mask.yOffset, textColors[i])
            }
        }
    }

    /// The shared box drawing; `label` runs after each box's rectangle with its corner.
    private static func drawBoxes(
        _ image: Tensor, boxes: Tensor, colors: [DrawColor]?, fill: Bool, width: Int,
        label: (inout Canvas, Int, Int, Int) throws -> Void
    ) rethrows -> Tensor {
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
            if fill { canvas.fillRectangle(x0, y0, x1, y1, palette[i], alpha: 100) }
            for k in 0..<max(width, 0) {  // PIL draws no outline for width 0
                canvas.horizontalLine(x0, y0 + k, x1, palette[i])
                canvas.horizontalLine(x0, y1 - k, x1, palette[i])
                canvas.line(x1 - k, y0 + width, x1 - k, y1 - width + 1, palette[i])
                canvas.line(x0 + k, y0 + width, x0 + k, y1 - width + 1, palette[i])
            }
            try label(&canvas, i, x0, y0)
        }
        return backToDType(canvas.tensor, like: image)
    }

    /// PIL's multiline split of `ImageDraw.text` (anchor "la", align left): one line per "\n",
    /// each `bbox("A").bottom + 4` pixels below the previous one.
    static func textLines(_ text: String, font: LabelFont, x: Int, y: Int) throws -> [(x: Int, y: Int, text: String)] {
        let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String(String.UnicodeScalarView($0)) }
        if lines.count == 1 { return [(x, y, lines[0])] }
        let spacing = try font.bbox("A").bottom + 4
        return lines.enumerated().map { (x, y + $0.offset * spacing, $0.element) }
    }

    /// `ImageDraw.textbbox((x, y), text, font)`: the union of the lines' boxes.
    static func textBox(_ text: String, font: LabelFont, x: Int, y: Int) throws -> (left: Int, top: Int, right: Int, bottom: Int) {
        var box: (left: Int, top: Int, right: Int, bottom: Int)?
        for line in try textLines(text, font: font, x: x, y: y) {
            let b = try font.bbox(line.text)
            let shifted = (left: b.left + line.x, top: b.top + line.y, right: b.right + line.x, bottom: b.bottom + line.y)
            box = box.map { (min($0.left, shifted.left), min($0.top, shifted.top), max($0.right, shifted.right), max($0.bottom, shifted.bottom)) } ?? shifted
        }
        return box!
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

import CFreeType
import Foundation

/// A FreeType face at one size that lays out and rasterises text as Pillow's
/// `ImageFont.FreeTypeFont.getmask2` does for `ImageDraw.text` on an RGB image (mode "L",
/// anchor "la", no stroke, integer start): the labels of `VisionUtils.drawBoundingBoxes`.
///
/// Two layouts, as Pillow has:
/// - `basic` (Pillow's fallback, and always for `load_default()`): one glyph per code point,
///   advances from the hinted glyph metrics, kerning only from a legacy `kern` table (added to
///   the previous advance in whole pixels read as 1/64 pixel, as Pillow does).
/// - `raqm` (Pillow's choice for a font file when libraqm is present, as in the reference
///   environment): libraqm's itemisation by script, then HarfBuzz shaping of each run with
///   HarfBuzz's FreeType font functions (unhinted advances, OpenType kerning and ligatures).
///   Bidirectional reordering is not done: right-to-left scripts are laid out left to right.
///
/// Glyphs are always rendered hinted (`FT_LOAD_DEFAULT`) and antialiased; a glyph overlapping
/// an earlier one is combined as `a + b·(255 − a)/255` (Pillow's rule).
final class LabelFont {
    enum Layout { case basic, raqm }

    /// One positioned glyph, in 26.6 fixed point (Pillow's `GlyphInfo`).
    struct Glyph {
        var index: UInt32
        var xAdvance: Int, yAdvance: Int
        var xOffset: Int, yOffset: Int
    }

    /// A rendered line: an 8-bit coverage image to blend at the text position plus the offset.
    struct Mask {
        let width: Int, height: Int
        let xOffset: Int, yOffset: Int
        var coverage: [UInt8]
    }

    let layout: Layout
    private var library: FT_Library?
    private var face: FT_Face?
    private var memory: UnsafeMutableBufferPointer<UInt8>?

    /// `ImageFont.load_default()`: the embedded Aileron subset at size 10, basic layout.
    static func pillowDefault() throws -> LabelFont { try LabelFont(path: nil, size: 10) }

    /// `ImageFont.truetype(path, size)` (raqm layout), or the default font when `path` is nil.
    init(path: String?, size: Int) throws {
        layout = path == nil ? .basic : .raqm
        guard size > 0 else { throw FontError.invalidSize(size) }
        guard FT_Init_FreeType(&library) == 0 else {
            throw FontError.unreadable(path: path ?? "default font", code: -1)
        }
        if let path {
            var error = FT_New_Face(library, path, 0, &face)
            if error != 0 {
                // Pillow's truetype() then looks for a file of that name in the font folders.
                if let found = Self.searchFontFolders(path) { error = FT_New_Face(library, found, 0, &face) }
            }
            if error != 0 {
                close()
                let missing = error == 1 && !FileManager.default.fileExists(atPath: path)  // FT_Err_Cannot_Open_Resource
                throw missing ? FontError.notFound(path: path) : FontError.unreadable(path: path, code: error)
            }
        } else {
            let bytes = DefaultFont.bytes
            let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
            _ = buffer.initialize(from: bytes)
            memory = buffer  // FreeType reads from it for the face's lifetime
            let error = FT_New_Memory_Face(library, buffer.baseAddress, FT_Long(bytes.count), 0, &face)
            if error != 0 {
                close()
                throw FontError.unreadable(path: "default font", code: error)
            }
        }
        // Pillow's nominal size request: `size` pixels per em at 72 dpi.
        var request = FT_Size_RequestRec(
            type: FT_SIZE_REQUEST_TYPE_NOMINAL, width: FT_Long(size * 64), height: FT_Long(size * 64),
            horiResolution: 0, vertResolution: 0)
        let error = FT_Request_Size(face, &request)
        if error != 0 {
            close()
            throw FontError.unreadable(path: path ?? "default font", code: error)
        }
    }

    deinit { close() }

    private func close() {
        if let face { FT_Done_Face(face) }
        if let library { FT_Done_FreeType(library) }
        memory?.deallocate()
        (face, library, memory) = (nil, nil, nil)
    }

    /// Pillow's search when the path does not open: a file with the path's last component
    /// (or, without an extension, that stem, preferring `.ttf`) under the user's and the
    /// system's font folders (XDG folders on Linux, the Library folders on macOS).
    static func searchFontFolders(_ path: String) -> String? {
        let name = (path as NSString).lastPathComponent, ext = (name as NSString).pathExtension
        let environment = ProcessInfo.processInfo.environment
        var folders: [String] = []
        #if os(macOS)
        folders = ["/Library/Fonts", "/System/Library/Fonts", NSString(string: "~/Library/Fonts").expandingTildeInPath]
        #else
        var dataHome = environment["XDG_DATA_HOME"] ?? ""
        if dataHome.isEmpty { dataHome = NSString(string: "~/.local/share").expandingTildeInPath }
        var dataDirs = environment["XDG_DATA_DIRS"] ?? ""
        if dataDirs.isEmpty { dataDirs = "/usr/local/share:/usr/share" }
        folders = ([dataHome] + dataDirs.split(separator: ":", omittingEmptySubsequences: false).map(String.init))
            .map { ($0 as NSString).appendingPathComponent("fonts") }
        #endif
        var otherExtension: String?
        for folder in folders {
            guard let walker = FileManager.default.enumerator(atPath: folder) else { continue }
            while let relative = walker.nextObject() as? String {
                let file = (relative as NSString).lastPathComponent, full = (folder as NSString).appendingPathComponent(relative)
                if !ext.isEmpty {
                    if file == name { return full }
                } else if (file as NSString).deletingPathExtension == name {
                    if (file as NSString).pathExtension == "ttf" { return full }
                    if otherExtension == nil { otherExtension = full }
                }
            }
        }
        return otherExtension
    }

    // MARK: Layout

    /// Rounds a 26.6 value to whole pixels (Pillow's `PIXEL`).
    @inline(__always)
    static func pixel(_ v: Int) -> Int { ((v + 32) & -64) >> 6 }

    func glyphs(_ text: String) throws -> [Glyph] {
        let scalars = text.unicodeScalars.map(\.value)
        if scalars.isEmpty { return [] }
        return layout == .basic ? try basicLayout(scalars, text) : raqmLayout(scalars)
    }

    private func basicLayout(_ scalars: [UInt32], _ text: String) throws -> [Glyph] {
        guard let face else { return [] }
        let kerning = face.pointee.face_flags & FT_Long(FT_FACE_FLAG_KERNING) != 0
        var glyphs: [Glyph] = []
        var last: FT_UInt = 0
        for scalar in scalars {
            let index = FT_Get_Char_Index(face, FT_ULong(scalar))
            let error = FT_Load_Glyph(face, index, FT_Int32(FT_LOAD_DEFAULT))
            if error != 0 { throw FontError.glyphFailed(text: text, code: error) }
            if kerning && last != 0 && index != 0 {
                var delta = FT_Vector()
                if FT_Get_Kerning(face, last, index, FT_UInt(FT_KERNING_DEFAULT.rawValue), &delta) == 0 {
                    glyphs[glyphs.count - 1].xAdvance += Self.pixel(delta.x)
                    glyphs[glyphs.count - 1].yAdvance += Self.pixel(delta.y)
                }
            }
            glyphs.append(Glyph(index: index, xAdvance: face.pointee.glyph.pointee.metrics.horiAdvance, yAdvance: 0, xOffset: 0, yOffset: 0))
            last = index
        }
        return glyphs
    }

    private func raqmLayout(_ scalars: [UInt32]) -> [Glyph] {
        guard let face, let font = hb_ft_font_create_referenced(face) else { return [] }
        defer { hb_font_destroy(font) }
        let scripts = Self.resolveScripts(scalars)
        var glyphs: [Glyph] = []
        var start = 0
        while start < scalars.count {
            var end = start + 1
            while end < scalars.count && scripts[end] == scripts[start] { end += 1 }
            let buffer = hb_buffer_create()
            defer { hb_buffer_destroy(buffer) }
            scalars.withUnsafeBufferPointer {
                hb_buffer_add_utf32(buffer, $0.baseAddress, Int32(scalars.count), UInt32(start), Int32(end - start))
            }
            hb_buffer_set_script(buffer, scripts[start])
            hb_buffer_set_language(buffer, hb_language_get_default())
            hb_buffer_set_direction(buffer, HB_DIRECTION_LTR)
            hb_buffer_set_flags(buffer, hb_buffer_flags_t(rawValue: HB_BUFFER_FLAG_BOT.rawValue | HB_BUFFER_FLAG_EOT.rawValue))
            hb_shape(font, buffer, nil, 0)
            var count: UInt32 = 0
            if let infos = hb_buffer_get_glyph_infos(buffer, &count), let positions = hb_buffer_get_glyph_positions(buffer, nil) {
                for i in 0..<Int(count) {
                    let p = positions[i]
                    glyphs.append(Glyph(index: infos[i].codepoint, xAdvance: Int(p.x_advance), yAdvance: Int(p.y_advance),
                                        xOffset: Int(p.x_offset), yOffset: Int(p.y_offset)))
                }
            }
            start = end
        }
        return glyphs
    }

    /// Brackets and quotes whose closing member takes its opening member's script (libraqm's
    /// list: pairs at even/odd positions).
    private static let pairedCharacters: [UInt32] = [
        0x28, 0x29, 0x3C, 0x3E, 0x5B, 0x5D, 0x7B, 0x7D, 0xAB, 0xBB, 0x2018, 0x2019, 0x201C, 0x201D, 0x2039, 0x203A,
        0x3008, 0x3009, 0x300A, 0x300B, 0x300C, 0x300D, 0x300E, 0x300F, 0x3010, 0x3011, 0x3014, 0x3015, 0x3016, 0x3017,
        0x3018, 0x3019, 0x301A, 0x301B,
    ]

    /// libraqm's script resolution: Common and Inherited characters take the script of the
    /// character before them (a closing bracket that of its opening one), leading ones that of
    /// the first character with a real script.
    static func resolveScripts(_ scalars: [UInt32]) -> [hb_script_t] {
        let funcs = hb_unicode_funcs_get_default()
        var scripts = scalars.map { hb_unicode_script(funcs, $0) }
        var lastScriptIndex = -1, lastSetIndex = -1
        var lastScript = HB_SCRIPT_INVALID
        var open: [(script: hb_script_t, pair: Int)] = []
        for i in scripts.indices {
            if scripts[i] == HB_SCRIPT_COMMON && lastScriptIndex != -1 {
                if let pair = pairedCharacters.firstIndex(of: scalars[i]) {
                    if pair % 2 == 0 {
                        scripts[i] = lastScript
                        open.append((scripts[i], pair))
                    } else {
                        while let top = open.last, top.pair != pair & ~1 { open.removeLast() }
                        if let top = open.last {
                            scripts[i] = top.script
                            lastScript = top.script
                        } else {
                            scripts[i] = lastScript
                        }
                    }
                } else {
                    scripts[i] = lastScript
                }
                lastSetIndex = i
            } else if scripts[i] == HB_SCRIPT_INHERITED && lastScriptIndex != -1 {
                scripts[i] = lastScript
                lastSetIndex = i
            } else {
                for j in (lastSetIndex + 1)..<max(i, lastSetIndex + 1) { scripts[j] = scripts[i] }
                lastScript = scripts[i]
                (lastScriptIndex, lastSetIndex) = (i, i)
            }
        }
        for i in stride(from: scripts.count - 2, through: 0, by: -1)
        where scripts[i] == HB_SCRIPT_INHERITED || scripts[i] == HB_SCRIPT_COMMON {
            scripts[i] = scripts[i + 1]
        }
        return scripts
    }

    // MARK: Metrics and rendering

    /// Pillow's `bounding_box_and_anchors` for anchor "la": the text box size and the offset of
    /// its top-left corner from the drawing position (the ascender line's left end).
    func box(_ glyphs: [Glyph], text: String) throws -> (width: Int, height: Int, xOffset: Int, yOffset: Int) {
        guard let face else { return (0, 0, 0, 0) }
        var position = 0, xMin = 0, xMax = 0, yMin = 0, yMax = 0
        for g in glyphs {
            let px = Self.pixel(position + g.xOffset), py = Self.pixel(g.yOffset)
            position += g.xAdvance
            xMax = max(xMax, Self.pixel(position))
            var error = FT_Load_Glyph(face, g.index, FT_Int32(FT_LOAD_DEFAULT))
            var glyph: FT_Glyph?
            if error == 0 { error = FT_Get_Glyph(face.pointee.glyph, &glyph) }
            if error != 0 { throw FontError.glyphFailed(text: text, code: error) }
            var cbox = FT_BBox()
            FT_Glyph_Get_CBox(glyph, FT_UInt(FT_GLYPH_BBOX_PIXELS.rawValue), &cbox)
            FT_Done_Glyph(glyph)
            xMax = max(xMax, cbox.xMax + px)
            xMin = min(xMin, cbox.xMin + px)
            yMax = max(yMax, cbox.yMax + py)
            yMin = min(yMin, cbox.yMin + py)
        }
        let yAnchor = glyphs.isEmpty ? 0 : Self.pixel(face.pointee.size.pointee.metrics.ascender)
        return (xMax - xMin, yMax - yMin, xMin, yAnchor - yMax)
    }

    /// `FreeTypeFont.getbbox(text)`: left, top, right, bottom relative to the drawing position.
    func bbox(_ text: String) throws -> (left: Int, top: Int, right: Int, bottom: Int) {
        let b = try box(glyphs(text), text: text)
        return (b.xOffset, b.yOffset, b.xOffset + b.width, b.yOffset + b.height)
    }

    /// Pillow's `font_render` in mode "L": the coverage of one line of text.
    func render(_ text: String) throws -> Mask {
        let glyphs = try glyphs(text)
        let b = try box(glyphs, text: text)
        var mask = Mask(width: b.width, height: b.height, xOffset: b.xOffset, yOffset: b.yOffset,
                        coverage: [UInt8](repeating: 0, count: max(b.width * b.height, 0)))
        guard let face, !glyphs.isEmpty, b.width > 0, b.height > 0 else { return mask }
        let flags = FT_Int32(FT_LOAD_DEFAULT) | FT_Int32(FT_LOAD_RENDER)
        // First pass: where the rendered bitmaps start (left-most and top-most pixel).
        var x = 0, y = 0, left = 0, top = 0
        for g in glyphs {
            let px = Self.pixel(x + g.xOffset), py = Self.pixel(y + g.yOffset)
            let error = FT_Load_Glyph(face, g.index, flags)
            if error != 0 { throw FontError.glyphFailed(text: text, code: error) }
            let slot = face.pointee.glyph.pointee
            top = max(top, Int(slot.bitmap_top) + py)
            left = min(left, Int(slot.bitmap_left) + px)
            x += g.xAdvance
            y += g.yAdvance
        }
        (x, y) = (-left * 64, -top * 64)
        for g in glyphs {
            let px = Self.pixel(x + g.xOffset), py = Self.pixel(y + g.yOffset)
            let error = FT_Load_Glyph(face, g.index, flags)
            if error != 0 { throw FontError.glyphFailed(text: text, code: error) }
            let slot = face.pointee.glyph.pointee
            try blend(slot.bitmap, into: &mask, x: px + Int(slot.bitmap_left), y: -(py + Int(slot.bitmap_top)), text: text)
            x += g.xAdvance
            y += g.yAdvance
        }
        return mask
    }

    /// Adds one glyph's coverage at (x, y) of the mask, clipped: `a + b·(255 − a)/255` where
    /// the mask already has coverage, the glyph's value elsewhere.
    private func blend(_ bitmap: FT_Bitmap, into mask: inout Mask, x: Int, y: Int, text: String) throws {
        guard let buffer = bitmap.buffer else { return }
        let columns = Int(bitmap.width), pitch = Int(bitmap.pitch)
        let value: (UnsafeMutablePointer<UInt8>, Int) -> Int
        switch Int(bitmap.pixel_mode) {
        case Int(FT_PIXEL_MODE_GRAY.rawValue): value = { row, k in Int(row[k]) }
        case Int(FT_PIXEL_MODE_MONO.rawValue): value = { row, k in Int((row[k >> 3] >> (7 - UInt8(k & 7))) & 1) * 255 }
        case Int(FT_PIXEL_MODE_GRAY2.rawValue): value = { row, k in Int((row[k >> 2] >> (6 - 2 * UInt8(k & 3))) & 3) * 85 }
        case Int(FT_PIXEL_MODE_GRAY4.rawValue): value = { row, k in Int((row[k >> 1] >> (4 - 4 * UInt8(k & 1))) & 15) * 17 }
        default: throw FontError.glyphFailed(text: text, code: -1)  // Pillow: "unsupported bitmap pixel mode"
        }
        let first = max(0, -x), last = min(columns, mask.width - x)
        for r in 0..<Int(bitmap.rows) {
            let row = buffer + r * pitch, yy = y + r
            guard yy >= 0, yy < mask.height, first < last else { continue }
            for k in first..<last {
                let source = value(row, k)
                guard source > 0 else { continue }
                let i = yy * mask.width + x + k, target = Int(mask.coverage[i])
                if target > 0 {
                    let t = target * (255 - source) + 128
                    mask.coverage[i] = UInt8(min(255, source + (((t >> 8) + t) >> 8)))
                } else {
                    mask.coverage[i] = UInt8(source)
                }
            }
        }
    }
}

/// Why `VisionUtils.drawBoundingBoxes` could not use the font it was given for its labels
/// (Pillow raises `OSError` or `ValueError` in these cases).
public enum FontError: Error, Equatable, CustomStringConvertible {
    /// No file at the path, nor one of that name in the system font folders Pillow searches.
    case notFound(path: String)
    /// FreeType could not open the file as a font (`code` is FreeType's error code).
    case unreadable(path: String, code: Int32)
    /// A size that is not greater than 0 (Pillow: "font size must be greater than 0").
    case invalidSize(Int)
    /// FreeType failed on a glyph while laying out or rendering `text`.
    case glyphFailed(text: String, code: Int32)

    public var description: String {
        switch self {
        case .notFound(let path): return "cannot open resource: no font file at \(path)"
        case .unreadable(let path, let code): return "FreeType cannot read \(path) as a font (error \(code))"
        case .invalidSize(let size): return "font size must be greater than 0, not \(size)"
        case .glyphFailed(let text, let code): return "FreeType failed to render a glyph of \"\(text)\" (error \(code))"
        }
    }
}

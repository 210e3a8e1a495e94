/// Why an image could not be read, decoded, encoded or written.
///
/// Every case names the file (or `"<memory>"` for bytes that came from no file), so a failure in
/// a data pipeline of thousands of images says which one was bad.
public enum ImageIOError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened or read (`reason` is the system's).
    case unreadable(file: String, reason: String)
    /// The file could not be written.
    case unwritable(file: String, reason: String)
    /// The first bytes are neither PNG's nor JPEG's signature.
    case unknownFormat(file: String)
    /// The data ends before the image does.
    case truncated(file: String, format: ImageFormat, detail: String)
    /// The decoder rejected the data.
    case corrupt(file: String, format: ImageFormat, detail: String)
    /// Width × height exceeds the pixel limit (see `ImageIO.maxPixels`).
    case tooLarge(file: String, width: Int, height: Int, limit: Int)
    /// The read mode cannot be applied to this format (alpha modes for JPEG).
    case unsupportedMode(file: String, format: ImageFormat, mode: ImageReadMode)
    /// The tensor cannot be encoded (wrong dtype, rank or channel count), or a setting is out of range.
    case invalidInput(String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason): return "cannot read \(file): \(reason)"
        case .unwritable(let file, let reason): return "cannot write \(file): \(reason)"
        case .unknownFormat(let file): return "\(file): not a PNG or JPEG file (unknown signature)"
        case .truncated(let file, let format, let detail): return "\(file): truncated \(format.rawValue): \(detail)"
        case .corrupt(let file, let format, let detail): return "\(file): corrupt \(format.rawValue): \(detail)"
        case .tooLarge(let file, let width, let height, let limit):
            return "\(file): \(width)x\(height) image exceeds the limit of \(limit) pixels"
        case .unsupportedMode(let file, let format, let mode):
            return "\(file): read mode \(mode) is not supported for \(format.rawValue) files"
        case .invalidInput(let reason): return reason
        }
    }
}

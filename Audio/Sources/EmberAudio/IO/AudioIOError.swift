/// Why reading or writing an audio file failed. Every case names the file (or `"<bytes>"` for
/// audio decoded from memory) so that a failure deep in a data pipeline still says which
/// input was bad.
public enum AudioIOError: Error, Equatable, CustomStringConvertible {
    /// The file does not exist or cannot be opened for reading or writing.
    case cannotOpen(file: String, reason: String)
    /// The bytes are not in a format the installed libsndfile recognises.
    case unknownFormat(file: String, reason: String)
    /// The header was recognised but the data is damaged or cannot be decoded.
    case corrupt(file: String, reason: String)
    /// The file ends before the frames its header promises.
    case truncated(file: String, expectedFrames: Int, readFrames: Int)
    /// The requested container/encoding/bit depth cannot be written (or is not built into
    /// the installed libsndfile).
    case unsupportedEncoding(file: String, reason: String)
    /// Writing failed part-way (disk full, closed descriptor, ...).
    case writeFailed(file: String, reason: String)
    /// An argument is outside what the file allows (a frame offset past the end, ...).
    case invalidArgument(file: String, reason: String)

    /// The file (or `"<bytes>"`) the error is about.
    public var file: String {
        switch self {
        case .cannotOpen(let f, _), .unknownFormat(let f, _), .corrupt(let f, _),
            .truncated(let f, _, _), .unsupportedEncoding(let f, _), .writeFailed(let f, _),
            .invalidArgument(let f, _):
            return f
        }
    }

    public var description: String {
        switch self {
        case .cannotOpen(let f, let r): return "cannot open audio file \(f): \(r)"
        case .unknownFormat(let f, let r): return "unknown audio format in \(f): \(r)"
        case .corrupt(let f, let r): return "corrupt audio file \(f): \(r)"
        case .truncated(let f, let e, let n):
            return "truncated audio file \(f): header promises \(e) frames, only \(n) could be read"
        case .unsupportedEncoding(let f, let r): return "cannot encode \(f): \(r)"
        case .writeFailed(let f, let r): return "writing \(f) failed: \(r)"
        case .invalidArgument(let f, let r): return "invalid argument for \(f): \(r)"
        }
    }
}

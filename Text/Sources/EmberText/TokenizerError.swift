/// Why a tokenizer could not be built, loaded, saved or used.
///
/// Every fault in a file names where it was found: `path` is a JSON path such as
/// `$.model.merges[12]` for tokenizer.json, or a file name and line for the other formats,
/// so a user can open the file at the right place.
public enum TokenizerError: Error, CustomStringConvertible, Equatable {
    /// The file's structure is wrong at `path`.
    case invalid(path: String, reason: String)
    /// The file uses a component this library does not know (`type` at `path`).
    case unsupported(path: String, type: String)
    /// Reading or writing a file failed.
    case io(path: String, reason: String)
    /// An argument to an API call is out of range (for example a padding length of zero).
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .invalid(let path, let reason): return "\(path): \(reason)"
        case .unsupported(let path, let type): return "\(path): unsupported type \"\(type)\""
        case .io(let path, let reason): return "\(path): \(reason)"
        case .invalidArgument(let reason): return reason
        }
    }

    /// The location of the fault, when the error is about a file.
    public var path: String? {
        switch self {
        case .invalid(let p, _), .unsupported(let p, _), .io(let p, _): return p
        case .invalidArgument: return nil
        }
    }
}

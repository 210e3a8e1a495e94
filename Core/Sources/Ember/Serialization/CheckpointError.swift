/// Why a checkpoint could not be read or written: the file, the tensor when known, and what
/// was wrong. Every loader throws this for bad input instead of crashing.
public struct CheckpointError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The file could not be opened, mapped or written.
        case io
        /// The file ends before a structure it announces.
        case truncated
        /// The header or index is not the format's JSON/structure.
        case malformedHeader
        /// A dtype the format or Ember does not support.
        case unsupportedDType
        /// Offsets outside the data, overlapping tensors, or byte counts that disagree with shapes.
        case invalidLayout
        /// A size beyond the loader's safety limits (headers claiming terabytes, ...).
        case limitExceeded
        /// A zip archive whose directory or entries are inconsistent or unsupported.
        case malformedArchive
        /// A pickle stream that is not valid or uses an unsupported opcode.
        case malformedPickle
        /// A pickle that names a global outside the allow-list (like `torch.load(weights_only=True)`).
        case forbiddenGlobal
    }

    public let kind: Kind
    /// The file's path (or a description of the byte source).
    public let file: String
    /// The tensor involved, when the fault is in one tensor's entry.
    public let tensor: String?
    public let detail: String

    public init(_ kind: Kind, file: String, tensor: String? = nil, _ detail: String) {
        self.kind = kind
        self.file = file
        self.tensor = tensor
        self.detail = detail
    }

    public var description: String {
        let place = tensor.map { "\(file), tensor '\($0)'" } ?? file
        return "\(place): \(detail)"
    }
}

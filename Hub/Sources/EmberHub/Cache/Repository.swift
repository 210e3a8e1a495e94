import Foundation

/// The kind of hub repository; it decides the URL prefix and the cache folder's prefix.
public enum RepoType: String, Sendable, CaseIterable, Equatable {
    case model, dataset, space

    /// `models`, `datasets`, `spaces`: the cache folder prefix and the API path segment.
    var plural: String { rawValue + "s" }

    /// The segment before the repository name in resolve URLs (models have none).
    var urlPrefix: String { self == .model ? "" : plural + "/" }
}

/// A hub repository: its identifier (`ORG/NAME` or `NAME`) and type.
public struct Repository: Sendable, Hashable, CustomStringConvertible {
    /// `ORG/NAME` (or a bare `NAME` for legacy repositories).
    public let id: String
    /// Model, dataset or space.
    public let type: RepoType

    /// Validates the identifier the way the hub does: one or two path parts of letters,
    /// digits, `-`, `_`, `.`, no `--` and no `..`, because the identifier becomes a folder name.
    public init(_ id: String, type: RepoType = .model) throws {
        let parts = id.split(separator: "/", omittingEmptySubsequences: false)
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))
        guard (1...2).contains(parts.count),
            parts.allSatisfy({ !$0.isEmpty && $0.unicodeScalars.allSatisfy(allowed.contains) }),
            !id.contains("--"), !id.contains(".."), parts.allSatisfy({ $0.first != "-" && $0.first != "." }),
            id.count <= 96
        else {
            throw HubError.invalidArgument("'\(id)' is not a repository id (expected ORG/NAME)")
        }
        self.id = id
        self.type = type
    }

    /// `models--ORG--NAME`: one folder per repository, as huggingface_hub names it.
    public var folderName: String {
        ([type.plural] + id.split(separator: "/").map(String.init)).joined(separator: "--")
    }

    /// Parses a cache folder name back; `nil` for folders that are not repositories.
    init?(folderName: String) {
        let parts = folderName.components(separatedBy: "--")
        guard parts.count >= 2, let type = RepoType.allCases.first(where: { $0.plural == parts[0] }),
            let repo = try? Repository(parts.dropFirst().joined(separator: "/"), type: type)
        else { return nil }
        self = repo
    }

    public var description: String { type == .model ? id : "\(type.plural)/\(id)" }
}

/// Whether `text` is a full 40-character commit hash (then no ref needs resolving).
func isCommitHash(_ text: String) -> Bool {
    text.count == 40 && text.allSatisfy { $0.isHexDigit && !$0.isUppercase }
}

/// Rejects file paths that would escape the snapshot folder or mean something else on disk.
func validateRelativePath(_ path: String) throws {
    let parts = path.split(separator: "/", omittingEmptySubsequences: false)
    guard !path.isEmpty, !path.hasPrefix("/"), !path.contains("\0"),
        parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." })
    else { throw HubError.invalidArgument("'\(path)' is not a relative file path inside a repository") }
}

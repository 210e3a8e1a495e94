import Foundation

/// What a ``HubError/notFound(_:name:url:)`` could not find.
public enum HubMissingKind: String, Sendable, Equatable {
    /// The repository does not exist, or it is private and no valid token was sent.
    case repository
    /// The branch, tag or commit does not exist in the repository.
    case revision
    /// The file does not exist at that revision.
    case file
    /// A plain URL answered 404.
    case url
    /// The package index has no such project, version or wheel.
    case package
    /// The wheel does not contain the requested member.
    case archiveMember
}

/// Every failure EmberHub reports. Each case carries enough context (file, URL or path) to act
/// on the message without a debugger.
public enum HubError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// The server (or package index, or archive) has no such thing.
    case notFound(HubMissingKind, name: String, url: String)
    /// The server answered 401: a token is missing or wrong.
    case unauthorized(url: String)
    /// The server answered 403. `gated` is true when the repository requires accepting its terms.
    case forbidden(url: String, gated: Bool, message: String)
    /// Offline mode (or an unreachable server) and the file is not in the cache.
    case offline(missing: String)
    /// The content's digest differs from what the server or index announced; nothing was cached.
    case checksumMismatch(file: String, expected: String, actual: String)
    /// The content's length differs from what the server announced; nothing was cached.
    case sizeMismatch(file: String, expected: Int64, actual: Int64)
    /// Writing, renaming or creating something on disk failed (disk full, permissions).
    case disk(path: String, reason: String)
    /// Any other HTTP status that retries did not cure.
    case httpStatus(Int, url: String, message: String)
    /// Redirects went round in a circle or past the limit.
    case tooManyRedirects(url: String, count: Int)
    /// The server stopped sending data for longer than the read timeout.
    case timeout(url: String)
    /// The connection failed or broke and retries did not cure it.
    case network(url: String, reason: String)
    /// The server's answer is missing a required header or its body cannot be parsed.
    case invalidResponse(url: String, reason: String)
    /// A caller-supplied argument (repository name, file path, source spec) is malformed.
    case invalidArgument(String)
    /// Another process held the download lock longer than the configured wait.
    case lockTimeout(path: String)
    /// A wheel (zip) cannot be read.
    case archive(path: String, reason: String)

    public var description: String {
        switch self {
        case let .notFound(kind, name, url):
            return "\(kind.rawValue) not found: \(name) (\(url))"
        case let .unauthorized(url):
            return "unauthorized (401) for \(url): set HF_TOKEN or run `hf auth login` to store a token"
        case let .forbidden(url, gated, message):
            let what = gated ? "gated repository: accept its terms on the hub first" : "forbidden (403)"
            return "\(what) for \(url)" + (message.isEmpty ? "" : ": \(message)")
        case let .offline(missing):
            return "offline and not in the cache: \(missing)"
        case let .checksumMismatch(file, expected, actual):
            return "checksum mismatch for \(file): expected \(expected), got \(actual); nothing was cached"
        case let .sizeMismatch(file, expected, actual):
            return "size mismatch for \(file): expected \(expected) bytes, got \(actual); nothing was cached"
        case let .disk(path, reason):
            return "disk error at \(path): \(reason)"
        case let .httpStatus(code, url, message):
            return "HTTP \(code) for \(url)" + (message.isEmpty ? "" : ": \(message)")
        case let .tooManyRedirects(url, count):
            return "too many redirects (\(count)) starting at \(url)"
        case let .timeout(url):
            return "timed out waiting for data from \(url)"
        case let .network(url, reason):
            return "network error for \(url): \(reason)"
        case let .invalidResponse(url, reason):
            return "invalid response from \(url): \(reason)"
        case let .invalidArgument(message):
            return "invalid argument: \(message)"
        case let .lockTimeout(path):
            return "gave up waiting for the lock \(path) (another process is downloading the same file)"
        case let .archive(path, reason):
            return "cannot read archive \(path): \(reason)"
        }
    }

    public var errorDescription: String? { description }

    /// Whether trying again later may succeed (connection trouble, 429, 5xx, timeouts).
    var isTransient: Bool {
        switch self {
        case .timeout, .network: return true
        case let .httpStatus(code, _, _): return code == 429 || (500...599).contains(code)
        default: return false
        }
    }
}

/// Turns the errno of a failed system call into the typed disk error.
func diskError(_ path: String, _ code: Int32 = errno) -> HubError {
    .disk(path: path, reason: String(cString: strerror(code)) + " (errno \(code))")
}

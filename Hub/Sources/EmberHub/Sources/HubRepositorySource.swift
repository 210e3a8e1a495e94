import Foundation
import NIOHTTP1

/// The result of a snapshot: where it lies and which files the request selected.
public struct HubSnapshot: Sendable, Equatable {
    /// `snapshots/<commit>` in the cache.
    public var folder: URL
    /// The commit the revision resolved to.
    public var commit: String
    /// The repository paths that were selected (all present in `folder` now).
    public var files: [String]
}

/// What the hub's metadata request says about one file.
struct FileMetadata {
    var commit: String
    var etag: String
    var size: Int64?
    /// Where the bytes are: the CDN for LFS files, else the resolve URL itself.
    var location: String
}

extension Hub {
    /// Downloads `file` of `repo` at `revision` (or finds it in the cache) and returns the path
    /// of its snapshot link, which reads as the file.
    ///
    /// - Throws: ``HubError/notFound(_:name:url:)``, ``HubError/unauthorized(url:)``,
    ///   ``HubError/forbidden(url:gated:message:)``, ``HubError/offline(missing:)``,
    ///   ``HubError/checksumMismatch(file:expected:actual:)``, ``HubError/disk(path:reason:)``
    ///   and the network errors, after retries.
    public func download(
        repo: String, file: String, revision: String = "main", repoType: RepoType = .model
    ) async throws -> URL {
        let repository = try Repository(repo, type: repoType)
        try validateRelativePath(file)
        try validateRevision(revision)
        let cache = RepoCache(repository, cacheDirectory: configuration.cacheDirectory)
        if isCommitHash(revision), let hit = cache.cachedFile(file, revision: revision) { return hit }
        if configuration.offline {
            if let hit = cache.cachedFile(file, revision: revision) { return hit }
            if let marker = cache.missingMarker(file, revision: revision) {
                throw HubError.notFound(.file, name: "\(file) (known absent at \(repository)@\(revision))", url: marker.path)
            }
            throw HubError.offline(missing: "\(file) of \(repository)@\(revision) in \(cache.folder.path)")
        }
        return try await withTransport { transport in
            try await fetchFile(file, revision: revision, cache: cache, transport: transport)
        }
    }

    /// Downloads the selected files of a repository and returns the snapshot folder.
    public func snapshot(
        repo: String, revision: String = "main", repoType: RepoType = .model,
        include: [String] = [], exclude: [String] = []
    ) async throws -> URL {
        try await fetchSnapshot(repo: repo, revision: revision, repoType: repoType, include: include, exclude: exclude).folder
    }

    /// Like ``snapshot(repo:revision:repoType:include:exclude:)``, also telling the commit and
    /// the selected files. Offline, the cached snapshot folder is returned as it is.
    public func fetchSnapshot(
        repo: String, revision: String = "main", repoType: RepoType = .model,
        include: [String] = [], exclude: [String] = []
    ) async throws -> HubSnapshot {
        let repository = try Repository(repo, type: repoType)
        try validateRevision(revision)
        let cache = RepoCache(repository, cacheDirectory: configuration.cacheDirectory)
        if configuration.offline {
            guard let cached = try cachedSnapshot(cache, revision: revision, include: include, exclude: exclude) else {
                throw HubError.offline(missing: "snapshot of \(repository)@\(revision) in \(cache.folder.path)")
            }
            return cached
        }
        return try await withTransport { transport in
            let listing: (commit: String, files: [String])
            do {
                listing = try await fileListing(repository, revision: revision, transport: transport)
            } catch let error as HubError where error.isTransient {
                if let cached = try cachedSnapshot(cache, revision: revision, include: include, exclude: exclude) {
                    return cached
                }
                throw error
            }
            let selected = listing.files.filter { Glob.selects($0, include: include, exclude: exclude) }
            try makeDirectory(cache.snapshot(listing.commit))
            try cache.writeRef(revision, commit: listing.commit)
            try await forEachConcurrently(selected, limit: configuration.maxConcurrentDownloads) { file in
                _ = try await fetchFile(file, revision: listing.commit, cache: cache, transport: transport)
            }
            return HubSnapshot(folder: cache.snapshot(listing.commit), commit: listing.commit, files: selected)
        }
    }

    /// The resolve URL of a file: `{endpoint}/[datasets/]{repo}/resolve/{revision}/{path}`.
    func resolveURL(_ repository: Repository, revision: String, file: String) -> String {
        "\(configuration.endpoint)/\(repository.type.urlPrefix)\(repository.id)/resolve/"
            + "\(percentEncode(revision, keepSlash: false))/\(percentEncode(file, keepSlash: true))"
    }

    func fetchFile(_ file: String, revision: String, cache: RepoCache, transport: HTTPTransport) async throws -> URL {
        let url = resolveURL(cache.repository, revision: revision, file: file)
        let meta: FileMetadata
        do {
            meta = try await metadata(url, transport: transport)
        } catch let error as HubError where error.isTransient {
            // The hub is unreachable or failing: a cached copy of the same revision will do.
            if let hit = cache.cachedFile(file, revision: revision) { return hit }
            throw error
        } catch let MetadataFailure.missingFile(error, commit) {
            // Remembered as huggingface_hub does, so offline lookups can say "does not exist".
            if let commit {
                try? cache.writeRef(revision, commit: commit)
                cache.markMissing(commit: commit, file: file)
            }
            throw error
        }
        let pointer = cache.pointer(commit: meta.commit, file: file)
        if FileManager.default.fileExists(atPath: pointer.path) {
            try? cache.writeRef(revision, commit: meta.commit)
            return pointer
        }
        try makeDirectory(cache.blobs)
        cache.tagCacheDirectory()
        try cache.writeRef(revision, commit: meta.commit)
        try await withFileLock(cache.lock(meta.etag), timeout: configuration.lockTimeout) {
            let blob = cache.blob(meta.etag)
            // Whoever held the lock before us may have fetched it already.
            if !FileManager.default.fileExists(atPath: blob.path) {
                let item = DownloadItem(
                    url: meta.location, expectedSize: meta.size, digest: ExpectedDigest(etag: meta.etag), name: file)
                try await FileDownloader.fetch(
                    item, incomplete: cache.incomplete(meta.etag), destination: blob, transport: transport)
            }
            try cache.link(commit: meta.commit, file: file, etag: meta.etag)
        }
        return pointer
    }

    /// The hub's HEAD on the resolve URL: commit, ETag and size, following only redirects on
    /// the hub itself (a renamed repository) and reading the CDN redirect's own headers.
    func metadata(_ url: String, transport: HTTPTransport) async throws -> FileMetadata {
        var missingCommit: String?
        do {
            return try await headMetadata(url, transport: transport) { headers in
                missingCommit = headers.first(name: "X-Repo-Commit").flatMap { isCommitHash($0) ? $0 : nil }
            }
        } catch let error as HubError {
            if case .notFound(.file, _, _) = error { throw MetadataFailure.missingFile(error, commit: missingCommit) }
            throw error
        }
    }

    private func headMetadata(
        _ url: String, transport: HTTPTransport, failedHeaders: @escaping (HTTPHeaders) -> Void
    ) async throws -> FileMetadata {
        try await transport.withRetries(url) { _ in
            let (response, finalURL) = try await transport.send(.HEAD, url, redirects: .sameHost, failedHeaders: failedHeaders)
            await transport.drain(response)
            let headers = response.headers
            let isRedirect = (300..<400).contains(Int(response.status.code))
            guard let commit = headers.first(name: "X-Repo-Commit"), isCommitHash(commit) else {
                throw HubError.invalidResponse(url: finalURL, reason: "no valid X-Repo-Commit header")
            }
            guard let rawETag = headers.first(name: "X-Linked-Etag") ?? headers.first(name: "ETag") else {
                throw HubError.invalidResponse(url: finalURL, reason: "no ETag header")
            }
            let etag = normalizeETag(rawETag)
            let safe = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))
            guard !etag.isEmpty, etag.first != ".", etag.count <= 255, etag.unicodeScalars.allSatisfy(safe.contains) else {
                throw HubError.invalidResponse(url: finalURL, reason: "ETag '\(rawETag)' cannot name a cache file")
            }
            var location = finalURL
            if isRedirect, let target = headers.first(name: "Location"),
                let resolved = URL(string: target, relativeTo: URL(string: finalURL))
            {
                location = resolved.absoluteString
            }
            let size = headers.int64("X-Linked-Size") ?? (isRedirect ? nil : headers.int64("Content-Length"))
            return FileMetadata(commit: commit, etag: etag, size: size, location: location)
        }
    }

    /// `GET /api/{type}s/{repo}/revision/{revision}`: the commit and every file path.
    func fileListing(_ repository: Repository, revision: String, transport: HTTPTransport) async throws -> (
        commit: String, files: [String]
    ) {
        let url = "\(configuration.endpoint)/api/\(repository.type.plural)/\(repository.id)/revision/"
            + percentEncode(revision, keepSlash: false)
        let (data, _, finalURL) = try await transport.fetchData(url)
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let commit = json["sha"] as? String, isCommitHash(commit),
            let siblings = json["siblings"] as? [[String: Any]]
        else {
            throw HubError.invalidResponse(url: finalURL, reason: "expected JSON with 'sha' and 'siblings'")
        }
        var files: [String] = []
        for sibling in siblings {
            guard let name = sibling["rfilename"] as? String else {
                throw HubError.invalidResponse(url: finalURL, reason: "a sibling without 'rfilename'")
            }
            do {
                try validateRelativePath(name)
            } catch {
                throw HubError.invalidResponse(url: finalURL, reason: "unsafe file name '\(name)'")
            }
            files.append(name)
        }
        return (commit, files)
    }

    /// The snapshot already on disk for `revision`, with the selected files that it holds.
    func cachedSnapshot(_ cache: RepoCache, revision: String, include: [String], exclude: [String]) throws -> HubSnapshot? {
        guard let commit = cache.commit(for: revision) else { return nil }
        let folder = cache.snapshot(commit)
        guard FileManager.default.fileExists(atPath: folder.path) else { return nil }
        let files = listFiles(under: folder).filter { Glob.selects($0, include: include, exclude: exclude) }
        return HubSnapshot(folder: folder, commit: commit, files: files)
    }
}

/// A 404 for a file, with the commit the hub said it looked in.
enum MetadataFailure: Error {
    case missingFile(HubError, commit: String?)
}

/// `W/"abc"` and `"abc"` both name the blob `abc`.
func normalizeETag(_ raw: String) -> String {
    var text = raw.trimmingCharacters(in: .whitespaces)
    if text.hasPrefix("W/") { text.removeFirst(2) }
    return text.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
}

/// Revisions become folder names under `refs/`: refuse anything that could escape it.
func validateRevision(_ revision: String) throws {
    let parts = revision.split(separator: "/", omittingEmptySubsequences: false)
    guard !revision.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }),
        !revision.contains("\0")
    else { throw HubError.invalidArgument("'\(revision)' is not a revision") }
}

/// Regular files and links (dangling ones too) below `root`, as `/`-separated paths
/// relative to it, sorted.
func listFiles(under root: URL) -> [String] {
    guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
    var files: [String] = []
    while let path = walker.nextObject() as? String {
        var info = stat()
        guard lstat(root.appendingPathComponent(path).path, &info) == 0 else { continue }
        let kind = info.st_mode & S_IFMT
        if kind == S_IFREG || kind == S_IFLNK { files.append(path) }
    }
    return files.sorted()
}

/// Runs `body` for each item with at most `limit` running at once; the first error cancels
/// the rest and is rethrown.
func forEachConcurrently<T: Sendable>(
    _ items: [T], limit: Int, _ body: @escaping @Sendable (T) async throws -> Void
) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        var next = 0
        for _ in 0..<min(max(1, limit), items.count) {
            let item = items[next]
            group.addTask { try await body(item) }
            next += 1
        }
        while try await group.next() != nil {
            if next < items.count {
                let item = items[next]
                group.addTask { try await body(item) }
                next += 1
            }
        }
    }
}

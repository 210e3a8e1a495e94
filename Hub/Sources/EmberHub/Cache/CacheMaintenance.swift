import Crypto
import Foundation

/// What ``CacheMaintenance/remove(_:revision:cacheDirectory:)`` deleted.
public struct RemovalReport: Sendable, Equatable {
    /// Snapshot commits removed.
    public var commits: [String]
    /// Blobs deleted because no remaining snapshot links to them.
    public var blobs: [String]
    /// Bytes freed.
    public var freedBytes: Int64
    /// The whole repository folder went (no revision was left).
    public var removedRepository: Bool
}

/// One blob whose bytes do not hash to its name, or a link whose blob is gone.
public struct VerificationProblem: Sendable, Equatable, CustomStringConvertible {
    /// The repository.
    public var repository: Repository
    /// The blob (or snapshot link) path.
    public var path: URL
    /// What is wrong.
    public var reason: String

    public var description: String { "\(repository): \(path.path): \(reason)" }
}

/// `rm`, `verify` and `import` on the hub cache.
public enum CacheMaintenance {
    /// Removes one revision (a commit, a unique commit prefix, or a ref name) of a repository,
    /// the refs pointing at it and every blob no remaining snapshot uses; without a revision,
    /// or when no revision remains, removes the repository folder and its locks.
    public static func remove(_ repository: Repository, revision: String?, cacheDirectory: URL) throws -> RemovalReport {
        let cache = RepoCache(repository, cacheDirectory: cacheDirectory)
        let fm = FileManager.default
        guard fm.fileExists(atPath: cache.folder.path) else {
            throw HubError.notFound(.repository, name: repository.description, url: cache.folder.path)
        }
        let before = try CacheScanner.scan(cache)
        guard let revision else {
            try removeItem(cache.folder)
            try? fm.removeItem(at: cache.locks)
            return RemovalReport(
                commits: before.revisions.map(\.commit), blobs: [], freedBytes: before.size, removedRepository: true)
        }
        let commit = try resolve(revision, in: before, cache: cache)
        try removeItem(cache.snapshot(commit))
        try? fm.removeItem(at: cache.folder.appendingPathComponent(".no_exist").appendingPathComponent(commit, isDirectory: true))
        for (name, target) in CacheScanner.readRefs(cache) where target == commit {
            try removeItem(cache.refs.appendingPathComponent(name))
        }
        let remaining = before.revisions.filter { $0.commit != commit }
        if remaining.isEmpty {
            try removeItem(cache.folder)
            try? fm.removeItem(at: cache.locks)
            return RemovalReport(commits: [commit], blobs: [], freedBytes: before.size, removedRepository: true)
        }
        let report = try prune(cache)
        return RemovalReport(commits: [commit], blobs: report.blobs, freedBytes: report.freedBytes, removedRepository: false)
    }

    /// Deletes blobs that no snapshot links to (and stale `.incomplete` files).
    public static func prune(_ cache: RepoCache) throws -> RemovalReport {
        let fm = FileManager.default
        var used: Set<String> = []
        for commit in (try? fm.contentsOfDirectory(atPath: cache.snapshots.path)) ?? [] {
            for file in listFiles(under: cache.snapshot(commit)) {
                if let blob = CacheScanner.blobName(of: cache.snapshot(commit).appendingPathComponent(file)) { used.insert(blob) }
            }
        }
        var removed: [String] = []
        var freed: Int64 = 0
        for name in (try? fm.contentsOfDirectory(atPath: cache.blobs.path)) ?? [] where !used.contains(name) {
            let path = cache.blobs.appendingPathComponent(name)
            if name.hasSuffix(".incomplete") { continue }  // may be a download in progress
            freed += (try? fileSize(path)).flatMap { $0 } ?? 0
            try removeItem(path)
            removed.append(name)
        }
        return RemovalReport(commits: [], blobs: removed.sorted(), freedBytes: freed, removedRepository: false)
    }

    static func resolve(_ revision: String, in repo: CachedRepository, cache: RepoCache) throws -> String {
        if let ref = repo.revisions.first(where: { $0.refs.contains(revision) }) { return ref.commit }
        let matches = repo.revisions.filter { $0.commit.hasPrefix(revision.lowercased()) }
        guard matches.count == 1 else {
            let reason = matches.isEmpty ? "no cached revision" : "ambiguous commit prefix"
            throw HubError.notFound(.revision, name: "\(revision) (\(reason))", url: cache.folder.path)
        }
        return matches[0].commit
    }

    /// Re-hashes every blob whose name is a SHA-256 or git blob id and checks every snapshot
    /// link; with `delete`, removes bad blobs and the links to them so the next download
    /// fetches them again.
    public static func verify(_ repositories: [Repository]? = nil, cacheDirectory: URL, delete: Bool = false) throws -> (
        checked: Int, problems: [VerificationProblem]
    ) {
        let all = try CacheScanner.scan(cacheDirectory)
        let selected = repositories.map { wanted in all.filter { wanted.contains($0.repository) } } ?? all
        var problems: [VerificationProblem] = []
        var checked = 0
        for repo in selected {
            let cache = RepoCache(repo.repository, cacheDirectory: cacheDirectory)
            var bad: Set<String> = []
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: cache.blobs.path)) ?? []).sorted()
            where !name.hasSuffix(".incomplete") {
                guard let expected = ExpectedDigest(etag: name) else { continue }
                checked += 1
                let actual = try digestOfFile(cache.blob(name), like: expected)
                if !expected.matches(actual) {
                    bad.insert(name)
                    problems.append(VerificationProblem(
                        repository: repo.repository, path: cache.blob(name), reason: "content hashes to \(actual)"))
                }
            }
            for revision in repo.revisions {
                for file in revision.files {
                    let pointer = cache.pointer(commit: revision.commit, file: file)
                    let blob = CacheScanner.blobName(of: pointer)
                    if let blob, !FileManager.default.fileExists(atPath: pointer.path) {
                        problems.append(VerificationProblem(
                            repository: repo.repository, path: pointer, reason: "links to missing blob \(blob)"))
                        if delete { try removeItem(pointer) }
                    } else if let blob, bad.contains(blob), delete {
                        try removeItem(pointer)
                    }
                }
            }
            if delete {
                for name in bad { try removeItem(cache.blob(name)) }
            }
        }
        return (checked, problems)
    }

    /// Adds a local folder (an air-gapped copy, a checkout) to the cache as a snapshot of
    /// `repository`: every file becomes a blob named by its SHA-256 and is linked from
    /// `snapshots/<commit>/`; `refs/<revision>` then points at it.
    ///
    /// - Parameter commit: The commit the folder is a copy of; without one, a stable id is
    ///   derived from the file names and hashes, so importing the same folder twice yields the
    ///   same snapshot.
    /// - Returns: The snapshot folder and its commit.
    public static func importFolder(
        _ source: URL, as repository: Repository, revision: String = "main", commit: String? = nil, cacheDirectory: URL
    ) throws -> (folder: URL, commit: String) {
        try validateRevision(revision)
        if let commit, !isCommitHash(commit) {
            throw HubError.invalidArgument("'\(commit)' is not a 40-character lowercase commit hash")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw HubError.notFound(.file, name: "folder to import", url: source.path)
        }
        let cache = RepoCache(repository, cacheDirectory: cacheDirectory)
        let files = listFiles(under: source).filter { path in
            !path.hasPrefix(".git/") && !path.hasPrefix(".cache/huggingface/") && path != ".git"
        }
        try makeDirectory(cache.blobs)
        var manifest: [(String, String)] = []
        for file in files {
            let url = source.appendingPathComponent(file)
            let sha = try digestOfFile(url, like: .sha256(""))
            manifest.append((file, sha))
            let blob = cache.blob(sha)
            if FileManager.default.fileExists(atPath: blob.path) { continue }
            let incomplete = cache.incomplete(sha)
            unlink(incomplete.path)
            do {
                try FileManager.default.copyItem(at: url.resolvingSymlinksInPath(), to: incomplete)
            } catch {
                unlink(incomplete.path)
                throw HubError.disk(path: incomplete.path, reason: "cannot copy \(url.path): \(error.localizedDescription)")
            }
            // The copy is hashed again: the source may have changed while it was copied.
            let copied = try digestOfFile(incomplete, like: .sha256(""))
            guard copied == sha else {
                unlink(incomplete.path)
                throw HubError.checksumMismatch(file: url.path, expected: sha, actual: copied)
            }
            guard rename(incomplete.path, blob.path) == 0 else { throw diskError(blob.path) }
        }
        let id = commit ?? {
            var hasher = Insecure.SHA1()
            for (file, sha) in manifest { hasher.update(data: Data("\(file)\0\(sha)\n".utf8)) }
            return hex(hasher.finalize())
        }()
        for (file, sha) in manifest { try cache.link(commit: id, file: file, etag: sha) }
        try makeDirectory(cache.snapshot(id))
        try cache.writeRef(revision, commit: id)
        cache.tagCacheDirectory()
        return (cache.snapshot(id), id)
    }

    static func removeItem(_ url: URL) throws {
        do {
            try FileManager.default.removeItem(at: url)
        } catch {
            if (try? FileManager.default.destinationOfSymbolicLink(atPath: url.path)) == nil,
                !FileManager.default.fileExists(atPath: url.path)
            {
                return
            }
            throw HubError.disk(path: url.path, reason: "cannot remove: \(error.localizedDescription)")
        }
    }
}

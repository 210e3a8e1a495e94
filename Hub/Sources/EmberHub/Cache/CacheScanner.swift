import Foundation

/// One revision of a cached repository.
public struct CachedRevision: Sendable, Equatable {
    /// The commit hash (the snapshot folder's name).
    public var commit: String
    /// Branches and tags whose `refs/` file points at this commit.
    public var refs: [String]
    /// Repository paths in the snapshot.
    public var files: [String]
    /// Bytes of the blobs this snapshot links to.
    public var size: Int64
}

/// One repository in the hub cache, as `ember-hub ls` reports it.
public struct CachedRepository: Sendable, Equatable {
    /// The repository.
    public var repository: Repository
    /// Its folder.
    public var folder: URL
    /// Bytes of all its blobs (shared blobs counted once).
    public var size: Int64
    /// Number of blobs.
    public var blobCount: Int
    /// Latest access time of any blob: when a program last read one of its files.
    public var lastAccessed: Date?
    /// Latest modification time of any blob: when a file was last downloaded.
    public var lastModified: Date?
    /// Its revisions, newest snapshot first.
    public var revisions: [CachedRevision]
}

/// Reads the hub cache the way `hf cache ls` sees it.
public enum CacheScanner {
    /// Every repository folder under `cacheDirectory`; folders that are not repositories (and
    /// `.locks`) are skipped.
    public static func scan(_ cacheDirectory: URL) throws -> [CachedRepository] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: cacheDirectory.path)
        } catch {
            if !FileManager.default.fileExists(atPath: cacheDirectory.path) { return [] }
            throw HubError.disk(path: cacheDirectory.path, reason: "cannot list the cache: \(error.localizedDescription)")
        }
        return try names.sorted().compactMap { name in
            guard let repository = Repository(folderName: name) else { return nil }
            return try scan(RepoCache(repository, cacheDirectory: cacheDirectory))
        }
    }

    /// One repository's blobs, refs and snapshots.
    public static func scan(_ cache: RepoCache) throws -> CachedRepository {
        let fm = FileManager.default
        var size: Int64 = 0
        var blobCount = 0
        var lastAccessed: Date?
        var lastModified: Date?
        var blobSizes: [String: Int64] = [:]
        for name in (try? fm.contentsOfDirectory(atPath: cache.blobs.path)) ?? [] where !name.hasSuffix(".incomplete") {
            var info = stat()
            guard stat(cache.blob(name).path, &info) == 0 else { continue }
            let blobSize = Int64(info.st_size)
            blobSizes[name] = blobSize
            size += blobSize
            blobCount += 1
            let accessed = Date(timeIntervalSince1970: TimeInterval(info.st_atim.tv_sec))
            let modified = Date(timeIntervalSince1970: TimeInterval(info.st_mtim.tv_sec))
            lastAccessed = max(lastAccessed ?? accessed, accessed)
            lastModified = max(lastModified ?? modified, modified)
        }
        let refs = readRefs(cache)
        var revisions: [(CachedRevision, Date)] = []
        for commit in (try? fm.contentsOfDirectory(atPath: cache.snapshots.path)) ?? [] {
            let folder = cache.snapshot(commit)
            let files = listFiles(under: folder)
            var revisionSize: Int64 = 0
            var seen: Set<String> = []
            for file in files {
                let path = folder.appendingPathComponent(file)
                if let blob = blobName(of: path) {
                    if seen.insert(blob).inserted { revisionSize += blobSizes[blob] ?? 0 }
                } else {
                    revisionSize += (try? fileSize(path)).flatMap { $0 } ?? 0  // a copy, not a link
                }
            }
            let modified = (try? fm.attributesOfItem(atPath: folder.path)[.modificationDate] as? Date) ?? .distantPast
            let names = refs.filter { $0.value == commit }.map(\.key).sorted()
            revisions.append((CachedRevision(commit: commit, refs: names, files: files, size: revisionSize), modified))
        }
        revisions.sort { $0.1 > $1.1 }
        return CachedRepository(
            repository: cache.repository, folder: cache.folder, size: size, blobCount: blobCount,
            lastAccessed: lastAccessed, lastModified: lastModified, revisions: revisions.map(\.0))
    }

    /// `refs/` as revision name → commit; names may contain `/` (`refs/pr/1`).
    static func readRefs(_ cache: RepoCache) -> [String: String] {
        var result: [String: String] = [:]
        for name in listFiles(under: cache.refs) where !name.hasSuffix(".tmp") {
            if let commit = cache.commit(for: name), !isCommitHash(name) || commit != name { result[name] = commit }
        }
        return result
    }

    /// The blob a snapshot entry links to, `nil` for a copied file.
    static func blobName(of pointer: URL) -> String? {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: pointer.path) else { return nil }
        return URL(fileURLWithPath: target).lastPathComponent
    }
}

import Foundation

/// The paths of one repository inside the hub cache, laid out exactly as huggingface_hub
/// lays them out so that both read each other's downloads:
///
/// ```
/// HF_HUB_CACHE/
///   .locks/models--ORG--NAME/<etag>.lock
///   models--ORG--NAME/
///     blobs/<etag>                      the bytes, named by ETag (sha256 for LFS, git sha1 otherwise)
///     blobs/<etag>.incomplete           a download in progress (never linked from a snapshot)
///     refs/<revision>                   the commit hash a branch or tag pointed to, no newline
///     snapshots/<commit>/<path>         relative symlink to ../../blobs/<etag>
///     .no_exist/<commit>/<path>         empty marker: the file is known to be absent
/// ```
public struct RepoCache: Sendable {
    /// The repository.
    public let repository: Repository
    /// The hub cache root (`HF_HUB_CACHE`).
    public let cacheDirectory: URL

    /// Paths for `repository` under `cacheDirectory`.
    public init(_ repository: Repository, cacheDirectory: URL) {
        self.repository = repository
        self.cacheDirectory = cacheDirectory
    }

    /// `models--ORG--NAME`.
    public var folder: URL { cacheDirectory.appendingPathComponent(repository.folderName, isDirectory: true) }
    var blobs: URL { folder.appendingPathComponent("blobs", isDirectory: true) }
    var refs: URL { folder.appendingPathComponent("refs", isDirectory: true) }
    var snapshots: URL { folder.appendingPathComponent("snapshots", isDirectory: true) }
    var locks: URL {
        cacheDirectory.appendingPathComponent(".locks", isDirectory: true)
            .appendingPathComponent(repository.folderName, isDirectory: true)
    }

    func blob(_ etag: String) -> URL { blobs.appendingPathComponent(etag) }
    func incomplete(_ etag: String) -> URL { blobs.appendingPathComponent(etag + ".incomplete") }
    func lock(_ etag: String) -> URL { locks.appendingPathComponent(etag + ".lock") }
    /// The snapshot folder of one commit.
    public func snapshot(_ commit: String) -> URL { snapshots.appendingPathComponent(commit, isDirectory: true) }
    /// Where a file of `commit` is linked.
    public func pointer(commit: String, file: String) -> URL { snapshot(commit).appendingPathComponent(file) }
    /// The commit `revision` stands for: itself if it is a commit hash, else what `refs/`
    /// recorded; `nil` when unknown.
    public func commit(for revision: String) -> String? {
        if isCommitHash(revision) { return revision }
        let ref = refs.appendingPathComponent(revision)
        guard let text = try? String(contentsOf: ref, encoding: .utf8) else { return nil }
        let commit = text.trimmingCharacters(in: .whitespacesAndNewlines)
        // A ref that does not hold a commit hash (hand-edited, truncated) must not become a path.
        return isCommitHash(commit) ? commit : nil
    }

    /// The cached file for `file` at `revision`, if both the pointer and its blob exist.
    public func cachedFile(_ file: String, revision: String) -> URL? {
        guard let commit = commit(for: revision) else { return nil }
        let pointer = pointer(commit: commit, file: file)
        // `fileExists` follows the link: a pointer whose blob was removed does not count.
        return FileManager.default.fileExists(atPath: pointer.path) ? pointer : nil
    }

    /// Records that `revision` currently means `commit`. Written to a temporary file and
    /// renamed, so a concurrent reader never sees a half-written hash.
    func writeRef(_ revision: String, commit: String) throws {
        guard revision != commit else { return }
        let ref = refs.appendingPathComponent(revision)
        if (try? String(contentsOf: ref, encoding: .utf8)) == commit { return }
        try makeDirectory(ref.deletingLastPathComponent())
        let tmp = ref.deletingLastPathComponent()
            .appendingPathComponent("\(ref.lastPathComponent).\(UUID().uuidString.prefix(8)).tmp")
        do {
            try Data(commit.utf8).write(to: tmp)
        } catch {
            throw HubError.disk(path: tmp.path, reason: "\(error)")
        }
        guard rename(tmp.path, ref.path) == 0 else {
            let code = errno
            unlink(tmp.path)
            throw diskError(ref.path, code)
        }
    }

    /// Links `snapshots/<commit>/<file>` to `blobs/<etag>` with a relative symlink (so the
    /// cache can be moved), replacing a stale link.
    func link(commit: String, file: String, etag: String) throws {
        let pointer = pointer(commit: commit, file: file)
        try makeDirectory(pointer.deletingLastPathComponent())
        // From snapshots/<commit>/a/b.txt: one `..` per folder of the path, plus <commit> and snapshots.
        let ups = file.split(separator: "/").count + 1
        let target = String(repeating: "../", count: ups) + "blobs/" + etag
        if symlink(target, pointer.path) == 0 { return }
        let code = errno
        if code == EEXIST {
            if let existing = try? FileManager.default.destinationOfSymbolicLink(atPath: pointer.path),
                existing == target
            {
                return
            }
            unlink(pointer.path)
            if symlink(target, pointer.path) == 0 { return }
        }
        // Filesystems without symlinks get a copy, as huggingface_hub does.
        do {
            try FileManager.default.copyItem(at: blob(etag), to: pointer)
        } catch {
            throw diskError(pointer.path, code)
        }
    }

    func noExist(commit: String, file: String) -> URL {
        folder.appendingPathComponent(".no_exist").appendingPathComponent(commit).appendingPathComponent(file)
    }

    /// Records that `file` does not exist at `commit`: an empty file under `.no_exist/`, the
    /// marker huggingface_hub writes and reads too.
    func markMissing(commit: String, file: String) {
        let marker = noExist(commit: commit, file: file)
        guard (try? makeDirectory(marker.deletingLastPathComponent())) != nil else { return }
        FileManager.default.createFile(atPath: marker.path, contents: nil)
    }

    /// The `.no_exist` marker of `file` at `revision`, if the cache knows it to be absent.
    func missingMarker(_ file: String, revision: String) -> URL? {
        guard let commit = commit(for: revision) else { return nil }
        let marker = noExist(commit: commit, file: file)
        return FileManager.default.fileExists(atPath: marker.path) ? marker : nil
    }

    /// Writes the CACHEDIR.TAG (bford.info/cachedir) that tells backup tools to skip the cache.
    func tagCacheDirectory() {
        let tag = cacheDirectory.appendingPathComponent("CACHEDIR.TAG")
        guard !FileManager.default.fileExists(atPath: tag.path) else { return }
        let text = "Signature: 8a477f597d28d172789f06886806bc55\n"
            + "# Model downloads (huggingface_hub layout); backup tools may skip this folder.\n"
        try? Data(text.utf8).write(to: tag)
    }
}

/// `mkdir -p` with the typed disk error.
func makeDirectory(_ url: URL) throws {
    do {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
        throw HubError.disk(path: url.path, reason: "cannot create folder: \(error.localizedDescription)")
    }
}

import Crypto
import EmberHub
import Foundation

/// `download: true` for the audio datasets: fetches an archive through EmberHub's resuming
/// downloader (proxies, retries and timeouts from ``HubConfiguration``), checks the SHA-256
/// torchaudio publishes (its `hash_prefix`) and unpacks the `.tar.gz` as torchaudio's
/// `_extract_tar` does.
///
/// The archive goes through `<root>/.ember-download/` (where an interrupted transfer resumes)
/// and is moved to its place only once its digest matches. An archive already in place is
/// checked again and fetched anew when it does not match. Unpacking holds the archive and its
/// decompressed tar in memory, which suits YesNo and the smaller LibriSpeech subsets; the
/// multi-gigabyte ones need as much free memory as the archive unpacks to.
enum AudioDatasetDownload {
    /// Downloads `url` to `archive` unless a file with the right digest is there already.
    static func fetch(_ url: String, to archive: URL, sha256: String?, hub: HubConfiguration) async throws {
        let fileName = archive.lastPathComponent
        if FileManager.default.fileExists(atPath: archive.path) {
            guard let sha256, try !digest(of: archive).hasPrefix(sha256) else { return }
            try? FileManager.default.removeItem(at: archive)
        }
        let folder = archive.deletingLastPathComponent()
        let staging = folder.appendingPathComponent(".ember-download", isDirectory: true)
        var configuration = hub
        configuration.torchHubDirectory = staging
        let fetched: URL
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            fetched = try await Hub(configuration: configuration).download(url: url, checkHash: false, fileName: fileName)
        } catch let error as HubError {
            throw AudioDatasetError.downloadFailed(url: url, reason: error.description)
        } catch {
            throw AudioDatasetError.downloadFailed(url: url, reason: (error as NSError).localizedDescription)
        }
        if let sha256 {
            let actual = try digest(of: fetched)
            guard actual.hasPrefix(sha256) else {
                try? FileManager.default.removeItem(at: staging)
                throw AudioDatasetError.checksumMismatch(file: fileName, expected: sha256, actual: actual)
            }
        }
        do {
            try FileManager.default.moveItem(at: fetched, to: archive)
        } catch {
            throw AudioDatasetError.downloadFailed(url: url, reason: "cannot move into place: \((error as NSError).localizedDescription)")
        }
        try? FileManager.default.removeItem(at: staging)
    }

    /// The hex SHA-256 of a file, read in 1 MiB pieces.
    static func digest(of url: URL) throws -> String {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw AudioDatasetError.corruptArchive(file: url.path, reason: "cannot open")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Unpacks the gzip-compressed tar `archive` under `folder` (EmberHub's ``TarArchive``).
    static func extractTarGz(_ archive: URL, into folder: URL) throws {
        let compressed: Data
        do {
            compressed = try Data(contentsOf: archive, options: .mappedIfSafe)
        } catch {
            throw AudioDatasetError.corruptArchive(file: archive.path, reason: "cannot read: \((error as NSError).localizedDescription)")
        }
        let tar = try gunzip(compressed, file: archive.path)
        do {
            try TarArchive.extract(tar, into: folder, file: archive.path)
        } catch let error as HubError {
            throw AudioDatasetError.corruptArchive(file: archive.path, reason: error.description)
        }
    }

    /// The decompressed bytes of a whole gzip file (EmberHub's `Gzip`), with Audio's error.
    static func gunzip(_ data: Data, file: String) throws -> Data {
        do {
            return try Gzip.decompress(data)
        } catch let failure as Gzip.Failure {
            throw AudioDatasetError.corruptArchive(file: file, reason: failure.description)
        }
    }
}

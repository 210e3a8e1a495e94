import Crypto
import EmberHub
import Foundation

/// Downloads dataset files through EmberHub's verifying, resuming downloader (proxies, retries
/// and timeouts from ``HubConfiguration``), then checks the MD5 sums torchvision publishes.
///
/// A file goes through `<folder>/.ember-download/` (where an interrupted transfer resumes) and
/// is moved into `<folder>` only once its MD5 matches; a file already in place with the right
/// MD5 is not fetched again.
enum DatasetDownload {
    /// Fetches `fileName` from the first of `urls` that delivers it with the right MD5.
    @discardableResult
    static func fetch(_ fileName: String, from urls: [String], md5: String?, into folder: URL, hub: HubConfiguration) async throws -> URL {
        let destination = folder.appendingPathComponent(fileName)
        if FileManager.default.fileExists(atPath: destination.path) {
            if let md5, try self.md5(of: destination) != md5 {
                try? FileManager.default.removeItem(at: destination)
            } else {
                return destination
            }
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var configuration = hub
        let staging = folder.appendingPathComponent(".ember-download", isDirectory: true)
        configuration.torchHubDirectory = staging
        var reasons: [String] = []
        for url in urls {
            do {
                let fetched = try await Hub(configuration: configuration).download(url: url, checkHash: false, fileName: fileName)
                if let md5 {
                    let actual = try self.md5(of: fetched)
                    if actual != md5 {
                        try? FileManager.default.removeItem(at: fetched)
                        throw VisionDatasetError.checksumMismatch(file: fileName, expected: md5, actual: actual)
                    }
                }
                try? FileManager.default.removeItem(at: destination)
                try FileManager.default.moveItem(at: fetched, to: destination)
                try? FileManager.default.removeItem(at: staging)
                return destination
            } catch let error as VisionDatasetError {
                reasons.append("Tried \(url), got: \(error)")
            } catch let error as HubError {
                reasons.append("Tried \(url), got: \(error)")
            }
        }
        throw VisionDatasetError.downloadFailed(file: fileName, reasons: reasons)
    }

    /// The hex MD5 of a file, read in 1 MiB pieces.
    static func md5(of url: URL) throws -> String {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw VisionDatasetError.corrupt(file: url.path, detail: "cannot open")
        }
        defer { try? handle.close() }
        var hasher = Insecure.MD5()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Writes the decompressed contents of a `.gz` file next to it, without the suffix (as
    /// torchvision's `extract_archive` does).
    static func gunzip(_ gz: URL) throws {
        let data = try Gzip.decompress(try Gzip.readFile(gz.path), file: gz.path)
        try write(data, to: gz.deletingPathExtension())
    }

    static func write(_ data: Data, to url: URL) throws {
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw VisionDatasetError.corrupt(file: url.path, detail: "cannot write: \((error as NSError).localizedDescription)")
        }
    }
}

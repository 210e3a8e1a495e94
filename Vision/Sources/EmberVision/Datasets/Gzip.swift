import EmberHub
import Foundation

/// Reading dataset files that may be gzipped, with EmberHub's `Gzip` and Vision's errors.
enum Gzip {
    /// The decompressed bytes of a whole gzip file (every member); `file` names it in errors.
    static func decompress(_ data: Data, file: String) throws -> Data {
        do {
            return try EmberHub.Gzip.decompress(data)
        } catch let failure as EmberHub.Gzip.Failure {
            if failure.kind == .truncated { throw VisionDatasetError.truncated(file: file, detail: failure.description) }
            throw VisionDatasetError.corrupt(file: file, detail: failure.description)
        }
    }

    /// Reads `path`, or `path.gz` decompressed when only that exists (torchvision extracts the
    /// `.gz` files it downloads; Ember reads either).
    static func readPlainOrGzipped(_ path: String, dataset: String) throws -> (Data, file: String) {
        if FileManager.default.fileExists(atPath: path) { return (try readFile(path), path) }
        let gz = path + ".gz"
        if FileManager.default.fileExists(atPath: gz) { return (try decompress(try readFile(gz), file: gz), gz) }
        throw VisionDatasetError.notFound(dataset: dataset, missing: path)
    }

    static func readFile(_ path: String) throws -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw VisionDatasetError.corrupt(file: path, detail: "cannot read: \((error as NSError).localizedDescription)")
        }
    }
}

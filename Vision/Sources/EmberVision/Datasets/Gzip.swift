import CEmberGzip
import Foundation

/// gzip decompression through zlib (the `CEmberGzip` shim), for `.gz` dataset files.
enum Gzip {
    /// The decompressed bytes of a whole gzip file (every member); `file` names it in errors.
    static func decompress(_ data: Data, file: String) throws -> Data {
        var out: UnsafeMutablePointer<UInt8>?
        var length = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = data.withUnsafeBytes { raw in
            ember_gunzip(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &out, &length, &message, message.count)
        }
        let reason = String(cString: message)
        switch Int(status) {
        case Int(EMBER_GZIP_OK):
            guard let out else { return Data() }
            return Data(bytesNoCopy: out, count: length, deallocator: .free)
        case Int(EMBER_GZIP_TRUNCATED): throw VisionDatasetError.truncated(file: file, detail: "gzip: \(reason)")
        case Int(EMBER_GZIP_NO_MEMORY): throw VisionDatasetError.corrupt(file: file, detail: "gzip: out of memory")
        default: throw VisionDatasetError.corrupt(file: file, detail: "gzip: \(reason)")
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

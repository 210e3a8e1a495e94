import CEmberGzip
import Foundation

/// gzip decompression through zlib (the `CEmberGzip` shim), for the `.gz` and `.tar.gz` files
/// that datasets download (EmberVision's MNIST family, EmberAudio's archives).
public enum Gzip {
    /// Why gzip data could not be decompressed.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public enum Kind: Sendable {
            /// The data ends before the last gzip member does.
            case truncated
            /// Not gzip data, a bad deflate stream, or a failed CRC/length check.
            case corrupt
            /// The output could not be allocated.
            case outOfMemory
        }

        public let kind: Kind
        /// zlib's reason.
        public let reason: String

        public var description: String { "gzip: \(reason)" }
    }

    /// The decompressed bytes of whole gzip data (every member, as Python's gzip module reads them).
    public static func decompress(_ data: Data) throws -> Data {
        var out: UnsafeMutablePointer<UInt8>?
        var length = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = data.withUnsafeBytes { raw in
            ember_gunzip(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &out, &length, &message, message.count)
        }
        switch Int(status) {
        case Int(EMBER_GZIP_OK):
            guard let out else { return Data() }
            return Data(bytesNoCopy: out, count: length, deallocator: .free)
        case Int(EMBER_GZIP_TRUNCATED): throw Failure(kind: .truncated, reason: String(cString: message))
        case Int(EMBER_GZIP_NO_MEMORY): throw Failure(kind: .outOfMemory, reason: "out of memory")
        default: throw Failure(kind: .corrupt, reason: String(cString: message))
        }
    }
}

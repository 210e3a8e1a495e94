import Crypto
import Foundation

/// What a download's bytes must hash to before they may enter the cache.
public enum ExpectedDigest: Sendable, Equatable, CustomStringConvertible {
    /// The full SHA-256 (the hub's ETag of LFS files, a package index's `#sha256=`).
    case sha256(String)
    /// A leading part of the SHA-256, as torch.hub checkpoint names carry it (`-b0353104.pth`).
    case sha256Prefix(String)
    /// Git's blob id, SHA-1 of `blob <size>\0` + content: the hub's ETag of non-LFS files.
    case gitBlobSHA1(String)

    /// The digest a hub ETag stands for: 64 hex digits are a SHA-256, 40 a git blob id;
    /// anything else cannot be checked (then only the size is).
    public init?(etag: String) {
        guard etag.allSatisfy(\.isHexDigit) else { return nil }
        switch etag.count {
        case 64: self = .sha256(etag.lowercased())
        case 40: self = .gitBlobSHA1(etag.lowercased())
        default: return nil
        }
    }

    var expectedText: String {
        switch self {
        case let .sha256(hex), let .gitBlobSHA1(hex): return hex
        case let .sha256Prefix(prefix): return prefix + "…"
        }
    }

    func matches(_ actual: String) -> Bool {
        switch self {
        case let .sha256(hex), let .gitBlobSHA1(hex): return actual == hex.lowercased()
        case let .sha256Prefix(prefix): return actual.hasPrefix(prefix.lowercased())
        }
    }

    public var description: String {
        switch self {
        case let .sha256(hex): return "sha256:\(hex)"
        case let .sha256Prefix(prefix): return "sha256:\(prefix)…"
        case let .gitBlobSHA1(hex): return "git-sha1:\(hex)"
        }
    }
}

/// An incremental hash for one ``ExpectedDigest`` kind, fed chunk by chunk as bytes arrive.
struct DigestState {
    private var sha256: SHA256?
    private var sha1: Insecure.SHA1?

    /// `totalSize` is needed up front for git's blob header.
    init?(for expected: ExpectedDigest, totalSize: Int64?) {
        switch expected {
        case .sha256, .sha256Prefix:
            sha256 = SHA256()
        case .gitBlobSHA1:
            guard let totalSize else { return nil }
            var hasher = Insecure.SHA1()
            hasher.update(data: Data("blob \(totalSize)\0".utf8))
            sha1 = hasher
        }
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        if sha256 != nil { sha256!.update(bufferPointer: bytes) }
        if sha1 != nil { sha1!.update(bufferPointer: bytes) }
    }

    func finalizeHex() -> String {
        if let sha256 { return hex(sha256.finalize()) }
        if let sha1 { return hex(sha1.finalize()) }
        return ""
    }
}

func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
    digest.map { String(format: "%02x", $0) }.joined()
}

/// Feeds the first `length` bytes of a file (all of it when `nil`) to `body` in 1 MiB pieces.
func readChunks(_ url: URL, length: Int64? = nil, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
    let fd = open(url.path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw diskError(url.path) }
    defer { close(fd) }
    let size = 1 << 20
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
    defer { buffer.deallocate() }
    var remaining = length ?? Int64.max
    while remaining > 0 {
        let n = read(fd, buffer.baseAddress, Int(min(Int64(size), remaining)))
        if n < 0 {
            if errno == EINTR { continue }
            throw diskError(url.path)
        }
        if n == 0 { break }
        try body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        remaining -= Int64(n)
    }
}

/// The hex digest of a whole file for the kind of `expected` (used by `verify` and `import`).
func digestOfFile(_ url: URL, like expected: ExpectedDigest) throws -> String {
    let size = try fileSize(url) ?? 0
    guard var state = DigestState(for: expected, totalSize: size) else { return "" }
    try readChunks(url) { state.update($0) }
    return state.finalizeHex()
}

/// The size of a file (following links), `nil` if it does not exist.
func fileSize(_ url: URL) throws -> Int64? {
    var info = stat()
    if stat(url.path, &info) != 0 {
        if errno == ENOENT { return nil }
        throw diskError(url.path)
    }
    return Int64(info.st_size)
}

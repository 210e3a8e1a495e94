import Foundation

/// Extracts an uncompressed tar archive (ustar/GNU, as Python's `tarfile` and GNU tar write
/// them): regular files and folders, GNU long names, PAX headers' `path`. Links and devices are
/// skipped. Member paths that are absolute or climb with `..` are refused.
///
/// Shared by the domain libraries' dataset downloads (EmberVision's CIFAR, EmberAudio's
/// speech corpora), which unpack `.tar.gz` archives as torchvision and torchaudio do; they
/// gunzip first (`Gzip`) and hand the tar bytes here.
public enum TarArchive {
    /// Writes the members of `data` under `folder`, returning the extracted files' paths in
    /// archive order. `file` names the archive in errors (``HubError/archive(path:reason:)`` for
    /// a damaged or hostile archive, ``HubError/disk(path:reason:)`` when writing fails).
    @discardableResult
    public static func extract(_ data: Data, into folder: URL, file: String) throws -> [URL] {
        try data.withUnsafeBytes { raw in
            try extract(raw.bindMemory(to: UInt8.self), into: folder, file: file)
        }
    }

    private static func extract(_ bytes: UnsafeBufferPointer<UInt8>, into folder: URL, file: String) throws -> [URL] {
        var written: [URL] = []
        var offset = 0
        var longName: String?
        while offset + 512 <= bytes.count {
            let header = bytes[offset..<(offset + 512)]
            if header.allSatisfy({ $0 == 0 }) { return written }  // end of archive
            func field(_ start: Int, _ length: Int) -> String {
                let slice = bytes[(offset + start)..<(offset + start + length)]
                return String(decoding: slice.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let size = Int(field(124, 12).trimmingCharacters(in: .whitespaces), radix: 8) else {
                throw HubError.archive(path: file, reason: "tar: bad size field at byte \(offset)")
            }
            let type = bytes[offset + 156]
            let prefix = field(257, 6).hasPrefix("ustar") ? field(345, 155) : ""
            var name = longName ?? (prefix.isEmpty ? field(0, 100) : prefix + "/" + field(0, 100))
            longName = nil
            let start = offset + 512
            guard start + size <= bytes.count else {
                throw HubError.archive(path: file, reason: "tar member \(name) ends early (truncated archive)")
            }
            let body = UnsafeBufferPointer(rebasing: bytes[start..<(start + size)])
            offset = start + (size + 511) / 512 * 512
            switch type {
            case UInt8(ascii: "L"):  // GNU long name for the next member
                longName = String(decoding: body.prefix { $0 != 0 }, as: UTF8.self)
                continue
            case UInt8(ascii: "x"):  // PAX extended header: "len key=value\n" records
                for record in String(decoding: body, as: UTF8.self).split(separator: "\n") {
                    if let eq = record.firstIndex(of: "="), record[..<eq].hasSuffix(" path") {
                        longName = String(record[record.index(after: eq)...])
                    }
                }
                continue
            case UInt8(ascii: "g"): continue
            default: break
            }
            while name.hasPrefix("./") { name.removeFirst(2) }
            if name.isEmpty { continue }
            guard !name.hasPrefix("/"), !name.split(separator: "/").contains("..") else {
                throw HubError.archive(path: file, reason: "tar member path \(name) leaves the target folder")
            }
            let target = folder.appendingPathComponent(name)
            do {
                switch type {
                case UInt8(ascii: "5"):
                    try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
                case UInt8(ascii: "0"), 0, UInt8(ascii: "7"):
                    try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try Data(buffer: body).write(to: target, options: .atomic)
                    written.append(target)
                default: continue  // links, devices, FIFOs
                }
            } catch {
                throw HubError.disk(path: target.path, reason: (error as NSError).localizedDescription)
            }
        }
        if offset < bytes.count { throw HubError.archive(path: file, reason: "tar: a header ends early (truncated archive)") }
        return written
    }
}

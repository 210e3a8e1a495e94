import Foundation

/// Extracts an uncompressed tar archive (ustar/GNU, as Python's `tarfile` and GNU tar write them):
/// regular files and folders, GNU long names, PAX headers' `path`. Links and devices are
/// skipped. Member paths that are absolute or climb with `..` are refused.
enum TarReader {
    static func extract(_ data: Data, into folder: URL, file: String) throws {
        let bytes = [UInt8](data)
        var offset = 0
        var longName: String?
        while offset + 512 <= bytes.count {
            let header = bytes[offset..<(offset + 512)]
            if header.allSatisfy({ $0 == 0 }) { return }  // end of archive
            func field(_ start: Int, _ length: Int) -> String {
                let slice = bytes[(offset + start)..<(offset + start + length)]
                return String(decoding: slice.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let size = Int(field(124, 12).trimmingCharacters(in: .whitespaces), radix: 8) else {
                throw VisionDatasetError.corrupt(file: file, detail: "tar: bad size field at byte \(offset)")
            }
            let type = bytes[offset + 156]
            let prefix = field(257, 6).hasPrefix("ustar") ? field(345, 155) : ""
            var name = longName ?? (prefix.isEmpty ? field(0, 100) : prefix + "/" + field(0, 100))
            longName = nil
            let start = offset + 512
            guard start + size <= bytes.count else { throw VisionDatasetError.truncated(file: file, detail: "tar member \(name) ends early") }
            let body = bytes[start..<(start + size)]
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
                throw VisionDatasetError.corrupt(file: file, detail: "tar member path \(name) leaves the target folder")
            }
            let target = folder.appendingPathComponent(name)
            switch type {
            case UInt8(ascii: "5"):
                try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            case UInt8(ascii: "0"), 0, UInt8(ascii: "7"):
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try DatasetDownload.write(Data(body), to: target)
            default: continue  // links, devices, FIFOs
            }
        }
        if offset < bytes.count { throw VisionDatasetError.truncated(file: file, detail: "tar: a header ends early") }
    }
}

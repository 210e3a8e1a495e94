/// The tar archives of PyTorch's first checkpoint format (before 0.4, `torch.save` wrote its
/// records as members of an uncompressed tar: `sys_info`, `pickle`, `tensors`, `storages`).
///
/// Every header is checked (checksum, octal or base-256 size, member bounds) before its
/// member is used, so a damaged or hostile archive can neither read outside the file nor
/// allocate by an unchecked size. Members are located, never copied.
struct TarArchive {
    struct Member {
        let name: String
        /// Offset of the member's data in the archive.
        let dataOffset: Int
        let size: Int
    }

    /// Regular-file members by name (a later member of the same name replaces an earlier one,
    /// as `tarfile` does).
    let members: [String: Member]

    /// True when the bytes start with a ustar header (POSIX "ustar\0" or GNU "ustar ").
    static func looksLikeTar(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 512 else { return false }
        return Array(bytes[257..<262]) == Array("ustar".utf8)
    }

    init(bytes: UnsafeRawBufferPointer, file: String) throws {
        func fail(_ detail: String) -> CheckpointError { CheckpointError(.malformedArchive, file: file, detail) }
        var members: [String: Member] = [:]
        var offset = 0
        var pendingName: String?  // from a GNU long-name ('L') or pax ('x') header
        while true {
            guard offset + 512 <= bytes.count else {
                // tarfile accepts an archive that ends without its two zero blocks.
                if offset == bytes.count && !members.isEmpty { break }
                throw CheckpointError(.truncated, file: file, "tar header at \(offset) runs past the end of the file")
            }
            let header = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + 512)])
            if header.allSatisfy({ $0 == 0 }) { break }  // end of archive
            try Self.checkChecksum(header, at: offset, fail)
            let size = try Self.size(header, at: offset, fail)
            let dataOffset = offset + 512
            guard size <= bytes.count - dataOffset else {
                throw CheckpointError(.truncated, file: file, "tar member at \(offset) claims \(size) bytes but the file ends at \(bytes.count)")
            }
            let data = UnsafeRawBufferPointer(rebasing: bytes[dataOffset..<(dataOffset + size)])
            switch header[156] {
            case UInt8(ascii: "0"), 0, UInt8(ascii: "7"):  // regular file (contiguous file)
                let name = pendingName ?? Self.name(header)
                members[name] = Member(name: name, dataOffset: dataOffset, size: size)
                pendingName = nil
            case UInt8(ascii: "L"):  // GNU long name for the next member
                pendingName = String(decoding: data.prefix { $0 != 0 }, as: UTF8.self)
            case UInt8(ascii: "x"):  // pax extended header for the next member
                if let path = try Self.paxPath(data, fail) { pendingName = path }
            default:  // directories, links, global pax headers: nothing a checkpoint needs
                pendingName = nil
            }
            // Data is padded to whole 512-byte blocks; `size` is bounded by the file size.
            offset = dataOffset + (size + 511) / 512 * 512
        }
        self.members = members
    }

    /// The sum of the header's bytes with the checksum field read as spaces (unsigned, as
    /// every writer since POSIX.1-1988 computes it; old writers used signed bytes, also accepted).
    private static func checkChecksum(_ header: UnsafeRawBufferPointer, at offset: Int, _ fail: (String) -> CheckpointError) throws {
        guard let stored = octal(header[148..<156]) else { throw fail("tar header at \(offset) has no checksum") }
        var unsigned = 0, signed = 0
        for (i, byte) in header.enumerated() {
            let b = (148..<156).contains(i) ? 0x20 : byte
            unsigned += Int(b)
            signed += Int(Int8(bitPattern: b))
        }
        guard stored == unsigned || stored == signed else {
            throw fail("tar header at \(offset) has checksum \(stored) but its bytes sum to \(unsigned) (damaged archive)")
        }
    }

    /// The size field: octal text, or GNU's base-256 form (high bit of the first byte set).
    private static func size(_ header: UnsafeRawBufferPointer, at offset: Int, _ fail: (String) -> CheckpointError) throws -> Int {
        let field = header[124..<136]
        if field.first! & 0x80 != 0 {
            guard field.first! == 0x80 else { throw fail("tar header at \(offset) has a negative size") }
            var value = 0
            for byte in field.dropFirst() {
                let (shifted, overflow) = value.multipliedReportingOverflow(by: 256)
                guard !overflow, shifted <= Int.max - Int(byte) else { throw fail("tar header at \(offset) has a size beyond 2^63") }
                value = shifted + Int(byte)
            }
            return value
        }
        guard let value = octal(field) else { throw fail("tar header at \(offset) has a malformed size field") }
        return value
    }

    /// An octal number padded with spaces or NULs (at most 12 digits, so it cannot overflow).
    private static func octal(_ field: Slice<UnsafeRawBufferPointer>) -> Int? {
        var value = 0, digits = 0
        for byte in field {
            if byte == 0 || byte == 0x20 {
                if digits > 0 { break } else { continue }
            }
            guard (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(byte) else { return nil }
            value = value * 8 + Int(byte - UInt8(ascii: "0"))
            digits += 1
        }
        return digits > 0 ? value : nil
    }

    /// The member name: ustar's prefix and name fields, each NUL-terminated.
    private static func name(_ header: UnsafeRawBufferPointer) -> String {
        func text(_ range: Range<Int>) -> String { String(decoding: header[range].prefix { $0 != 0 }, as: UTF8.self) }
        let name = text(0..<100)
        let prefix = Array(header[257..<262]) == Array("ustar".utf8) && header[262] == 0 ? text(345..<500) : ""
        return prefix.isEmpty ? name : prefix + "/" + name
    }

    /// The `path` record of a pax header ("<length> path=<value>\n" records).
    private static func paxPath(_ data: UnsafeRawBufferPointer, _ fail: (String) -> CheckpointError) throws -> String? {
        var at = 0
        var path: String?
        while at < data.count {
            guard let space = data[at...].firstIndex(of: 0x20), let length = Int(String(decoding: data[at..<space], as: UTF8.self)),
                length >= space - at + 2, length <= data.count - at, data[at + length - 1] == 0x0A
            else { throw fail("malformed pax header record at byte \(at)") }
            let record = data[(space + 1)..<(at + length - 1)]
            if let equals = record.firstIndex(of: UInt8(ascii: "=")), String(decoding: record[..<equals], as: UTF8.self) == "path" {
                path = String(decoding: record[(equals + 1)...], as: UTF8.self)
            }
            at += length
        }
        return path
    }
}

import Foundation

/// The stored (uncompressed) zip archives that `torch.save` writes since PyTorch 1.6.
///
/// Reading parses the central directory (zip64 included) and validates every entry against
/// the file's size, so a hostile directory can neither make us read outside the file nor
/// allocate by an unchecked size. Compressed entries are refused: torch never writes them,
/// and refusing them rules out zip bombs.
struct ZipArchive {
    struct Entry {
        let name: String
        /// Offset of the entry's data in the archive.
        let dataOffset: Int
        let size: Int
    }

    let entries: [String: Entry]
    let file: String

    init(bytes: UnsafeRawBufferPointer, file: String) throws {
        self.file = file
        func fail(_ detail: String) -> CheckpointError { CheckpointError(.malformedArchive, file: file, detail) }
        func u16(_ at: Int) throws -> Int {
            guard at >= 0, at + 2 <= bytes.count else { throw CheckpointError(.truncated, file: file, "zip structure at \(at) runs past the end") }
            return Int(bytes.loadUnaligned(fromByteOffset: at, as: UInt16.self).littleEndian)
        }
        func u32(_ at: Int) throws -> Int {
            guard at >= 0, at + 4 <= bytes.count else { throw CheckpointError(.truncated, file: file, "zip structure at \(at) runs past the end") }
            return Int(bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian)
        }
        func u64(_ at: Int) throws -> Int {
            guard at >= 0, at + 8 <= bytes.count else { throw CheckpointError(.truncated, file: file, "zip structure at \(at) runs past the end") }
            let v = bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self).littleEndian
            guard v <= UInt64(Int.max) else { throw fail("zip64 field \(v) out of range") }
            return Int(v)
        }

        // End of central directory: the last signature within the final 64 KiB + 22 bytes.
        guard bytes.count >= 22 else { throw CheckpointError(.truncated, file: file, "too short for a zip archive (\(bytes.count) bytes)") }
        var eocd = -1
        var at = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 65_535)
        while at >= lowest {
            if try u32(at) == 0x0605_4B50 { eocd = at; break }
            at -= 1
        }
        guard eocd >= 0 else { throw fail("no zip end-of-central-directory record (not a torch.save zip file, or truncated)") }
        var count = try u16(eocd + 10)
        var directorySize = try u32(eocd + 12)
        var directoryOffset = try u32(eocd + 16)
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            let locator = eocd - 20
            guard locator >= 0, try u32(locator) == 0x0706_4B50 else { throw fail("zip64 values without a zip64 locator") }
            let record = try u64(locator + 8)
            guard try u32(record) == 0x0606_4B50 else { throw fail("zip64 end record missing at \(record)") }
            count = try u64(record + 32)
            directorySize = try u64(record + 40)
            directoryOffset = try u64(record + 48)
        }
        guard directoryOffset <= bytes.count, directorySize <= bytes.count - directoryOffset else {
            throw CheckpointError(.truncated, file: file, "central directory at \(directoryOffset)+\(directorySize) lies outside the \(bytes.count)-byte file")
        }
        // Each directory record is at least 46 bytes: a count beyond that is a lie.
        guard count <= directorySize / 46 else { throw fail("directory claims \(count) entries in \(directorySize) bytes") }

        var entries: [String: Entry] = [:]
        var cursor = directoryOffset
        for _ in 0..<count {
            guard try u32(cursor) == 0x0201_4B50 else { throw fail("bad central directory record at \(cursor)") }
            let flags = try u16(cursor + 8)
            let method = try u16(cursor + 10)
            var compressedSize = try u32(cursor + 20)
            var size = try u32(cursor + 24)
            let nameLength = try u16(cursor + 28)
            let extraLength = try u16(cursor + 30)
            let commentLength = try u16(cursor + 32)
            var localOffset = try u32(cursor + 42)
            guard cursor + 46 + nameLength + extraLength + commentLength <= directoryOffset + directorySize else {
                throw fail("central directory record at \(cursor) runs past the directory")
            }
            let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(cursor + 46)..<(cursor + 46 + nameLength)]), as: UTF8.self)
            // Zip64 extended information replaces the fields that hold 0xFFFFFFFF, in order.
            var extra = cursor + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = try u16(extra), length = try u16(extra + 2)
                if id == 0x0001 {
                    var field = extra + 4
                    if size == 0xFFFF_FFFF { size = try u64(field); field += 8 }
                    if compressedSize == 0xFFFF_FFFF { compressedSize = try u64(field); field += 8 }
                    if localOffset == 0xFFFF_FFFF { localOffset = try u64(field) }
                }
                extra += 4 + length
            }
            guard flags & 1 == 0 else { throw fail("entry '\(name)' is encrypted") }
            guard method == 0 else {
                throw fail("entry '\(name)' is compressed (method \(method)); torch.save archives store entries uncompressed")
            }
            guard compressedSize == size else { throw fail("stored entry '\(name)' has differing sizes \(compressedSize) and \(size)") }
            guard try u32(localOffset) == 0x0403_4B50 else { throw fail("entry '\(name)' has no local header at \(localOffset)") }
            let dataOffset = localOffset + 30 + (try u16(localOffset + 26)) + (try u16(localOffset + 28))
            guard dataOffset <= bytes.count, size <= bytes.count - dataOffset else {
                throw CheckpointError(.truncated, file: file, "entry '\(name)' (\(size) bytes at \(dataOffset)) extends past the end of the file")
            }
            entries[name] = Entry(name: name, dataOffset: dataOffset, size: size)
            cursor += 46 + nameLength + extraLength + commentLength
        }
        self.entries = entries
    }
}

/// Writes a stored zip archive the way PyTorch's writer lays it out: each entry's data
/// aligned to 64 bytes (padding in the local header's extra field), CRC-32 checked.
struct ZipWriter {
    private(set) var data = Data()
    private var directory = Data()
    private var count = 0

    static let alignment = 64

    mutating func add(_ name: String, _ content: UnsafeRawBufferPointer) {
        let nameBytes = Array(name.utf8)
        let offset = data.count
        // Padding so the data starts on a 64-byte boundary: extra field id 'FB' like PyTorch's.
        let unpadded = offset + 30 + nameBytes.count + 4
        let padding = (Self.alignment - unpadded % Self.alignment) % Self.alignment
        let crc = CRC32.checksum(content)
        let size = content.count
        precondition(size < 0xFFFF_FFFF && offset < 0xFFFF_FFFF, "ZipWriter: archives over 4 GB need zip64, which Ember does not write yet")
        var local = Data()
        local.appendLE(UInt32(0x0403_4B50)); local.appendLE(UInt16(20)); local.appendLE(UInt16(0)); local.appendLE(UInt16(0))
        local.appendLE(UInt16(0)); local.appendLE(UInt16(0x21))  // time/date: a fixed timestamp keeps files reproducible
        local.appendLE(UInt32(crc)); local.appendLE(UInt32(size)); local.appendLE(UInt32(size))
        local.appendLE(UInt16(nameBytes.count)); local.appendLE(UInt16(4 + padding))
        local.append(contentsOf: nameBytes)
        local.appendLE(UInt16(0x4246)); local.appendLE(UInt16(padding))
        local.append(contentsOf: [UInt8](repeating: 0x5A, count: padding))
        data.append(local)
        data.append(content.bindMemory(to: UInt8.self))

        directory.appendLE(UInt32(0x0201_4B50)); directory.appendLE(UInt16(20)); directory.appendLE(UInt16(20))
        directory.appendLE(UInt16(0)); directory.appendLE(UInt16(0)); directory.appendLE(UInt16(0)); directory.appendLE(UInt16(0x21))
        directory.appendLE(UInt32(crc)); directory.appendLE(UInt32(size)); directory.appendLE(UInt32(size))
        directory.appendLE(UInt16(nameBytes.count)); directory.appendLE(UInt16(0)); directory.appendLE(UInt16(0))
        directory.appendLE(UInt16(0)); directory.appendLE(UInt16(0)); directory.appendLE(UInt32(0))
        directory.appendLE(UInt32(offset))
        directory.append(contentsOf: nameBytes)
        count += 1
    }

    mutating func add(_ name: String, _ bytes: [UInt8]) { bytes.withUnsafeBytes { add(name, $0) } }

    /// The finished archive.
    mutating func finish() -> Data {
        let directoryOffset = data.count
        data.append(directory)
        data.appendLE(UInt32(0x0605_4B50)); data.appendLE(UInt16(0)); data.appendLE(UInt16(0))
        data.appendLE(UInt16(count)); data.appendLE(UInt16(count))
        data.appendLE(UInt32(directory.count)); data.appendLE(UInt32(directoryOffset)); data.appendLE(UInt16(0))
        return data
    }
}

extension Data {
    mutating func appendLE<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}

/// CRC-32 (IEEE 802.3, the zip checksum).
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { table in
            for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        }
        return crc ^ 0xFFFF_FFFF
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A whole file mapped copy-on-write: tensors can be views on it, and writing to them never
/// reaches the file. The mapping lives as long as any storage made from it.
enum MappedFile {
    /// Maps `path`; the storage's bytes are the file's bytes.
    static func map(_ path: String) throws -> Storage {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw CheckpointError(.io, file: path, "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw CheckpointError(.io, file: path, "cannot stat: \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw CheckpointError(.io, file: path, "not a regular file") }
        let size = Int(info.st_size)
        if size == 0 { return Storage(byteCount: 0) }
        guard let base = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw CheckpointError(.io, file: path, "cannot map \(size) bytes: \(String(cString: strerror(errno)))")
        }
        return Storage(wrapping: base, byteCount: size) { pointer, length in _ = munmap(pointer, length) }
    }

    /// A storage over `byteCount` bytes of `mapping` at `offset`, keeping the mapping alive.
    static func slice(_ mapping: Storage, offset: Int, byteCount: Int) -> Storage {
        Storage(wrapping: mapping.data + offset, byteCount: byteCount) { _, _ in withExtendedLifetime(mapping) {} }
    }
}

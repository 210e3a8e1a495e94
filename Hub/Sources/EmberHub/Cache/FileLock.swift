import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive advisory lock on a file (`flock`), the same kind Python's `filelock` takes on
/// the `.locks/…/<etag>.lock` files, so Ember and huggingface_hub exclude each other too.
///
/// Acquisition polls with `LOCK_NB` and sleeps between tries instead of blocking, because a
/// blocked thread would starve Swift's small cooperative thread pool.
final class FileLock {
    private var descriptor: Int32 = -1
    let path: URL

    private init(path: URL) { self.path = path }

    /// Waits up to `timeout` seconds for the lock.
    static func acquire(_ path: URL, timeout: TimeInterval) async throws -> FileLock {
        try makeDirectory(path.deletingLastPathComponent())
        let lock = FileLock(path: path)
        let fd = open(path.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw diskError(path.path) }
        lock.descriptor = fd
        let deadline = Date().addingTimeInterval(timeout)
        var pause: UInt64 = 5_000_000
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            guard code == EWOULDBLOCK || code == EINTR else {
                lock.release()
                throw diskError(path.path, code)
            }
            guard Date() < deadline else {
                lock.release()
                throw HubError.lockTimeout(path: path.path)
            }
            do {
                try await Task.sleep(nanoseconds: pause)
            } catch {
                lock.release()
                throw error
            }
            pause = min(pause * 2, 200_000_000)
        }
        return lock
    }

    /// Releases the lock; the lock file stays, as with Python's `filelock`, since removing it
    /// would race with a process that just opened it.
    func release() {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}

/// Runs `body` holding the lock at `path`.
func withFileLock<T>(_ path: URL, timeout: TimeInterval, _ body: () async throws -> T) async throws -> T {
    let lock = try await FileLock.acquire(path, timeout: timeout)
    defer { lock.release() }
    return try await body()
}

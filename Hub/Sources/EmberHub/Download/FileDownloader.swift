import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One file to fetch: where from, and what it must look like to be accepted.
struct DownloadItem {
    var url: String
    /// Bytes announced by the server or index; checked before the file is accepted.
    var expectedSize: Int64?
    var digest: ExpectedDigest?
    /// Shown in progress and error messages (a repository path, a URL's file name).
    var name: String
}

/// Streams a URL into `<destination>.incomplete`-style scratch files and moves the result into
/// place only when size and digest check out.
///
/// A broken transfer leaves the scratch file for the next attempt, which asks for the rest
/// with a `Range` request; the caller holds the file lock, so no one else appends meanwhile.
/// A bad digest or an overlong file deletes the scratch file: such bytes are never reused.
enum FileDownloader {
    static func fetch(
        _ item: DownloadItem, incomplete: URL, destination: URL, transport: HTTPTransport
    ) async throws {
        try makeDirectory(incomplete.deletingLastPathComponent())
        let progress = transport.configuration.progress
        var size: Int64 = 0
        var digestHex: String?
        (size, digestHex) = try await transport.withRetries(item.url) { _ in
            try await attempt(item, incomplete: incomplete, transport: transport)
        }
        if let expected = item.expectedSize, size != expected {
            unlink(incomplete.path)
            throw HubError.sizeMismatch(file: item.name, expected: expected, actual: size)
        }
        if let digest = item.digest {
            // `nil` here means the streamed state could not be built (git id without a size).
            let actual = try digestHex ?? digestOfFile(incomplete, like: digest)
            guard digest.matches(actual) else {
                unlink(incomplete.path)
                throw HubError.checksumMismatch(file: item.name, expected: digest.expectedText, actual: actual)
            }
        }
        try makeDirectory(destination.deletingLastPathComponent())
        guard rename(incomplete.path, destination.path) == 0 else { throw diskError(destination.path) }
        progress?(HubProgressEvent(file: item.name, completed: size, total: size, finished: true))
    }

    /// One request: resumes from the scratch file's length, appends, returns the final length
    /// and the streamed digest.
    private static func attempt(
        _ item: DownloadItem, incomplete: URL, transport: HTTPTransport
    ) async throws -> (Int64, String?) {
        var existing = try fileSize(incomplete) ?? 0
        if let expected = item.expectedSize {
            if existing > expected {
                unlink(incomplete.path)
                existing = 0
            } else if existing == expected && existing > 0 {
                // An earlier run received everything but stopped before the rename.
                return (existing, try item.digest.map { try digestOfFile(incomplete, like: $0) })
            }
        }
        var headers = HTTPHeaders()
        if existing > 0 { headers.add(name: "Range", value: "bytes=\(existing)-") }
        let response: HTTPClientResponse
        let finalURL: String
        do {
            (response, finalURL) = try await transport.send(.GET, item.url, headers: headers)
        } catch HubError.httpStatus(416, let url, _) where existing > 0 {
            // The server cannot serve the rest of what we hold: start again from zero.
            unlink(incomplete.path)
            throw HubError.network(url: url, reason: "range not satisfiable; restarting the download")
        }
        var offset: Int64 = 0
        var total = item.expectedSize
        if response.status == .partialContent {
            guard let range = response.headers.first(name: "Content-Range"), let start = parseRangeStart(range),
                start.start == existing
            else {
                await transport.drain(response)
                unlink(incomplete.path)
                throw HubError.network(url: finalURL, reason: "server resumed at an unexpected offset")
            }
            offset = existing
            if total == nil { total = start.total }
        } else if response.status == .ok {
            if total == nil { total = response.headers.int64("Content-Length") }
        } else {
            await transport.drain(response)
            throw HubError.invalidResponse(url: finalURL, reason: "unexpected status \(response.status.code)")
        }

        var state = item.digest.flatMap { DigestState(for: $0, totalSize: total) }
        if offset > 0, state != nil {
            try readChunks(incomplete, length: offset) { state!.update($0) }
        }
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (offset > 0 ? O_APPEND : O_TRUNC)
        let fd = open(incomplete.path, flags, 0o644)
        guard fd >= 0 else { throw diskError(incomplete.path) }
        defer { close(fd) }
        var written = offset
        let fault = transport.configuration.writeFault
        let progress = transport.configuration.progress
        do {
            for try await chunk in response.body {
                if let code = fault?(written) { throw diskError(incomplete.path, code) }
                try chunk.withUnsafeReadableBytes { bytes in
                    try writeAll(fd, bytes, path: incomplete.path)
                    state?.update(bytes)
                }
                written += Int64(chunk.readableBytes)
                if let total, written > total {
                    unlink(incomplete.path)
                    throw HubError.sizeMismatch(file: item.name, expected: total, actual: written)
                }
                progress?(HubProgressEvent(file: item.name, completed: written, total: total, finished: false))
            }
        } catch {
            throw HTTPTransport.map(error, url: finalURL)
        }
        if let total, written < total {
            // A connection closed early without an error: keep what we have and resume.
            throw HubError.network(url: finalURL, reason: "connection closed after \(written) of \(total) bytes")
        }
        return (written, state?.finalizeHex())
    }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var done = 0
        while done < bytes.count {
            let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw diskError(path)
            }
            done += n
        }
    }

    /// `bytes START-END/TOTAL` → (START, TOTAL); TOTAL may be `*`.
    static func parseRangeStart(_ header: String) -> (start: Int64, total: Int64?)? {
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix("bytes ") else { return nil }
        let spec = text.dropFirst(6)
        let parts = spec.split(separator: "/")
        guard parts.count == 2, let dash = parts[0].firstIndex(of: "-"),
            let start = Int64(parts[0][..<dash])
        else { return nil }
        return (start, Int64(parts[1]))
    }
}

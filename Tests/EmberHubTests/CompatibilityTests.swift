import Foundation
import XCTest
@testable import EmberHub

/// Ember and Python's huggingface_hub share one cache.
///
/// `Tests/Fixtures/Hub/hf-cache` was written by huggingface_hub 2.4.0 itself
/// (`Scripts/fixtures/hub_make_fixtures.py` runs `hf_hub_download` against a loopback server
/// serving `tiny-repo/`). One direction: Ember finds those files without a request. The other:
/// Ember, fetching the same repository from the Swift fake hub, writes the same tree (paths,
/// link targets, refs, blob bytes), which is therefore what huggingface_hub reads. When the
/// fixture venv is present, huggingface_hub itself also reads Ember's cache.
final class CompatibilityTests: HubTestCase {
    private var pythonCache: URL { Fixtures.hub.appendingPathComponent("hf-cache") }

    func testEmberFindsFilesPythonDownloaded() async throws {
        var config = configuration()
        config.cacheDirectory = pythonCache
        config.offline = true
        let hub = Hub(configuration: config)
        for file in ["config.json", "model.bin", "nested/notes.txt"] {
            let path = try await hub.download(repo: fake.repo, file: file)
            XCTAssertEqual(Array(try Data(contentsOf: path)), fake.files[file], file)
        }
        let snapshot = try await hub.snapshot(repo: fake.repo)
        XCTAssertEqual(snapshot.lastPathComponent, fake.commit)
        let verified = try CacheMaintenance.verify(cacheDirectory: pythonCache)
        XCTAssertEqual(verified.checked, 3)
        XCTAssertEqual(verified.problems, [])
        let scanned = try CacheScanner.scan(pythonCache)
        XCTAssertEqual(scanned.map(\.repository.id), [fake.repo])
        XCTAssertEqual(scanned.first?.revisions.first?.refs, ["main"])
    }

    func testEmberWritesTheTreePythonWrites() async throws {
        _ = try await hub().snapshot(repo: fake.repo)
        XCTAssertEqual(try tree(cacheDirectory), try tree(pythonCache))
    }

    func testPythonHuggingFaceHubReadsEmbersCache() async throws {
        let candidates = [
            Fixtures.hub.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent(".venv-fixtures/bin/python"),
            URL(fileURLWithPath: "/work/main/.venv-fixtures/bin/python"),
        ]
        guard let python = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw XCTSkip("no fixture venv with huggingface_hub (Scripts/fixtures/setup)")
        }
        _ = try await hub().snapshot(repo: fake.repo)
        _ = await hubError { try await self.hub().download(repo: self.fake.repo, file: "missing.txt") }
        let script = """
            import sys
            from huggingface_hub import try_to_load_from_cache, scan_cache_dir
            from huggingface_hub.file_download import _CACHED_NO_EXIST
            cache = sys.argv[1]
            assert try_to_load_from_cache("\(fake.repo)", "missing.txt", cache_dir=cache) is _CACHED_NO_EXIST
            for name in ["config.json", "model.bin", "nested/notes.txt"]:
                path = try_to_load_from_cache("\(fake.repo)", name, cache_dir=cache, revision="main")
                assert isinstance(path, str), (name, path)
                print(name, open(path, "rb").read().__len__())
            info = scan_cache_dir(cache)
            assert not info.warnings, info.warnings
            repo, = info.repos
            print(repo.repo_id, repo.size_on_disk, repo.nb_files, sorted(r.commit_hash for r in repo.revisions))
            """
        let process = Process()
        process.executableURL = python
        process.arguments = ["-c", script, cacheDirectory.path]
        var environment = ProcessInfo.processInfo.environment
        environment["HF_HUB_OFFLINE"] = "1"
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, output)
        let total = fake.files.values.reduce(0) { $0 + $1.count }
        XCTAssertEqual(output, """
            config.json \(fake.files["config.json"]!.count)
            model.bin \(fake.files["model.bin"]!.count)
            nested/notes.txt \(fake.files["nested/notes.txt"]!.count)
            \(fake.repo) \(total) 3 ['\(fake.commit)']

            """)
    }

    /// Every entry below `root`: kind, link target or content hash (CACHEDIR.TAG's comment
    /// lines are free text, so only its presence counts).
    private func tree(_ root: URL) throws -> [String] {
        var entries: [String] = []
        let walker = FileManager.default.enumerator(atPath: root.path)!
        while let path = walker.nextObject() as? String {
            if path.hasPrefix(".locks") { continue }
            let url = root.appendingPathComponent(path)
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: url.path) {
                entries.append("link \(path) -> \(target)")
                continue
            }
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
            if isDirectory.boolValue {
                entries.append("dir \(path)")
            } else if path == "CACHEDIR.TAG" {
                entries.append("file \(path)")
            } else {
                entries.append("file \(path) \(try digestOfFile(url, like: .sha256("")))")
            }
        }
        return entries.sorted()
    }
}

import Foundation
import XCTest
@testable import EmberHub

/// Runs the built `ember-hub` against the fake hub and checks output and exit codes.
final class CommandLineTests: HubTestCase {
    private func binary() throws -> URL {
        let url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ember-hub")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw XCTSkip("ember-hub is not built next to the test bundle (\(url.path))")
        }
        return url
    }

    private func run(_ arguments: [String], offline: Bool = false) throws -> (code: Int32, out: String, err: String) {
        try finish(start(arguments, offline: offline))
    }

    private func start(_ arguments: [String], offline: Bool = false) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["HF_ENDPOINT"] = fake.base
        environment["HF_HUB_CACHE"] = cacheDirectory.path
        environment["EMBER_CACHE"] = root.appendingPathComponent("ember").path
        environment["TORCH_HOME"] = root.appendingPathComponent("torch").path
        environment["PIP_INDEX_URL"] = fake.base + "/simple/"
        environment["HF_HUB_OFFLINE"] = offline ? "1" : "0"
        for name in ["HF_TOKEN", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"] {
            environment.removeValue(forKey: name)  // the fake hub is on loopback, reached directly
        }
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    private func finish(_ started: (Process, Pipe, Pipe)) -> (code: Int32, out: String, err: String) {
        let (process, out, err) = started
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    func testDownloadLsVerifyRmAndExitCodes() throws {
        var result = try run(["download", fake.repo, "config.json", "model.bin"])
        XCTAssertEqual(result.code, 0, result.err)
        XCTAssertEqual(result.out, [
            repoCache.pointer(commit: fake.commit, file: "config.json").path,
            repoCache.pointer(commit: fake.commit, file: "model.bin").path,
        ].joined(separator: "\n") + "\n")

        result = try run(["download", fake.repo, "missing.txt"])
        XCTAssertEqual(result.code, 2)
        XCTAssertTrue(result.err.contains("missing.txt"), result.err)

        result = try run(["download", fake.repo, "nested/notes.txt"], offline: true)
        XCTAssertEqual(result.code, 4)
        XCTAssertTrue(result.err.contains("offline") && result.err.contains("nested/notes.txt"), result.err)

        let local = root.appendingPathComponent("local")
        result = try run(["download", fake.repo, "--include", "nested/*", "--local-dir", local.path])
        XCTAssertEqual(result.code, 0, result.err)
        XCTAssertEqual(try String(contentsOf: local.appendingPathComponent("nested/notes.txt"), encoding: .utf8),
                       String(decoding: fake.files["nested/notes.txt"]!, as: UTF8.self))

        result = try run(["ls"])
        XCTAssertEqual(result.code, 0, result.err)
        XCTAssertTrue(result.out.contains(fake.repo) && result.out.contains("main"), result.out)

        result = try run(["verify"])
        XCTAssertEqual(result.code, 0, result.out + result.err)
        let blob = repoCache.blob(FakeHub.etag(fake.files["model.bin"]!, lfs: true))
        try Data("tampered".utf8).write(to: blob)
        result = try run(["verify", "--delete"])
        XCTAssertEqual(result.code, 5)
        XCTAssertTrue(result.out.contains("BAD"), result.out)
        XCTAssertFalse(FileManager.default.fileExists(atPath: blob.path))

        result = try run(["rm", "\(fake.repo)@main"])
        XCTAssertEqual(result.code, 0, result.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: repoCache.folder.path))
        result = try run(["rm", "\(fake.repo)@main"])
        XCTAssertEqual(result.code, 2)
        result = try run(["rm", "not a repo"])
        XCTAssertEqual(result.code, 64)
    }

    func testTwoProcessesDownloadingOneFileFetchItOnce() throws {
        // About a second of transfer, so the second process arrives while the first downloads.
        fake.inject(.slow(.milliseconds(150)), on: "cdn")
        let big = (0..<400_000).map { UInt8(truncatingIfNeeded: $0 &* 40_503 >> 5) }
        fake.add("model.bin", big, lfs: true)
        let first = try start(["download", fake.repo, "model.bin", "--quiet"])
        let second = try start(["download", fake.repo, "model.bin", "--quiet"])
        let (a, b) = (finish(first), finish(second))
        XCTAssertEqual(a.code, 0, a.err)
        XCTAssertEqual(b.code, 0, b.err)
        XCTAssertEqual(a.out, b.out)
        XCTAssertEqual(Array(try Data(contentsOf: repoCache.pointer(commit: fake.commit, file: "model.bin"))), big)
        XCTAssertEqual(fake.requests(containing: "/cdn/").count, 1)
        XCTAssertEqual(fake.requests(containing: "resolve/main/model.bin").count, 2)
    }

    func testWheelImportAndEnv() throws {
        fake.wheels["tinyweights-0.1.0-py3-none-any.whl"] = Array(
            try Data(contentsOf: Fixtures.hub.appendingPathComponent("tinyweights-0.1.0-py3-none-any.whl")))
        var result = try run(["download", "tinyweights==0.1.0:tinyweights/weights.bin", "--quiet"])
        XCTAssertEqual(result.code, 0, result.err)
        XCTAssertTrue(result.out.hasSuffix("files/tinyweights/weights.bin\n"), result.out)

        result = try run(["import", "site/copy", "--from", Fixtures.hub.appendingPathComponent("tiny-repo").path])
        XCTAssertEqual(result.code, 0, result.err)
        result = try run(["download", "site/copy", "model.bin"], offline: true)
        XCTAssertEqual(result.code, 0, result.err)

        result = try run(["env"])
        XCTAssertEqual(result.code, 0)
        XCTAssertTrue(result.out.contains(fake.base) && result.out.contains(cacheDirectory.path), result.out)
    }
}

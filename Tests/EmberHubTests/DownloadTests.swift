import Foundation
import NIOCore
import XCTest
@testable import EmberHub

final class DownloadTests: HubTestCase {
    func testDownloadsLFSAndRegularFilesIntoTheHubLayout() async throws {
        let model = try await hub().download(repo: fake.repo, file: "model.bin")
        let config = try await hub().download(repo: fake.repo, file: "config.json")
        XCTAssertEqual(Array(try Data(contentsOf: model)), fake.files["model.bin"])
        XCTAssertEqual(model.path, repoCache.pointer(commit: fake.commit, file: "model.bin").path)
        XCTAssertEqual(repoCache.commit(for: "main"), fake.commit)
        let lfsETag = FakeHub.etag(fake.files["model.bin"]!, lfs: true)
        let gitETag = FakeHub.etag(fake.files["config.json"]!, lfs: false)
        XCTAssertEqual(completeBlobs(), [lfsETag, gitETag].sorted())
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: config.path), "../../blobs/\(gitETag)")
        // The body of the LFS file came from the CDN host, without the hub's token.
        XCTAssertEqual(fake.requests(containing: "/cdn/").count, 1)
        try assertCacheConsistent()
    }

    func testSecondCallIsServedFromCacheWithoutDownloading() async throws {
        _ = try await hub().download(repo: fake.repo, file: "model.bin")
        _ = try await hub().download(repo: fake.repo, file: "model.bin")
        _ = try await hub().download(repo: fake.repo, file: "model.bin", revision: fake.commit)
        XCTAssertEqual(fake.requests(containing: "/cdn/").count, 1)
        // A commit revision with the file on disk needs no request at all.
        XCTAssertEqual(fake.requests(containing: "resolve/\(fake.commit)").count, 0)
    }

    func testConnectionCutMidFileResumesOnTheNextCallByteIdentical() async throws {
        fake.inject(.cut(after: 10_000, times: 1), on: "cdn")
        let error = await hubError { try await self.hub(attempts: 1).download(repo: self.fake.repo, file: "model.bin") }
        guard case .network? = error else { return XCTFail("expected a network error, got \(String(describing: error))") }
        let etag = FakeHub.etag(fake.files["model.bin"]!, lfs: true)
        XCTAssertEqual(try fileSize(repoCache.incomplete(etag)), 10_000)
        XCTAssertEqual(completeBlobs(), [])
        XCTAssertNil(repoCache.cachedFile("model.bin", revision: "main"))

        let path = try await hub(attempts: 1).download(repo: fake.repo, file: "model.bin")
        XCTAssertEqual(Array(try Data(contentsOf: path)), fake.files["model.bin"])
        XCTAssertEqual(fake.requests(containing: "/cdn/").last?.headers["range"], "bytes=10000-")
        XCTAssertNil(try fileSize(repoCache.incomplete(etag)))
        try assertCacheConsistent()
    }

    func testCutsAreRetriedWithinOneCall() async throws {
        fake.inject(.cut(after: 5_000, times: 2), on: "cdn")
        let path = try await hub(attempts: 3).download(repo: fake.repo, file: "model.bin")
        XCTAssertEqual(Array(try Data(contentsOf: path)), fake.files["model.bin"])
        XCTAssertEqual(fake.requests(containing: "/cdn/").map { $0.headers["range"] }, [nil, "bytes=5000-", "bytes=10000-"])
    }

    func testWrongSHA256IsRejectedAndNothingIsCached() async throws {
        fake.inject(.corrupt, on: "cdn")
        let error = await hubError { try await self.hub().download(repo: self.fake.repo, file: "model.bin") }
        guard case let .checksumMismatch(file, expected, _)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(file, "model.bin")
        XCTAssertEqual(expected, FakeHub.etag(fake.files["model.bin"]!, lfs: true))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: repoCache.blobs.path), [])
        XCTAssertNil(repoCache.cachedFile("model.bin", revision: "main"))
    }

    func testWrongGitBlobIdOfARegularFileIsRejected() async throws {
        fake.inject(.corrupt, on: "config.json")
        let error = await hubError { try await self.hub().download(repo: self.fake.repo, file: "config.json") }
        guard case .checksumMismatch? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(completeBlobs(), [])
    }

    func testUnauthorizedAndGatedAndForbidden() async throws {
        fake.inject(.status(.unauthorized, times: 1), on: "resolve:config.json")
        var error = await hubError { try await self.hub().download(repo: self.fake.repo, file: "config.json") }
        XCTAssertEqual(error, .unauthorized(url: hub().resolveURL(try Repository(fake.repo), revision: "main", file: "config.json")))

        fake.inject(.status(.forbidden, times: 1, headers: [("X-Error-Code", "GatedRepo"), ("X-Error-Message", "accept the terms")]),
                    on: "resolve:config.json")
        error = await hubError { try await self.hub().download(repo: self.fake.repo, file: "config.json") }
        guard case let .forbidden(_, gated, message)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(gated)
        XCTAssertEqual(message, "accept the terms")

        fake.inject(.status(.forbidden, times: 1), on: "cdn")
        error = await hubError { try await self.hub().download(repo: self.fake.repo, file: "model.bin") }
        guard case .forbidden(_, false, _)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(completeBlobs(), [])
    }

    func testTokenIsSentToTheHubButNotToTheCDN() async throws {
        fake.requiredToken = "secret"
        let missing = await hubError { try await self.hub().download(repo: self.fake.repo, file: "model.bin") }
        guard case .unauthorized? = missing else { return XCTFail("\(String(describing: missing))") }
        var config = configuration()
        config.token = "secret"
        _ = try await Hub(configuration: config).download(repo: fake.repo, file: "model.bin")
        XCTAssertEqual(fake.requests(containing: "/resolve/").last?.headers["authorization"], "Bearer secret")
        XCTAssertNil(fake.requests(containing: "/cdn/").last?.headers["authorization"])
    }

    func testNotFoundKinds() async throws {
        var error = await hubError { try await self.hub().download(repo: self.fake.repo, file: "missing.txt") }
        guard case .notFound(.file, _, _)? = error else { return XCTFail("\(String(describing: error))") }
        // Remembered under .no_exist, so offline the answer is "absent", not "not cached".
        XCTAssertTrue(FileManager.default.fileExists(atPath: repoCache.noExist(commit: fake.commit, file: "missing.txt").path))
        var offline = configuration()
        offline.offline = true
        error = await hubError { try await Hub(configuration: offline).download(repo: self.fake.repo, file: "missing.txt") }
        guard case .notFound(.file, _, _)? = error else { return XCTFail("\(String(describing: error))") }
        error = await hubError { try await Hub(configuration: offline).download(repo: self.fake.repo, file: "other.txt") }
        guard case .offline? = error else { return XCTFail("\(String(describing: error))") }
        error = await hubError { try await self.hub().download(repo: self.fake.repo, file: "config.json", revision: "v9") }
        guard case .notFound(.revision, _, _)? = error else { return XCTFail("\(String(describing: error))") }
        error = await hubError { try await self.hub().download(repo: "nobody/nothing", file: "config.json") }
        guard case .notFound(.repository, _, _)? = error else { return XCTFail("\(String(describing: error))") }
    }

    func testTransient429And500AreRetried() async throws {
        fake.inject(.status(.tooManyRequests, times: 1, headers: [("Retry-After", "0")]), on: "resolve:config.json")
        fake.inject(.status(.internalServerError, times: 1), on: "cdn")
        _ = try await hub(attempts: 3).download(repo: fake.repo, file: "config.json")
        _ = try await hub(attempts: 3).download(repo: fake.repo, file: "model.bin")
        // HEAD (429), HEAD, then GET of the resolve URL itself (a regular file has no CDN hop).
        XCTAssertEqual(fake.requests(containing: "resolve/main/config.json").map(\.method), ["HEAD", "HEAD", "GET"])
        try assertCacheConsistent()
    }

    func testPersistent500FailsAfterTheConfiguredAttempts() async throws {
        fake.inject(.status(.internalServerError, times: 100), on: "resolve:config.json")
        let error = await hubError { try await self.hub(attempts: 3).download(repo: self.fake.repo, file: "config.json") }
        guard case .httpStatus(500, _, _)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(fake.requests(containing: "resolve/main/config.json").count, 3)
    }

    func testPersistent429Fails() async throws {
        fake.inject(.status(.tooManyRequests, times: 100), on: "cdn")
        let error = await hubError { try await self.hub(attempts: 2).download(repo: self.fake.repo, file: "model.bin") }
        guard case .httpStatus(429, _, _)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(completeBlobs(), [])
    }

    func testRedirectLoopIsDetected() async throws {
        let error = await hubError { try await self.hub().download(url: self.fake.base + "/loop/a") }
        guard case .tooManyRedirects? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertLessThanOrEqual(fake.requests(containing: "/loop/").count, 3)
    }

    func testStalledServerTimesOutAndKeepsNothing() async throws {
        fake.inject(.stall(after: 1_000), on: "cdn")
        let started = Date()
        let error = await hubError { try await self.hub(attempts: 2).download(repo: self.fake.repo, file: "model.bin") }
        guard case let .timeout(url)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(url.contains("/cdn/"), url)
        XCTAssertEqual(fake.requests(containing: "/cdn/").count, 2)
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
        XCTAssertEqual(completeBlobs(), [])
        XCTAssertNil(repoCache.cachedFile("model.bin", revision: "main"))
    }

    func testTwoConcurrentDownloadsOfOneFileFetchItOnce() async throws {
        fake.inject(.slow(.milliseconds(20)), on: "cdn")
        let big = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
        fake.add("model.bin", big, lfs: true)
        let hub = hub()
        async let first = hub.download(repo: fake.repo, file: "model.bin")
        async let second = hub.download(repo: fake.repo, file: "model.bin")
        let (a, b) = try await (first, second)
        XCTAssertEqual(a, b)
        XCTAssertEqual(Array(try Data(contentsOf: a)), big)
        XCTAssertEqual(fake.requests(containing: "/cdn/").count, 1)
        try assertCacheConsistent()
    }

    func testALockHeldElsewhereIsWaitedForThenGivenUp() async throws {
        // flock on a second descriptor is what another process (Ember or Python's filelock) holds.
        let etag = FakeHub.etag(fake.files["model.bin"]!, lfs: true)
        let lockPath = repoCache.lock(etag)
        try FileManager.default.createDirectory(at: lockPath.deletingLastPathComponent(), withIntermediateDirectories: true)
        let fd = open(lockPath.path, O_RDWR | O_CREAT, 0o644)
        XCTAssertEqual(flock(fd, LOCK_EX), 0)
        var config = configuration()
        config.lockTimeout = 0.3
        let error = await hubError { try await Hub(configuration: config).download(repo: self.fake.repo, file: "model.bin") }
        XCTAssertEqual(error, .lockTimeout(path: lockPath.path))
        XCTAssertEqual(fake.requests(containing: "/cdn/").count, 0)
        flock(fd, LOCK_UN)
        close(fd)
        _ = try await Hub(configuration: config).download(repo: fake.repo, file: "model.bin")
        try assertCacheConsistent()
    }

    func testFullDiskFailsWithADiskErrorAndCachesNothing() async throws {
        var config = configuration()
        config.writeFault = { written in written >= 8_192 ? ENOSPC : nil }
        let error = await hubError { try await Hub(configuration: config).download(repo: self.fake.repo, file: "model.bin") }
        guard case let .disk(path, reason)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(path.hasSuffix(".incomplete"), path)
        XCTAssertTrue(reason.contains("errno \(ENOSPC)"), reason)
        XCTAssertEqual(completeBlobs(), [])
        XCTAssertNil(repoCache.cachedFile("model.bin", revision: "main"))
        // Once there is room again, the download completes (resuming what was written).
        _ = try await hub().download(repo: fake.repo, file: "model.bin")
        try assertCacheConsistent()
    }

    func testOfflineAnswersFromCacheOrNamesTheMissingFile() async throws {
        _ = try await hub().download(repo: fake.repo, file: "config.json")
        var config = configuration()
        config.offline = true
        let offline = Hub(configuration: config)
        let before = fake.server.log.count
        let path = try await offline.download(repo: fake.repo, file: "config.json")
        XCTAssertEqual(Array(try Data(contentsOf: path)), fake.files["config.json"])
        let error = await hubError { try await offline.download(repo: self.fake.repo, file: "model.bin") }
        guard case let .offline(missing)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(missing.contains("model.bin") && missing.contains(fake.repo), missing)
        XCTAssertEqual(fake.server.log.count, before)
    }

    func testUnreachableServerFallsBackToTheCache() async throws {
        _ = try await hub().download(repo: fake.repo, file: "config.json")
        fake.stop()
        let path = try await hub(attempts: 1).download(repo: fake.repo, file: "config.json")
        XCTAssertEqual(Array(try Data(contentsOf: path)), fake.files["config.json"])
        let error = await hubError { try await self.hub(attempts: 1).download(repo: self.fake.repo, file: "model.bin") }
        guard case .network? = error else { return XCTFail("\(String(describing: error))") }
    }

    func testSnapshotWithIncludeAndExclude() async throws {
        let snapshot = try await hub().fetchSnapshot(repo: fake.repo, include: ["*.json", "nested/"], exclude: ["*.bin"])
        XCTAssertEqual(snapshot.files, ["config.json", "nested/notes.txt"])
        XCTAssertEqual(snapshot.commit, fake.commit)
        XCTAssertEqual(listFiles(under: snapshot.folder), ["config.json", "nested/notes.txt"])
        XCTAssertEqual(fake.requests(containing: "/cdn/").count, 0)
        let all = try await hub().snapshot(repo: fake.repo)
        XCTAssertEqual(listFiles(under: all), ["config.json", "model.bin", "nested/notes.txt"])
        try assertCacheConsistent()
    }

    func testProgressEventsEndWithFinished() async throws {
        let events = EventLog()
        var config = configuration()
        config.progress = { events.append($0) }
        _ = try await Hub(configuration: config).download(repo: fake.repo, file: "model.bin")
        let all = events.events
        XCTAssertEqual(all.last, HubProgressEvent(file: "model.bin", completed: 40_000, total: 40_000, finished: true))
        XCTAssertEqual(all.filter(\.finished).count, 1)
    }

    func testRequestsGoThroughTheConfiguredProxy() async throws {
        var config = configuration()
        config.endpoint = "http://hub.invalid"  // resolvable only by the proxy
        config.httpProxy = URL(string: fake.base)
        let path = try await Hub(configuration: config).download(repo: fake.repo, file: "model.bin")
        XCTAssertEqual(Array(try Data(contentsOf: path)), fake.files["model.bin"])
        // Every connection was a CONNECT tunnel through the proxy, to the host the URL names.
        let log = fake.server.log
        XCTAssertEqual(log.filter { $0.method == "CONNECT" }.map(\.path).sorted(),
                       ["hub.invalid:80", "localhost:\(fake.server.port)"])
        XCTAssertEqual(log.filter { $0.method != "CONNECT" }.map(\.method), ["HEAD", "GET"])
        XCTAssertEqual(log.first { $0.method == "HEAD" }?.headers["host"], "hub.invalid")
    }

    func testNoProxyMatchesHostsAndSubdomains() {
        var config = configuration()
        config.noProxy = [".internal.example", "mirror", "10.0.0.1:8080"]
        XCTAssertTrue(config.bypassesProxy("internal.example"))
        XCTAssertTrue(config.bypassesProxy("pypi.internal.example"))
        XCTAssertTrue(config.bypassesProxy("MIRROR"))
        XCTAssertTrue(config.bypassesProxy("10.0.0.1"))
        XCTAssertFalse(config.bypassesProxy("notmirror"))
        XCTAssertFalse(config.bypassesProxy("huggingface.co"))
        config.noProxy = ["*"]
        XCTAssertTrue(config.bypassesProxy("huggingface.co"))
        let fromEnvironment = HubConfiguration.fromEnvironment(
            ["HOME": "/nonexistent", "https_proxy": "proxy.site:3128", "NO_PROXY": "a, b"])
        XCTAssertEqual(fromEnvironment.httpsProxy?.host, "proxy.site")
        XCTAssertEqual(fromEnvironment.httpsProxy?.port, 3128)
        XCTAssertNil(fromEnvironment.httpProxy)
        XCTAssertEqual(fromEnvironment.noProxy, ["a", "b"])
    }

    func testMalformedServerAnswersAreTypedErrors() async throws {
        fake.inject(.replace(Reply(headers: [("ETag", "\"abc\"")], body: Array("x".utf8))), on: "resolve:config.json")
        var error = await hubError { try await self.hub().download(repo: self.fake.repo, file: "config.json") }
        guard case let .invalidResponse(_, reason)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(reason.contains("X-Repo-Commit"), reason)

        fake.inject(.replace(Reply(headers: [("X-Repo-Commit", fake.commit), ("ETag", "\"../../evil\"")])), on: "resolve:config.json")
        error = await hubError { try await self.hub().download(repo: self.fake.repo, file: "config.json") }
        guard case .invalidResponse? = error else { return XCTFail("\(String(describing: error))") }

        fake.inject(.replace(Reply(headers: [("Content-Type", "application/json")], body: Array("{\"sha\": 1}".utf8))), on: "api")
        error = await hubError { try await self.hub().snapshot(repo: self.fake.repo) }
        guard case .invalidResponse? = error else { return XCTFail("\(String(describing: error))") }

        let unsafe = try JSONSerialization.data(withJSONObject: ["sha": fake.commit, "siblings": [["rfilename": "../x"]]])
        fake.inject(.replace(Reply(headers: [("Content-Type", "application/json")], body: Array(unsafe))), on: "api")
        error = await hubError { try await self.hub().snapshot(repo: self.fake.repo) }
        guard case let .invalidResponse(_, reason)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(reason.contains("../x"), reason)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("x").path))
    }

    func testBadInputIsRejectedBeforeAnyRequest() async throws {
        for file in ["../x", "/etc/passwd", "a//b", ""] {
            let error = await hubError { try await self.hub().download(repo: self.fake.repo, file: file) }
            guard case .invalidArgument? = error else { return XCTFail("\(file): \(String(describing: error))") }
        }
        let error = await hubError { try await self.hub().download(repo: "a/b/c", file: "x") }
        guard case .invalidArgument? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(fake.server.log.count, 0)
    }
}

final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var _events: [HubProgressEvent] = []
    func append(_ event: HubProgressEvent) { lock.withLock { _events.append(event) } }
    var events: [HubProgressEvent] { lock.withLock { _events } }
}

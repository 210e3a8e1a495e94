import Foundation
import XCTest
@testable import EmberHub

/// Starts a fake hub and a temporary cache per test; stops and removes both afterwards.
class HubTestCase: XCTestCase {
    var fake: FakeHub!
    var root: URL!

    override func setUpWithError() throws {
        fake = try FakeHub.fixture()
        try fake.start()
        root = try makeTemporaryDirectory()
    }

    override func tearDownWithError() throws {
        fake?.stop()
        if let root { try? FileManager.default.removeItem(at: root) }
    }

    var cacheDirectory: URL { root.appendingPathComponent("hub") }

    /// A configuration pointing at the fake hub, with short timeouts and backoff.
    func configuration(attempts: Int = 3) -> HubConfiguration {
        var config = HubConfiguration(
            endpoint: fake.base, cacheDirectory: cacheDirectory, emberDirectory: root.appendingPathComponent("ember"),
            torchHubDirectory: root.appendingPathComponent("torch/hub"), packageIndexURL: fake.base + "/simple/")
        config.maxAttempts = attempts
        config.retryBaseDelay = 0.01
        config.retryMaxDelay = 0.05
        config.readTimeout = 1
        config.connectTimeout = 2
        return config
    }

    func hub(attempts: Int = 3) -> Hub { Hub(configuration: configuration(attempts: attempts)) }

    var repoCache: RepoCache { RepoCache(try! Repository(fake.repo), cacheDirectory: cacheDirectory) }

    /// The invariant every test ends with: each file a snapshot shows is a complete blob whose
    /// bytes hash to its name; nothing unverified is reachable.
    func assertCacheConsistent(file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try CacheMaintenance.verify(cacheDirectory: cacheDirectory)
        XCTAssertEqual(result.problems, [], file: file, line: line)
        for repo in try CacheScanner.scan(cacheDirectory) {
            for revision in repo.revisions {
                for path in revision.files {
                    let pointer = RepoCache(repo.repository, cacheDirectory: cacheDirectory).pointer(commit: revision.commit, file: path)
                    let blob = try XCTUnwrap(CacheScanner.blobName(of: pointer), file: file, line: line)
                    XCTAssertFalse(blob.hasSuffix(".incomplete"), file: file, line: line)
                    XCTAssertEqual(try Data(contentsOf: pointer), Data(fake.files[path] ?? []), "\(path)", file: file, line: line)
                }
            }
        }
    }

    /// Blobs (complete ones) in the fake repository's cache folder.
    func completeBlobs() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: repoCache.blobs.path)) ?? [])
            .filter { !$0.hasSuffix(".incomplete") }.sorted()
    }

    /// Asserts that `body` throws a ``HubError`` and returns it.
    func hubError<T>(_ body: () async throws -> T, file: StaticString = #filePath, line: UInt = #line) async -> HubError? {
        do {
            _ = try await body()
            XCTFail("expected a HubError", file: file, line: line)
        } catch let error as HubError {
            return error
        } catch {
            XCTFail("expected a HubError, got \(error)", file: file, line: line)
        }
        return nil
    }
}

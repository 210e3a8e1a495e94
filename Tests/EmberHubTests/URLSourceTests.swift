import Crypto
import Foundation
import XCTest
@testable import EmberHub

final class URLSourceTests: HubTestCase {
    func testHashPrefixFromFileNames() {
        XCTAssertEqual(hashPrefix(inFileName: "mobilenet_v2-b0353104.pth"), "b0353104")
        XCTAssertEqual(hashPrefix(inFileName: "efficientnet-lite0-57934424.pth"), "57934424")
        XCTAssertNil(hashPrefix(inFileName: "model.pth"))
        XCTAssertNil(hashPrefix(inFileName: "a-.pth"))
    }

    func testDownloadsIntoTorchHubCheckpointsCheckingThePrefix() async throws {
        let data = fake.files["model.bin"]!
        let sha = FakeHub.etag(data, lfs: true)
        let url = "\(fake.base)/cdn/\(sha)"
        let good = try await hub().download(url: url, fileName: "tiny-\(sha.prefix(8)).pth")
        XCTAssertEqual(good.path, root.appendingPathComponent("torch/hub/checkpoints/tiny-\(sha.prefix(8)).pth").path)
        XCTAssertEqual(Array(try Data(contentsOf: good)), data)

        let error = await hubError { try await self.hub().download(url: url, fileName: "tiny-deadbeef.pth") }
        guard case .checksumMismatch? = error else { return XCTFail("\(String(describing: error))") }
        let listing = try FileManager.default.contentsOfDirectory(atPath: good.deletingLastPathComponent().path)
        XCTAssertEqual(listing.sorted(), [".locks", good.lastPathComponent])
    }

    func testHTTPErrorsOfPlainURLs() async throws {
        let error = await hubError { try await self.hub().download(url: self.fake.base + "/cdn/0000") }
        guard case .notFound(.url, _, _)? = error else { return XCTFail("\(String(describing: error))") }
        let bad = await hubError { try await self.hub().download(url: "ftp://example/x.pth") }
        guard case .invalidArgument? = bad else { return XCTFail("\(String(describing: bad))") }
    }
}

import Ember
import Foundation
import XCTest

@testable import EmberVision

/// Encoders against torchvision.io.encode_jpeg / encode_png (fixture encode.json).
final class ImageEncodeTests: XCTestCase {
    func testJPEGBytesEqualTorchvisionAtSameQuality() throws {
        // libjpeg-turbo with the same settings (defaults + quality, 4:2:0, standard tables) produces
        // identical bytes: tolerance none. (Decoded pixels are compared too, for a clearer message.)
        for c in try VisionFixtures.cases("encode.json") where c["quality"] != nil {
            let name = c["file"] as! String, quality = c["quality"] as! Int
            let image = try IO.readImage(path: VisionFixtures.imagePath(name))
            let bytes = try IO.encodeJPEG(image, quality: quality)
            XCTAssertEqual(fnv1a(try IO.decodeJPEG(bytes)), c["decodedHash"] as! String, "\(name) q\(quality) decoded")
            XCTAssertEqual(bytes.count, c["length"] as! Int, "\(name) q\(quality) length")
            XCTAssertEqual(fnv1a(bytes), c["hash"] as! String, "\(name) q\(quality) bytes")
        }
    }

    func testPNGRoundTripIsLosslessAtEveryLevel() throws {
        for c in try VisionFixtures.cases("encode.json") where c["pngLevel"] != nil {
            let name = c["file"] as! String, level = c["pngLevel"] as! Int
            let image = try IO.readImage(path: VisionFixtures.imagePath(name))
            let bytes = try IO.encodePNG(image, compressionLevel: level)
            let back = try IO.decodePNG(bytes)
            XCTAssertEqual(back.shape, image.shape)
            XCTAssertEqual(fnv1a(back), fnv1a(image), "\(name) level \(level): PNG must round-trip exactly")
        }
    }

    func testWriteAndReadBackNonContiguousInput() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ember-enc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // A crop of a channels-last decode: neither contiguous nor starting at offset 0.
        let image = try IO.readImage(path: VisionFixtures.imagePath("coffee.png")).narrow(1, start: 10, length: 50).narrow(2, start: 20, length: 70)
        let path = dir.appendingPathComponent("crop.png").path
        try IO.writePNG(image, path: path, compressionLevel: 1)
        XCTAssertEqual(try IO.readImage(path: path).contiguous().toArray(UInt8.self), image.contiguous().toArray(UInt8.self))
        let jpegPath = dir.appendingPathComponent("crop.jpg").path
        try IO.writeJPEG(image, path: jpegPath, quality: 95)
        let back = try IO.readImage(path: jpegPath)
        // Lossy: at quality 95 the mean absolute error on a photo crop stays below 3 levels.
        let a = back.contiguous().toArray(UInt8.self), b = image.contiguous().toArray(UInt8.self)
        let mae = zip(a, b).map { abs(Double($0) - Double($1)) }.reduce(0, +) / Double(a.count)
        XCTAssertLessThan(mae, 3, "JPEG q95 mean abs error")
    }

    func testInvalidInputsThrow() throws {
        let rgba = try IO.readImage(path: VisionFixtures.imagePath("horse.png"))
        XCTAssertThrowsError(try IO.encodePNG(rgba)) { guard case .invalidInput? = $0 as? ImageIOError else { return XCTFail("\($0)") } }
        XCTAssertThrowsError(try IO.encodeJPEG(Tensor.zeros([3, 4, 4]))) { guard case .invalidInput? = $0 as? ImageIOError else { return XCTFail("\($0)") } }
        let gray = try IO.readImage(path: VisionFixtures.imagePath("camera.png"))
        XCTAssertThrowsError(try IO.encodeJPEG(gray, quality: 0))
        XCTAssertThrowsError(try IO.encodePNG(gray, compressionLevel: 10))
        XCTAssertThrowsError(try IO.writePNG(gray, path: "/nonexistent-dir/x.png")) {
            guard case .unwritable("/nonexistent-dir/x.png", _)? = $0 as? ImageIOError else { return XCTFail("\($0)") }
        }
    }
}

import Ember
import Foundation
import XCTest

@testable import EmberVision

/// Bad inputs never end the process: each becomes a typed `ImageIOError` naming the file.
final class ImageIOErrorTests: XCTestCase {
    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ember-vision-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    private func write(_ data: Data, _ name: String) throws -> String {
        let url = scratch.appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }

    func testTruncatedPNGAndJPEGThrowTruncated() throws {
        for name in ["chelsea.png", "rocket.jpg", "progressive.jpg", "rgb_interlaced.png", "gray16.png"] {
            let full = try VisionFixtures.imageData(name)
            for fraction in [0.1, 0.5, 0.95] {
                let path = try write(full.prefix(Int(Double(full.count) * fraction)), "cut-\(name)")
                XCTAssertThrowsError(try IO.readImage(path: path, mode: .rgb), "\(name) cut at \(fraction)") { error in
                    guard case .truncated(let file, _, _)? = error as? ImageIOError else {
                        return XCTFail("\(name) at \(fraction): expected truncated, got \(error)")
                    }
                    XCTAssertEqual(file, path)
                }
            }
        }
    }

    func testCorruptDataThrowsCorrupt() throws {
        // Flipped bytes inside the PNG's first IDAT chunk fail its CRC (or zlib's check).
        var png = try VisionFixtures.imageData("chelsea.png")
        let idat = png.range(of: Data("IDAT".utf8))!.upperBound
        for i in 0..<64 { png[idat + 100 + i] ^= 0x5A }
        let pngPath = try write(png, "corrupt.png")
        XCTAssertThrowsError(try IO.readImage(path: pngPath)) { error in
            guard case .corrupt(let file, .png, let detail)? = error as? ImageIOError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, pngPath)
            XCTAssertFalse(detail.isEmpty)
        }
        // A JPEG whose SOF segment claims 0 components is rejected by libjpeg.
        var jpeg = try VisionFixtures.imageData("rocket.jpg")
        let sof = (0..<(jpeg.count - 1)).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 }!
        jpeg[sof + 9] = 0
        let jpegPath = try write(jpeg, "corrupt.jpg")
        XCTAssertThrowsError(try IO.readImage(path: jpegPath)) { error in
            guard case .corrupt(let file, .jpeg, _)? = error as? ImageIOError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, jpegPath)
        }
    }

    func testImagesBeyondThePixelLimitAreRefusedBeforeDecoding() throws {
        XCTAssertThrowsError(try IO.readImage(path: VisionFixtures.imagePath("chelsea.png"), maxPixels: 100_000)) {
            XCTAssertEqual($0 as? ImageIOError, .tooLarge(file: VisionFixtures.imagePath("chelsea.png"), width: 451, height: 300, limit: 100_000))
        }
        XCTAssertThrowsError(try IO.readImage(path: VisionFixtures.imagePath("rocket.jpg"), maxPixels: 1000)) {
            XCTAssertEqual($0 as? ImageIOError, .tooLarge(file: VisionFixtures.imagePath("rocket.jpg"), width: 640, height: 427, limit: 1000))
        }
        // A header claiming 100000 x 100000 pixels (10^10), with a valid CRC, hits the default limit
        // before anything is allocated.
        var png = try VisionFixtures.imageData("gray1.png")
        let ihdr = png.range(of: Data("IHDR".utf8))!.lowerBound
        for (k, byte) in [0x00, 0x01, 0x86, 0xA0, 0x00, 0x01, 0x86, 0xA0].enumerated() { png[ihdr + 4 + k] = UInt8(byte) }
        let crc = crc32(png[ihdr..<(ihdr + 17)])
        for k in 0..<4 { png[ihdr + 17 + k] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * k)) }
        XCTAssertThrowsError(try IO.decodeImage(png, file: "huge.png")) {
            XCTAssertEqual($0 as? ImageIOError, .tooLarge(file: "huge.png", width: 100_000, height: 100_000, limit: IO.defaultMaxPixels))
        }
    }

    /// PNG's CRC-32 (reflected polynomial 0xEDB88320).
    private func crc32(_ bytes: Data) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            c ^= UInt32(byte)
            for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0xEDB8_8320 : c >> 1 }
        }
        return ~c
    }

    func testFormatComesFromMagicBytesNotExtension() throws {
        // A JPEG named .png decodes as JPEG, like torchvision.io.decode_image.
        let jpeg = try VisionFixtures.imageData("rocket.jpg")
        let misnamed = try write(jpeg, "actually-a-jpeg.png")
        let image = try IO.readImage(path: misnamed)
        XCTAssertEqual(image.shape, [3, 427, 640])
        XCTAssertEqual(fnv1a(image), fnv1a(try IO.readImage(path: VisionFixtures.imagePath("rocket.jpg"))))
        // The format-specific decoders refuse the other format.
        XCTAssertThrowsError(try IO.decodePNG(jpeg, file: "x.jpg")) {
            guard case .corrupt("x.jpg", .png, _)? = $0 as? ImageIOError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try IO.decodeJPEG(try VisionFixtures.imageData("camera.png"), file: "y.png")) {
            guard case .corrupt("y.png", .jpeg, _)? = $0 as? ImageIOError else { return XCTFail("\($0)") }
        }
        let text = try write(Data("hello, not an image".utf8), "notes.png")
        XCTAssertThrowsError(try IO.readImage(path: text)) { XCTAssertEqual($0 as? ImageIOError, .unknownFormat(file: text)) }
        XCTAssertThrowsError(try IO.decodeImage(Data())) { XCTAssertEqual($0 as? ImageIOError, .unknownFormat(file: "<memory>")) }
    }

    func testMissingFileAndAlphaModesForJPEG() throws {
        let missing = scratch.appendingPathComponent("nope.png").path
        XCTAssertThrowsError(try IO.readImage(path: missing)) {
            guard case .unreadable(let file, _)? = $0 as? ImageIOError else { return XCTFail("\($0)") }
            XCTAssertEqual(file, missing)
        }
        XCTAssertThrowsError(try IO.decodeJPEG(try VisionFixtures.imageData("rocket.jpg"), mode: .rgbAlpha)) {
            XCTAssertEqual($0 as? ImageIOError, .unsupportedMode(file: "<memory>", format: .jpeg, mode: .rgbAlpha))
        }
    }

    func testErrorDescriptionsNameTheFile() {
        let error = ImageIOError.truncated(file: "/data/cat.png", format: .png, detail: "ends early")
        XCTAssertTrue(error.description.contains("/data/cat.png"))
    }
}

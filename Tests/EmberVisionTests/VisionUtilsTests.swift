import Ember
import Foundation
import XCTest

@testable import EmberVision

/// torchvision.utils parity (fixture utils.json and the PNGs under utils/, made by
/// Scripts/fixtures/vision_utils.py).
///
/// Tolerances: make_grid — exact (copies; normalisation is the same float32 arithmetic), save_image
/// bytes — exact; draw_bounding_boxes (with and without labels), draw_segmentation_masks and
/// draw_keypoints — exact, every pixel, except one labelled case whose glyphs FreeType's
/// autohinter places differently in Debian's FreeType 2.12 than in Pillow's bundled 2.14 (see
/// testDrawBoundingBoxLabelsPixelForPixel).
final class VisionUtilsTests: XCTestCase {
    /// The generator's image: (50c + 7y + 11x) mod 256, or that / 255 in float32.
    func synthetic(_ shape: [Int], _ dtype: String) -> Tensor {
        let (c, h, w) = (shape[0], shape[1], shape[2])
        var values = [UInt8]()
        for ci in 0..<c { for y in 0..<h { for x in 0..<w { values.append(UInt8((ci * 50 + y * 7 + x * 11) % 256)) } } }
        let image = Tensor(values, shape: shape)
        return dtype == "float32" ? image.to(.float32) / 255 : image
    }

    func colors(_ value: Any?) -> [DrawColor]? {
        guard let list = value as? [Any] else { return nil }
        return list.map { item in
            if let name = item as? String { return DrawColor(name: name)! }
            let rgb = item as! [Int]
            return DrawColor(UInt8(rgb[0]), UInt8(rgb[1]), UInt8(rgb[2]))
        }
    }

    func cases(_ op: String) throws -> [[String: Any]] { try VisionFixtures.cases("utils.json").filter { $0["op"] as? String == op } }

    func testMakeGridAndSaveImage() throws {
        let all = try cases("makeGrid")
        XCTAssertEqual(all.count, 8)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ember-grid-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for c in all {
            let input = VisionFixtures.tensor(c["input"]), a = c["args"] as! [String: Any]
            let range = (a["valueRange"] as? [Double]).map { ($0[0], $0[1]) }
            let grid = VisionUtils.makeGrid(
                input, nrow: a["nrow"] as! Int, padding: a["padding"] as! Int, normalize: a["normalize"] as? Bool ?? false,
                valueRange: range, scaleEach: a["scaleEach"] as? Bool ?? false, padValue: a["padValue"] as? Double ?? 0)
            assertClose(grid, VisionFixtures.tensor(c["expected"]), "\(a)")
            guard let saved = c["saved"] else { continue }
            let path = folder.appendingPathComponent("grid.png").path
            try VisionUtils.saveImage(
                input, path: path, nrow: a["nrow"] as! Int, padding: a["padding"] as! Int, normalize: a["normalize"] as? Bool ?? false,
                valueRange: range, scaleEach: a["scaleEach"] as? Bool ?? false, padValue: a["padValue"] as? Double ?? 0)
            XCTAssertTrue(try IO.readImage(path: path).equal(VisionFixtures.tensor(saved)), "saveImage \(a)")
        }
    }

    func testDrawBoundingBoxesPixelForPixel() throws {
        let all = try cases("drawBoundingBoxes")
        XCTAssertEqual(all.count, 5)
        for c in all {
            let image = synthetic(c["shape"] as! [Int], c["dtype"] as! String)
            let out = VisionUtils.drawBoundingBoxes(
                image, boxes: VisionFixtures.tensor(c["boxes"]), colors: colors(c["colors"]), fill: c["fill"] as! Bool, width: c["width"] as! Int)
            assertClose(out, VisionFixtures.tensor(c["expected"]), "\(c["shape"]!) \(c["dtype"]!) width \(c["width"]!) fill \(c["fill"]!)")
        }
    }

    func testDrawSegmentationMasksPixelForPixel() throws {
        let all = try cases("drawSegmentationMasks")
        XCTAssertEqual(all.count, 3)
        for c in all {
            let image = synthetic([3, 20, 24], c["dtype"] as! String)
            let out = VisionUtils.drawSegmentationMasks(
                image, masks: VisionFixtures.tensor(c["masks"]), alpha: c["alpha"] as! Double, colors: colors(c["colors"]))
            assertClose(out, VisionFixtures.tensor(c["expected"]), "\(c["dtype"]!) alpha \(c["alpha"]!)")
        }
    }

    func testDrawKeypointsPixelForPixel() throws {
        let all = try cases("drawKeypoints")
        XCTAssertEqual(all.count, 3)
        for c in all {
            let image = synthetic([3, 20, 24], "uint8")
            let pairs = (c["connectivity"] as! [[Int]]).map { ($0[0], $0[1]) }
            let out = VisionUtils.drawKeypoints(
                image, keypoints: VisionFixtures.tensor(c["keypoints"]), connectivity: pairs,
                color: (c["color"] as? String).map { DrawColor(name: $0)! }, radius: c["radius"] as! Int, width: c["width"] as! Int,
                visibility: VisionFixtures.tensor(c["visibility"]))
            let expected = VisionFixtures.tensor(c["expected"])
            XCTAssertFalse(expected.equal(image), "the case draws something")
            XCTAssertEqual(differingPixels(out, expected).count, 0, "radius \(c["radius"]!) width \(c["width"]!)")
        }
    }

    /// Radii 1–6 × widths 1–7 (one 28-pixel tile each: shallow, steep, horizontal and vertical
    /// segments, an isolated disc), points on and past the border, a zero-length segment, width 0,
    /// radius 0 and no colour, drawn one call after the other, in uint8 and float32.
    func testDrawKeypointsGridPixelForPixel() throws {
        let c = try XCTUnwrap(try cases("drawKeypointsGrid").first)
        let expected = try IO.readImage(path: VisionFixtures.root.appendingPathComponent(c["expected"] as! String).path)
        for dtype in ["uint8", "float32"] {
            var image = synthetic(c["shape"] as! [Int], dtype)
            for call in c["calls"] as! [[String: Any]] {
                let points = (call["keypoints"] as! [[[Double]]])
                let keypoints = Tensor(points.flatMap { $0.flatMap { $0 } }, shape: [points.count, points[0].count, 2]).to(.float32)
                let visibility = (call["visibility"] as? [[Bool]]).map { Tensor($0.flatMap { $0 }, shape: [points.count, points[0].count]) }
                image = VisionUtils.drawKeypoints(
                    image, keypoints: keypoints, connectivity: (call["connectivity"] as! [[Int]]).map { ($0[0], $0[1]) },
                    color: (call["color"] as? String).map { DrawColor(name: $0)! }, radius: call["radius"] as! Int,
                    width: call["width"] as! Int, visibility: visibility)
            }
            XCTAssertEqual(image.dtype, dtype == "uint8" ? .uint8 : .float32)
            let bytes = dtype == "uint8" ? image : TF.toDtype(image, .uint8, scale: true)
            if dtype == "float32" { XCTAssertTrue(image.equal(TF.toDtype(expected, .float32, scale: true)), "float32 result is the uint8 one / 255") }
            let wrong = differingPixels(bytes, expected)
            // Name the tiles (radius, width) that differ, to point at the failing combination.
            let tiles = Set(wrong.map { "r\($0.y / 28 + 1)w\($0.x / 28 + 1)" }).sorted()
            XCTAssertEqual(wrong.count, 0, "\(dtype): \(wrong.count) pixels differ, tiles \(tiles), first \(wrong.prefix(5))")
        }
    }

    /// The (x, y) of pixels where two `[3, H, W]` uint8 images differ.
    func differingPixels(_ a: Tensor, _ b: Tensor) -> [(x: Int, y: Int)] {
        precondition(a.shape == b.shape, "shapes \(a.shape) and \(b.shape)")
        let (h, w) = (a.size(1), a.size(2)), plane = h * w
        let (x, y) = (a.contiguous().toArray(UInt8.self), b.contiguous().toArray(UInt8.self))
        return (0..<plane).filter { p in (0..<3).contains { x[$0 * plane + p] != y[$0 * plane + p] } }.map { (x: $0 % w, y: $0 / w) }
    }

    /// Labels on a crop of chelsea.png: Pillow's default font (basic layout; `fontSize` ignored),
    /// DejaVu Sans by path and by bare file name (HarfBuzz layout) at sizes 10 and 20, the default
    /// font's bytes as a font file (HarfBuzz layout: kerning, the "fi" ligature), multi-line
    /// labels, filled label boxes, accented letters (missing from the default font: its .notdef
    /// glyph), grayscale, uint8 and float32 images.
    ///
    /// Exact for every case but `default_file20_raqm`: there the autohinter of Debian's FreeType
    /// 2.12 hints the "i" and "j" of the default font at size 20 one row shorter than Pillow's
    /// bundled FreeType 2.14 (their dots; measured: 24 pixels differ, by at most 19 in a channel;
    /// the bound below is 32 pixels).
    /// Every other glyph — DejaVu's hinted ones at both sizes, the default font at size 10 — is
    /// the same in both FreeType versions.
    func testDrawBoundingBoxLabelsPixelForPixel() throws {
        let all = try cases("drawLabels")
        XCTAssertEqual(all.count, 10)
        let photo = try IO.readImage(path: VisionFixtures.imagePath("chelsea.png"))
        let fontFile = FileManager.default.temporaryDirectory.appendingPathComponent("ember-default-font-\(UUID().uuidString).ttf")
        try Data(DefaultFont.bytes).write(to: fontFile)
        defer { try? FileManager.default.removeItem(at: fontFile) }
        for c in all {
            let name = c["name"] as! String, crop = c["crop"] as! [Int]
            var image = photo.narrow(1, start: crop[0], length: crop[2]).narrow(2, start: crop[1], length: crop[3])
            if c["gray"] as? Bool == true { image = image.narrow(0, start: 0, length: 1) }
            if c["dtype"] as! String == "float32" { image = TF.toDtype(image, .float32, scale: true) }
            var font = c["font"] as? String
            if font == "dejavu" { font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf" }
            if font == "default-font-file" { font = fontFile.path }
            let out = try VisionUtils.drawBoundingBoxes(
                image, boxes: VisionFixtures.tensor(c["boxes"]), labels: c["labels"] as? [String], colors: colors(c["colors"]),
                fill: c["fill"] as! Bool, width: c["width"] as! Int, font: font, fontSize: c["fontSize"] as? Int,
                labelColors: colors(c["labelColors"]), labelBackgroundColors: colors(c["labelBackgroundColors"]),
                fillLabels: c["fillLabels"] as? Bool ?? false)
            let expected = try IO.readImage(path: VisionFixtures.root.appendingPathComponent(c["expected"] as! String).path)
            XCTAssertEqual(out.dtype, image.dtype, name)
            let bytes = out.dtype == .uint8 ? out : TF.toDtype(out, .uint8, scale: true)
            if out.dtype == .float32 { XCTAssertTrue(out.equal(TF.toDtype(bytes, .float32, scale: true)), "\(name): float32 result is bytes / 255") }
            let wrong = differingPixels(bytes, expected)
            let largest: Int32 = wrong.isEmpty ? 0 : (bytes.to(.int32) - expected.to(.int32)).abs().max().item(Int32.self)
            let allowed = name == "default_file20_raqm" ? 32 : 0
            XCTAssertLessThanOrEqual(wrong.count, allowed, "\(name): \(wrong.count) pixels differ (largest \(largest)), first \(wrong.prefix(8))")
        }
    }

    func testLabelFontErrors() throws {
        let image = synthetic([3, 20, 24], "uint8"), boxes = Tensor([2.0, 3.0, 10.0, 12.0], shape: [1, 4])
        XCTAssertThrowsError(try VisionUtils.drawBoundingBoxes(image, boxes: boxes, labels: ["a"], font: "/no/such/font-ember.ttf")) {
            XCTAssertEqual($0 as? FontError, .notFound(path: "/no/such/font-ember.ttf"))
        }
        // A file that is not a font (this test's source), and a bad size.
        XCTAssertThrowsError(try VisionUtils.drawBoundingBoxes(image, boxes: boxes, labels: ["a"], font: #filePath)) {
            guard case .unreadable(let path, _)? = $0 as? FontError else { return XCTFail("\($0)") }
            XCTAssertEqual(path, #filePath)
        }
        XCTAssertThrowsError(try VisionUtils.drawBoundingBoxes(
            image, boxes: boxes, labels: ["a"], font: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", fontSize: -3)) {
            XCTAssertEqual($0 as? FontError, .invalidSize(-3))
        }
        // The font is loaded even without labels (as torchvision), but not when there is no box.
        XCTAssertThrowsError(try VisionUtils.drawBoundingBoxes(image, boxes: boxes, labels: nil, font: "/no/such/font-ember.ttf"))
        let none = try VisionUtils.drawBoundingBoxes(image, boxes: Tensor.zeros([0, 4]), labels: [], font: "/no/such/font-ember.ttf")
        XCTAssertTrue(none.equal(image))
        // Without labels the throwing overload draws what the plain one does.
        let plain = VisionUtils.drawBoundingBoxes(image, boxes: boxes, width: 2)
        XCTAssertTrue(try VisionUtils.drawBoundingBoxes(image, boxes: boxes, labels: nil, width: 2).equal(plain))
    }

    func testColorsAndPalette() {
        XCTAssertEqual(DrawColor(name: "CornflowerBlue"), DrawColor(100, 149, 237))
        XCTAssertEqual(DrawColor(name: "#0f8"), DrawColor(0, 255, 136))
        XCTAssertNil(DrawColor(name: "not-a-colour"))
        // torchvision's _generate_color_palette(3)
        XCTAssertEqual(DrawColor.palette(3), [DrawColor(0, 0, 0), DrawColor(1, 127, 31), DrawColor(2, 254, 62)])
    }
}

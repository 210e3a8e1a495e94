import Ember
import Foundation
import XCTest

@testable import EmberVision

/// The rest of torchvision.transforms.v2.functional on crops of the committed photos (fixture
/// transforms_extra.json, made by Scripts/fixtures/vision_transforms_extra.py). Inputs are rebuilt with
/// EmberVision's decoder and views, as in TransformParityTests.
///
/// Tolerances: rotate/affine/perspective — uint8 exact and float32 exact: the grid and the
/// sampler reproduce PyTorch's float32 operations (including its fused multiply-adds), so any
/// difference is a bug; pixel moves (flips, rot90, crops, erase, permute, invert, posterize,
/// equalize) — exact; resized crop — resize's bound (within 1 / 1e-5); hue, gamma, solarize, autocontrast — within 1 for uint8 (float32 rounding
/// before the final truncation) and 1e-5 absolute for float32; blur and sharpness (a convolution
/// whose summation order PyTorch does not fix) — within 1 for uint8, 1e-5 for float32.
final class TransformExtraParityTests: XCTestCase {
    static let cases: [[String: Any]] = (try? VisionFixtures.cases("transforms_extra.json")) ?? []

    func testGridTransformsMatchTorchvision() throws {
        try check(ops: ["rotate", "affine", "perspective", "perspectiveCoefficients"], exact: true)
    }

    func testPixelMovesMatchTorchvisionExactly() throws {
        try check(ops: ["invert", "posterize", "equalize", "erase", "permuteChannels", "fiveCrop", "tenCrop"], exact: true)
    }

    func testColorOpsMatchTorchvision() throws {
        try check(ops: ["adjustHue", "solarize", "autocontrast", "adjustGamma"], exact: false)
    }

    func testResizedCropMatchesTorchvision() throws {
        // resize's bound (TransformParityTests): uint8 within 1, float32 1e-5.
        try check(ops: ["resizedCrop"], exact: false)
    }

    func testBlurAndSharpnessMatchTorchvision() throws {
        try check(ops: ["gaussianBlur", "adjustSharpness"], exact: false)
    }

    func check(ops: Set<String>, exact: Bool) throws {
        var checked = 0
        for c in Self.cases where c["kind"] as? String == "functional" && ops.contains(c["op"] as! String) {
            let expected = ExtraFixtures.tensor(c["expected"])
            let image = try ExtraFixtures.input(c["input"] as! [String: Any])
            let label = "\(c["op"]!) \(c["input"]!) \(c["args"]!)"
            let actual = run(c["op"] as! String, image, c["args"] as! [String: Any])
            let tolerance = exact ? 0 : (expected.dtype == .uint8 ? 1 : 1e-5)
            assertClose(actual, expected, atol: tolerance, label)
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 2 * ops.count)
    }

    func run(_ op: String, _ image: Tensor, _ a: [String: Any]) -> Tensor {
        func doubles(_ key: String) -> [Double]? { (a[key] as? [NSNumber])?.map(\.doubleValue) }
        func mode() -> InterpolationMode { InterpolationMode(rawValue: a["interpolation"] as! String)! }
        func points(_ key: String) -> [[Double]] { (a[key] as! [[NSNumber]]).map { $0.map(\.doubleValue) } }
        switch op {
        case "rotate":
            return TF.rotate(image, angle: a["angle"] as! Double, interpolation: mode(), expand: a["expand"] as! Bool,
                             center: doubles("center"), fill: doubles("fill"))
        case "affine":
            return TF.affine(image, angle: a["angle"] as! Double, translate: doubles("translate")!, scale: a["scale"] as! Double,
                             shear: doubles("shear")!, interpolation: mode(), fill: doubles("fill"), center: doubles("center"))
        case "perspective":
            return TF.perspective(image, startpoints: points("startpoints"), endpoints: points("endpoints"), interpolation: mode(), fill: doubles("fill"))
        case "perspectiveCoefficients":
            return TF.perspective(image, coefficients: doubles("coefficients")!, interpolation: mode(), fill: doubles("fill"))
        case "adjustHue": return TF.adjustHue(image, factor: a["factor"] as! Double)
        case "invert": return TF.invert(image)
        case "posterize": return TF.posterize(image, bits: a["bits"] as! Int)
        case "solarize": return TF.solarize(image, threshold: a["threshold"] as! Double)
        case "autocontrast": return TF.autocontrast(image)
        case "equalize": return TF.equalize(image)
        case "adjustSharpness": return TF.adjustSharpness(image, factor: a["factor"] as! Double)
        case "adjustGamma": return TF.adjustGamma(image, gamma: a["gamma"] as! Double, gain: a["gain"] as! Double)
        case "gaussianBlur": return TF.gaussianBlur(image, kernelSize: a["kernelSize"] as! [Int], sigma: doubles("sigma"))
        case "permuteChannels": return TF.permuteChannels(image, permutation: a["permutation"] as! [Int])
        case "erase":
            return TF.erase(image, top: a["top"] as! Int, left: a["left"] as! Int, height: a["height"] as! Int, width: a["width"] as! Int,
                            value: ExtraFixtures.tensor(a["value"]))
        case "resizedCrop":
            return TF.resizedCrop(image, top: a["top"] as! Int, left: a["left"] as! Int, height: a["height"] as! Int,
                                  width: a["width"] as! Int, size: a["size"] as! [Int])
        case "fiveCrop": return Tensor.stack(TF.fiveCrop(image, size: a["size"] as! [Int]))
        case "tenCrop": return Tensor.stack(TF.tenCrop(image, size: a["size"] as! [Int], verticalFlip: a["verticalFlip"] as! Bool))
        default: fatalError("unknown op \(op)")
        }
    }

    func testRotateFastPathsAndOutputSizes() throws {
        let image = try ExtraFixtures.input(["file": "astronaut.png", "crop": [30, 150, 40, 52], "dtype": "uint8"])
        // Expand grows to the rotated bounding box; multiples of 90° about the centre move pixels.
        XCTAssertEqual(TF.rotate(image, angle: 90, expand: true).shape, [3, 52, 40])
        XCTAssertEqual(TF.rotate(image, angle: 90).shape, [3, 40, 52])  // not square, no expand: the grid path
        XCTAssertEqual(TF.rotate(image, angle: 30, expand: true).shape, [3, 62, 66])  // torchvision: [3, 62, 66]
        assertClose(TF.rotate(image, angle: 360), image.contiguous(), "a full turn is the identity")
        let twice = TF.rotate(TF.rotate(image, angle: 90, expand: true), angle: 90, expand: true)
        assertClose(twice, TF.rotate(image, angle: 180), "two quarter turns are a half turn")
    }

    func testPerspectiveCoefficientsInvertTheCorners() {
        let start: [[Double]] = [[0, 0], [51, 0], [51, 39], [0, 39]]
        let end: [[Double]] = [[3, 2], [47, 1], [50, 36], [1, 37]]
        let c = TF.perspectiveCoefficients(startpoints: start, endpoints: end)
        // The coefficients map each end point back onto its start point.
        for (s, e) in zip(start, end) {
            let d = c[6] * e[0] + c[7] * e[1] + 1
            XCTAssertEqual((c[0] * e[0] + c[1] * e[1] + c[2]) / d, s[0], accuracy: 1e-4)
            XCTAssertEqual((c[3] * e[0] + c[4] * e[1] + c[5]) / d, s[1], accuracy: 1e-4)
        }
    }
}

/// Inputs and compact tensors of transforms_extra.json.
enum ExtraFixtures {
    static var cache: [String: Tensor] = [:]

    /// `{"dtype", "shape", "b64"}`: raw little-endian samples.
    static func tensor(_ value: Any?) -> Tensor {
        guard let dict = value as? [String: Any], let dtype = dict["dtype"] as? String, let shape = dict["shape"] as? [Int],
            let b64 = dict["b64"] as? String, let data = Data(base64Encoded: b64)
        else { fatalError("malformed compact fixture tensor") }
        switch dtype {
        case "uint8": return Tensor(Array(data), shape: shape)
        case "float32":
            let values = data.withUnsafeBytes { raw in (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) } }
            return Tensor(values, shape: shape)
        default: fatalError("unexpected dtype \(dtype)")
        }
    }

    /// The generator's `load(spec)` rebuilt with EmberVision (exact decoder; crops are views).
    static func input(_ spec: [String: Any]) throws -> Tensor {
        let key = "\(spec["file"]!) \(spec["crop"]!) \(spec["dtype"]!) \(spec["batch"] ?? false)"
        if let cached = cache[key] { return cached }
        let full = try IO.readImage(path: VisionFixtures.imagePath(spec["file"] as! String))
        let crop = spec["crop"] as! [Int]
        var image = full.narrow(1, start: crop[0], length: crop[2]).narrow(2, start: crop[1], length: crop[3])
        if spec["batch"] as? Bool == true {
            let second = full.narrow(1, start: crop[0] + 7, length: crop[2]).narrow(2, start: crop[1] + 5, length: crop[3])
            image = Tensor.stack([image, second])
        }
        if spec["dtype"] as! String == "float32" { image = TF.toDtype(image, .float32, scale: true) }
        cache[key] = image
        return image
    }
}

import Ember
import Foundation
import XCTest

@testable import EmberVision

/// Random transforms of torchvision.transforms.v2. Seeded cases (transforms_extra.json) run the
/// torchvision transform under `torch.manual_seed(seed)`; Ember runs the same transform with
/// `Generator(seed: seed)`. Because Ember draws with torch's calls in torch's order on Core's
/// PyTorch-exact generator, the outputs agree: uint8 within 1 (colour blends round in float32),
/// float32 within 1e-5. Drawn parameters (RandomResizedCrop, RandomErasing) must match exactly.
final class RandomTransformTests: XCTestCase {
    static let cases = TransformExtraParityTests.cases

    func transform(_ name: String, _ a: [String: Any]) -> any ImageTransform {
        func doubles(_ key: String) -> [Double]? { (a[key] as? [NSNumber])?.map(\.doubleValue) }
        func pair(_ key: String) -> (Double, Double)? { doubles(key).map { ($0[0], $0[1]) } }
        switch name {
        case "RandomHorizontalFlip": return RandomHorizontalFlip(p: a["p"] as! Double)
        case "RandomVerticalFlip": return RandomVerticalFlip(p: a["p"] as! Double)
        case "RandomCrop":
            return RandomCrop(size: a["size"] as! [Int], padding: a["padding"] as? [Int], padIfNeeded: a["padIfNeeded"] as! Bool,
                              fill: a["fill"] as! Double, paddingMode: PaddingMode(rawValue: a["mode"] as! String)!)
        case "RandomResizedCrop": return RandomResizedCrop(size: a["size"] as! [Int])
        case "RandomRotation":
            return RandomRotation(degrees: a["degrees"] as! Double, interpolation: InterpolationMode(rawValue: a["interpolation"] as! String)!)
        case "RandomAffine":
            return RandomAffine(degrees: pair("degrees")!, translate: pair("translate"), scale: pair("scale"), shear: doubles("shear"))
        case "RandomPerspective": return RandomPerspective(distortionScale: a["distortionScale"] as! Double, p: a["p"] as! Double)
        case "ColorJitter":
            return ColorJitter(brightness: a["brightness"] as? Double, contrast: a["contrast"] as? Double,
                               saturation: a["saturation"] as? Double, hue: a["hue"] as? Double)
        case "GaussianBlur": return GaussianBlur(kernelSize: a["kernelSize"] as! [Int], sigma: pair("sigma")!)
        case "RandomErasing": return RandomErasing(p: a["p"] as! Double, value: doubles("value"))
        case "RandomGrayscale": return RandomGrayscale(p: a["p"] as! Double)
        case "RandomInvert": return RandomInvert(p: a["p"] as! Double)
        case "RandomPosterize": return RandomPosterize(bits: a["bits"] as! Int, p: a["p"] as! Double)
        case "RandomSolarize": return RandomSolarize(threshold: a["threshold"] as! Double, p: a["p"] as! Double)
        case "RandomAdjustSharpness": return RandomAdjustSharpness(sharpnessFactor: a["factor"] as! Double, p: a["p"] as! Double)
        case "RandomAutocontrast": return RandomAutocontrast(p: a["p"] as! Double)
        case "RandomEqualize": return RandomEqualize(p: a["p"] as! Double)
        case "RandomChannelPermutation": return RandomChannelPermutation()
        case "RandomOrder": return RandomOrder([RandomHorizontalFlip(p: 1), RandomInvert(p: 0.5), RandomRotation(degrees: 10)])
        case "RandomApply": return RandomApply([ColorJitter(brightness: 0.3, contrast: 0.3), RandomVerticalFlip(p: 0.5)], p: a["p"] as! Double)
        case "AutoAugment": return AutoAugment(policy: AutoAugmentPolicy(rawValue: a["policy"] as! String)!)
        case "RandAugment": return RandAugment(numOps: a["numOps"] as! Int, magnitude: a["magnitude"] as! Int)
        case "TrivialAugmentWide": return TrivialAugmentWide()
        case "ElasticTransform": return ElasticTransform(alpha: a["alpha"] as! Double, sigma: a["sigma"] as! Double)
        case "GaussianNoise": return GaussianNoise(mean: a["mean"] as! Double, sigma: a["sigma"] as! Double, clip: a["clip"] as! Bool)
        case "RandomZoomOut": return RandomZoomOut(fill: a["fill"] as! Double, sideRange: pair("sideRange")!, p: a["p"] as! Double)
        case "RandomPhotometricDistort": return RandomPhotometricDistort(p: a["p"] as! Double)
        case "Compose":
            return Compose([
                RandomResizedCrop(size: [20]), RandomHorizontalFlip(), ColorJitter(brightness: 0.4, contrast: 0.4, saturation: 0.4),
                ToDtype(.float32, scale: true), Normalize(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]),
            ])
        default: fatalError("unknown transform \(name)")
        }
    }

    func testSeededTransformsReproduceTorchvision() throws {
        var checked = 0, exact = 0
        for c in Self.cases where c["kind"] as? String == "seeded" {
            let expected = ExtraFixtures.tensor(c["expected"])
            let image = try ExtraFixtures.input(c["input"] as! [String: Any])
            let t = transform(c["op"] as! String, c["args"] as! [String: Any])
            let actual = t(image, generator: Generator(seed: UInt64(c["seed"] as! Int)))
            assertClose(actual, expected, atol: expected.dtype == .uint8 ? 1 : 1e-5, "\(c["op"]!) \(c["args"]!) seed \(c["seed"]!)")
            if actual.shape == expected.shape && actual.to(.float64).sub(expected.to(.float64)).abs().max().item(Double.self) == 0 { exact += 1 }
            checked += 1
        }
        XCTAssertGreaterThan(checked, 100)
        // Most cases are bit-identical; the bound above covers float32 blends rounding across .5.
        XCTAssertGreaterThan(Double(exact), 0.9 * Double(checked), "\(exact) of \(checked) seeded cases exact")
    }

    func testDrawnParametersMatchTorchvision() throws {
        let fixture = Self.cases.first { $0["kind"] as? String == "params" }!
        let rrc = RandomResizedCrop(size: [224]), erasing = RandomErasing(p: 1)
        var fallbacks = 0
        for entry in fixture["params"] as! [[String: Any]] {
            let seed = UInt64(entry["seed"] as! Int)
            let p = rrc.parameters(height: 300, width: 451, generator: Generator(seed: seed))
            XCTAssertEqual([p.top, p.left, p.height, p.width], entry["rrc"] as! [Int], "RandomResizedCrop seed \(seed)")
            let q = rrc.parameters(height: 40, width: 400, generator: Generator(seed: seed))
            XCTAssertEqual([q.top, q.left, q.height, q.width], entry["rrcWide"] as! [Int], "RandomResizedCrop (wide) seed \(seed)")
            if q.height == 40 && q.width == 53 { fallbacks += 1 }
            let e = erasing.parameters(channels: 3, height: 60, width: 80, generator: Generator(seed: seed))
            XCTAssertEqual([e.top, e.left, e.height, e.width], entry["erase"] as! [Int], "RandomErasing seed \(seed)")
        }
        XCTAssertGreaterThan(fallbacks, 0, "the wide image should exercise the central fallback")
    }

    func testMagnitudeTablesMatchTorchvision() throws {
        let fixture = Self.cases.first { $0["kind"] as? String == "tables" }!
        let (h, w) = (fixture["height"] as! Int, fixture["width"] as! Int)
        let tables = fixture["tables"] as! [String: [String: [String: Any]]]
        let spaces: [(String, [AugmentSpace.Entry], Int)] = [
            ("autoAugment", AugmentSpace.autoAugment(identity: false, invert: true), 10),
            ("randAugment", AugmentSpace.autoAugment(identity: true, invert: false), 31),
            ("trivialAugmentWide", AugmentSpace.trivialAugmentWide, 31), ("augMix", AugmentSpace.augMix(allOps: true), 10),
        ]
        for (name, space, bins) in spaces {
            let expected = tables[name]!
            XCTAssertEqual(Set(space.map(\.op.rawValue)), Set(expected.keys), name)
            for entry in space {
                let e = expected[entry.op.rawValue]!
                XCTAssertEqual(entry.signed, e["signed"] as! Bool, "\(name) \(entry.op)")
                let values = (e["values"] as? [NSNumber])?.map(\.doubleValue)
                let mine = entry.magnitudes?(bins, h, w)
                XCTAssertEqual(mine == nil, values == nil, "\(name) \(entry.op)")
                if let mine, let values {
                    // float32 linspace: PyTorch's vectorised loop may differ in the last bit.
                    for (a, b) in zip(mine, values) { XCTAssertEqual(a, b, accuracy: 4e-7 * max(1, abs(b)), "\(name) \(entry.op)") }
                }
            }
        }
        // Draw order: RandAugment and TrivialAugmentWide index the keys in torchvision's order.
        XCTAssertEqual(AugmentSpace.trivialAugmentWide.map(\.op.rawValue).first, "Identity")
    }

    func testResizedCropDrawsRespectScaleAndRatio() {
        // Every draw of these ranges fits a 300×300 image, so none is rejected and the area fraction
        // stays uniform (rejections would bias it).
        let t = RandomResizedCrop(size: [32], scale: (0.2, 0.6), ratio: (0.75, 4.0 / 3.0))
        let g = Generator(seed: 11)
        var areas = [Double]()
        for _ in 0..<2000 {
            let p = t.parameters(height: 300, width: 300, generator: g)
            let area = Double(p.height * p.width) / 90_000
            // Rounding h and w to integers moves the area and ratio slightly past the bounds.
            XCTAssertTrue((0.19...0.61).contains(area), "area fraction \(area)")
            XCTAssertTrue((0.73...1.37).contains(Double(p.width) / Double(p.height)), "ratio \(p.width)/\(p.height)")
            XCTAssertTrue(p.top >= 0 && p.left >= 0 && p.top + p.height <= 300 && p.left + p.width <= 300)
            areas.append(area)
        }
        let mean = areas.reduce(0, +) / Double(areas.count)
        XCTAssertEqual(mean, 0.4, accuracy: 0.02, "scale is drawn uniformly")
    }

    func testProbabilitiesAndChoiceFrequencies() {
        let g = Generator(seed: 3)
        let image = Tensor((0..<12).map { UInt8($0) }, shape: [1, 3, 4])
        let flipped = TF.horizontalFlip(image)
        let flip = RandomHorizontalFlip(p: 0.3)
        var flips = 0
        for _ in 0..<4000 where flip(image, generator: g).toArray(UInt8.self) == flipped.toArray(UInt8.self) { flips += 1 }
        XCTAssertEqual(Double(flips) / 4000, 0.3, accuracy: 0.03)
        let choice = RandomChoice([Lambda { $0 }, Lambda { TF.horizontalFlip($0) }], p: [1, 4])
        var second = 0
        for _ in 0..<4000 where choice(image, generator: g).toArray(UInt8.self) == flipped.toArray(UInt8.self) { second += 1 }
        XCTAssertEqual(Double(second) / 4000, 0.8, accuracy: 0.03)
    }

    func testFixedSeedReproducesAPipeline() throws {
        let image = try ExtraFixtures.input(["file": "astronaut.png", "crop": [30, 150, 40, 52], "dtype": "uint8"])
        let pipeline = Compose([
            RandomChoice([RandomRotation(degrees: 20, interpolation: .bilinear), RandomAffine(degrees: 10, shear: [5])]),
            RandomOrder([RandomPerspective(p: 0.8), GaussianBlur(kernelSize: [3])]),
            RandomApply([AugMix(), TrivialAugmentWide()], p: 0.9), RandAugment(), RandomErasing(value: nil),
            RandomResizedCrop(size: [24]),
        ])
        let a = pipeline(image, generator: Generator(seed: 42))
        let b = pipeline(image, generator: Generator(seed: 42))
        let c = pipeline(image, generator: Generator(seed: 43))
        XCTAssertEqual(a.shape, [3, 24, 24])
        XCTAssertEqual(a.toArray(UInt8.self), b.toArray(UInt8.self), "the same seed gives the same result")
        XCTAssertNotEqual(a.toArray(UInt8.self), c.toArray(UInt8.self), "another seed gives another result")
    }

    func testAugMixMixesConvexly() throws {
        let image = try ExtraFixtures.input(["file": "astronaut.png", "crop": [30, 150, 24, 30], "dtype": "float32"])
        let g = Generator(seed: 9)
        // Dirichlet draws sum to one and average alpha_i / sum(alpha).
        var mean = [Double](repeating: 0, count: 3)
        for _ in 0..<3000 {
            let w = Dirichlet.sample([0.5, 1, 2.5], g)
            XCTAssertEqual(Double(w.reduce(0, +)), 1, accuracy: 1e-6)
            for i in 0..<3 { mean[i] += Double(w[i]) / 3000 }
        }
        XCTAssertEqual(mean[0], 0.125, accuracy: 0.01)
        XCTAssertEqual(mean[2], 0.625, accuracy: 0.015)
        // A convex mix of images in [0, 1] stays in [0, 1]; a batch gets per-image weights.
        let batch = Tensor.stack([image, TF.invert(image)])
        let out = AugMix(severity: 5, mixtureWidth: 4, chainDepth: 2)(batch, generator: g)
        XCTAssertEqual(out.shape, batch.shape)
        XCTAssertGreaterThanOrEqual(out.min().item(Float.self), 0)
        XCTAssertLessThanOrEqual(out.max().item(Float.self), 1)
        let bytes = AugMix()(TF.toDtype(image, .uint8, scale: true), generator: g)
        XCTAssertEqual(bytes.dtype, .uint8)
    }

    func testDeterministicTransformObjectsMatchFunctionalForms() throws {
        let image = try ExtraFixtures.input(["file": "astronaut.png", "crop": [30, 150, 40, 52], "dtype": "uint8"])
        let g = Generator(seed: 0)
        assertClose(Resize(size: [20])(image, generator: g), TF.resize(image, size: [20]))
        assertClose(CenterCrop(size: [10])(image, generator: g), TF.centerCrop(image, size: [10, 10]))
        assertClose(Pad(padding: [1, 2], fill: 3, mode: .edge)(image, generator: g), TF.pad(image, padding: [1, 2], fill: 3, mode: .edge))
        assertClose(Grayscale(numOutputChannels: 3)(image, generator: g), TF.rgbToGrayscale(image, numOutputChannels: 3))
        assertClose(ConvertImageDtype(.float32)(image, generator: g), TF.toDtype(image, .float32, scale: true))
        let f = ToDtype(.float32, scale: true)(image, generator: g)
        assertClose(Normalize(mean: [0.5], std: [0.25])(f, generator: g), TF.normalize(f, mean: [0.5], std: [0.25]))
        XCTAssertEqual(FiveCrop(size: [8])(image, generator: g).shape, [5, 3, 8, 8])
        XCTAssertEqual(TenCrop(size: [8, 9], verticalFlip: true)(image, generator: g).shape, [10, 3, 8, 9])
        XCTAssertEqual(RGB()(TF.rgbToGrayscale(image), generator: g).shape, [3, 40, 52])
    }

    func testGuideTrainingPipeline() throws {
        // Docs/Vision.md's example, as written there.
        let image = try IO.readImage(path: VisionFixtures.imagePath("chelsea.png"), mode: .rgb)
        let train = Compose([
            RandomResizedCrop(size: [224]),
            RandomHorizontalFlip(),
            ColorJitter(brightness: 0.4, contrast: 0.4, saturation: 0.4),
            ToDtype(.float32, scale: true),
            Normalize(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]),
        ])
        let generator = Generator(seed: 0)
        let input = train(image, generator: generator)
        XCTAssertEqual(input.shape, [3, 224, 224])
        XCTAssertEqual(input.dtype, .float32)
        assertClose(train(image, generator: Generator(seed: 0)), input, "a fixed seed reproduces the pipeline")
    }
}

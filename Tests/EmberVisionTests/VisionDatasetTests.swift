import Ember
import EmberHub
import Foundation
import XCTest

@testable import EmberVision

/// torchvision.datasets parity (fixture datasets.json and the files under Tests/Fixtures/Vision/datasets,
/// made by Scripts/fixtures/vision_datasets.py). Images are compared exactly, through FNV-1a hashes
/// of torchvision's `pil_to_tensor(image)`; sample lists, class lists and labels exactly.
final class VisionDatasetTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("ember-datasets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let root { try? FileManager.default.removeItem(at: root) }
    }

    static var datasetFixtures: URL { VisionFixtures.root.appendingPathComponent("datasets") }

    func fixtureCase(_ kind: String, train: Bool? = nil) throws -> [String: Any] {
        try XCTUnwrap(VisionFixtures.cases("datasets.json").first { $0["kind"] as? String == kind && (train == nil || $0["train"] as? Bool == train) })
    }

    func assertSamples<D: Dataset>(_ dataset: D, _ c: [String: Any], file: StaticString = #filePath, line: UInt = #line) where D.Element == (Tensor, Int) {
        let images = c["images"] as! [[String: Any]]
        XCTAssertEqual(dataset.count, images.count, file: file, line: line)
        for (i, expected) in images.enumerated() where i < dataset.count {
            let (image, target) = dataset[i]
            XCTAssertEqual(image.shape, expected["shape"] as! [Int], "sample \(i)", file: file, line: line)
            XCTAssertEqual(image.dtype, .uint8, file: file, line: line)
            XCTAssertEqual(fnv1a(image), expected["hash"] as! String, "sample \(i) pixels", file: file, line: line)
            XCTAssertEqual(target, expected["target"] as! Int, "sample \(i) target", file: file, line: line)
        }
    }

    func expectError(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line, _ check: (VisionDatasetError) -> Bool) {
        do {
            try body()
            XCTFail("expected a VisionDatasetError", file: file, line: line)
        } catch let error as VisionDatasetError {
            XCTAssertTrue(check(error), "unexpected \(error)", file: file, line: line)
        } catch {
            XCTFail("expected a VisionDatasetError, got \(error)", file: file, line: line)
        }
    }

    // MARK: ImageFolder / DatasetFolder

    func buildTree(_ c: [String: Any]) throws {
        for entry in c["tree"] as! [[String: String]] {
            let path = root.appendingPathComponent(entry["path"]!)
            try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
            if let source = entry["source"] {
                try FileManager.default.copyItem(atPath: VisionFixtures.imagePath(source), toPath: path.path)
            } else {
                try Data(entry["text"]!.utf8).write(to: path)
            }
        }
    }

    func testImageFolderMatchesTorchvision() throws {
        let c = try fixtureCase("ImageFolder")
        try buildTree(c)
        // The empty class is refused with torchvision's message.
        expectError({ _ = try ImageFolder(root: root.path) }) { error in
            guard case .emptyClasses(let classes, _) = error, classes == ["empty"] else { return false }
            return error.description == c["error"] as! String
        }
        let folder = try ImageFolder(root: root.path, allowEmpty: true)
        XCTAssertEqual(folder.classes, c["classes"] as! [String])
        XCTAssertEqual(folder.classToIdx, c["classToIdx"] as! [String: Int])
        let expected = (c["samples"] as! [[Any]]).map { "\($0[0] as! String):\($0[1] as! Int)" }
        let actual = folder.samples.map { "\(String($0.path.dropFirst(root.path.count + 1))):\($0.target)" }
        XCTAssertEqual(actual, expected)
        assertSamples(folder, c)

        let png = try fixtureCase("DatasetFolderPNG")
        let paths = try DatasetFolder<String>(root: root.path, loader: { $0 }, isValidFile: { $0.hasSuffix(".png") }, allowEmpty: true)
        XCTAssertEqual(paths.samples.map { "\(String($0.path.dropFirst(root.path.count + 1))):\($0.target)" },
                       (png["samples"] as! [[Any]]).map { "\($0[0] as! String):\($0[1] as! Int)" })
        XCTAssertEqual(paths[0].0, paths.samples[0].path)
    }

    func testDatasetFolderErrorsAndTransforms() throws {
        expectError({ _ = try ImageFolder(root: root.path) }) { if case .noClassFolders = $0 { return true } else { return false } }
        expectError({ _ = try DatasetFolder<String>(root: root.path, loader: { $0 }) }) { if case .invalidArgument = $0 { return true } else { return false } }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("a"), withIntermediateDirectories: true)
        try Data("not a png".utf8).write(to: root.appendingPathComponent("a/broken.png"))
        try FileManager.default.copyItem(atPath: VisionFixtures.imagePath("gray1.png"), toPath: root.appendingPathComponent("a/good.png").path)
        let folder = try ImageFolder(
            root: root.path, transform: { TF.horizontalFlip($0) }, targetTransform: { $0 + 10 })
        // A file that cannot be decoded: a typed error naming it from sample(at:).
        XCTAssertThrowsError(try folder.sample(at: 0)) { error in
            guard let typed = error as? VisionDatasetError, case .unreadableSample(let file, _) = typed else { return XCTFail("\(error)") }
            XCTAssertTrue(file.hasSuffix("a/broken.png"))
        }
        let (image, target) = try folder.sample(at: 1)
        XCTAssertEqual(target, 10)
        let plain = try IO.readImage(path: VisionFixtures.imagePath("gray1.png"), mode: .rgb)
        XCTAssertTrue(image.equal(TF.horizontalFlip(plain)))
    }

    // MARK: MNIST family

    /// The generator's formula: pixel (i, y, x) = (31i + 7y + 13x + seed) mod 256, label i = (3i + seed) mod classes.
    func idx(images n: Int, seed: Int) -> Data {
        var data = Data([0, 0, 8, 3])
        for d in [n, 28, 28] { data.append(contentsOf: withUnsafeBytes(of: UInt32(d).bigEndian, Array.init)) }
        for i in 0..<n { for y in 0..<28 { for x in 0..<28 { data.append(UInt8((i * 31 + y * 7 + x * 13 + seed) % 256)) } } }
        return data
    }

    func idx(labels n: Int, seed: Int, classes: Int) -> Data {
        var data = Data([0, 0, 8, 1])
        data.append(contentsOf: withUnsafeBytes(of: UInt32(n).bigEndian, Array.init))
        for i in 0..<n { data.append(UInt8((i * 3 + seed) % classes)) }
        return data
    }

    func writeIdx(_ folder: String, prefix: String, _ c: [String: Any]) throws {
        let raw = root.appendingPathComponent(folder).appendingPathComponent("raw")
        try FileManager.default.createDirectory(at: raw, withIntermediateDirectories: true)
        let (n, seed) = (c["count"] as! Int, c["seed"] as! Int)
        try idx(images: n, seed: seed).write(to: raw.appendingPathComponent("\(prefix)-images-idx3-ubyte"))
        try idx(labels: n, seed: seed, classes: c["numClasses"] as! Int).write(to: raw.appendingPathComponent("\(prefix)-labels-idx1-ubyte"))
    }

    func testMNISTFamilyMatchesTorchvision() throws {
        for train in [true, false] {
            let prefix = train ? "train" : "t10k"
            for kind in ["MNIST", "FashionMNIST", "KMNIST"] {
                let c = try fixtureCase(kind, train: train)
                try writeIdx(kind, prefix: prefix, c)
                let dataset: any IdxImageDataset = switch kind {
                case "MNIST": try MNIST(root: root.path, train: train)
                case "FashionMNIST": try FashionMNIST(root: root.path, train: train)
                default: try KMNIST(root: root.path, train: train)
                }
                XCTAssertEqual(dataset.classes, c["classes"] as! [String], kind)
                assertSamples(dataset, c)
            }
            let e = try fixtureCase("EMNIST", train: train)
            try writeIdx("EMNIST", prefix: "emnist-letters-\(train ? "train" : "test")", e)
            let emnist = try EMNIST(root: root.path, split: .letters, train: train)
            XCTAssertEqual(emnist.classes, e["classes"] as! [String])
            assertSamples(emnist, e)
        }
        XCTAssertEqual(EMNIST.classes(for: .byclass).count, 62)
        XCTAssertEqual(EMNIST.classes(for: .balanced).count, 47)
        expectError({ _ = try EMNIST(root: root.path, split: "bogus") }) { if case .invalidArgument = $0 { return true } else { return false } }
    }

    func testMNISTReadsGzipFiles() throws {
        let raw = root.appendingPathComponent("MNIST/raw")
        try FileManager.default.createDirectory(at: raw, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.datasetFixtures.appendingPathComponent("mnist").path) {
            try FileManager.default.copyItem(at: Self.datasetFixtures.appendingPathComponent("mnist/\(name)"), to: raw.appendingPathComponent(name))
        }
        assertSamples(try MNIST(root: root.path, train: true), try fixtureCase("MNIST", train: true))
        assertSamples(try MNIST(root: root.path, train: false), try fixtureCase("MNIST", train: false))
    }

    func testMNISTThroughDataLoaderWithWorkers() throws {
        let c = try fixtureCase("MNIST", train: true)
        try writeIdx("MNIST", prefix: "train", c)
        let dataset = try MNIST(root: root.path, transform: { TF.toDtype($0, .float32, scale: true) })
        let loader = DataLoader(dataset, batchSize: 2, numWorkers: 2)
        var labels: [Int64] = []
        var shapes: [[Int]] = []
        for (images, targets) in loader {
            shapes.append(images.shape)
            labels += targets.toArray(Int64.self)
        }
        XCTAssertEqual(shapes, [[2, 1, 28, 28], [2, 1, 28, 28], [1, 1, 28, 28]])
        XCTAssertEqual(labels, (c["images"] as! [[String: Any]]).map { Int64($0["target"] as! Int) })
    }

    func testIdxErrorsNameTheFile() throws {
        let c = try fixtureCase("MNIST", train: true)
        expectError({ _ = try MNIST(root: root.path) }) { if case .notFound("MNIST", let missing) = $0 { return missing.hasSuffix("train-images-idx3-ubyte") } else { return false } }
        try writeIdx("MNIST", prefix: "train", c)
        let images = root.appendingPathComponent("MNIST/raw/train-images-idx3-ubyte")
        let full = try Data(contentsOf: images)
        try full.prefix(full.count - 100).write(to: images)
        expectError({ _ = try MNIST(root: root.path) }) { if case .truncated(images.path, _) = $0 { return true } else { return false } }
        var bad = full
        bad[2] = 0x42
        try bad.write(to: images)
        expectError({ _ = try MNIST(root: root.path) }) { if case .corrupt(images.path, _) = $0 { return true } else { return false } }
        try (full + Data([1, 2, 3])).write(to: images)
        expectError({ _ = try MNIST(root: root.path) }) { if case .corrupt(images.path, _) = $0 { return true } else { return false } }
        // Labels of another length than the images.
        try full.write(to: images)
        let labels = root.appendingPathComponent("MNIST/raw/train-labels-idx1-ubyte")
        try idx(labels: 2, seed: 0, classes: 10).write(to: labels)
        expectError({ _ = try MNIST(root: root.path) }) { if case .corrupt(labels.path, _) = $0 { return true } else { return false } }
        // A truncated and a corrupt .gz file.
        try FileManager.default.removeItem(at: images)
        let gz = try Data(contentsOf: Self.datasetFixtures.appendingPathComponent("mnist/train-images-idx3-ubyte.gz"))
        try gz.prefix(gz.count / 2).write(to: URL(fileURLWithPath: images.path + ".gz"))
        expectError({ _ = try MNIST(root: root.path) }) { if case .truncated(images.path + ".gz", _) = $0 { return true } else { return false } }
        var flipped = gz
        flipped[20] ^= 0xFF
        try flipped.write(to: URL(fileURLWithPath: images.path + ".gz"))
        expectError({ _ = try MNIST(root: root.path) }) { if case .corrupt(images.path + ".gz", _) = $0 { return true } else { return false } }
    }

    // MARK: CIFAR

    func extract(_ archive: String) throws {
        let path = Self.datasetFixtures.appendingPathComponent(archive).path
        try TarArchive.extract(try Gzip.decompress(try Gzip.readFile(path), file: path), into: root, file: path)
    }

    func testCIFARMatchesTorchvision() throws {
        try extract("cifar-10-python.tar.gz")
        try extract("cifar-100-python.tar.gz")
        for train in [true, false] {
            let c10 = try fixtureCase("CIFAR10", train: train)
            let cifar10 = try CIFAR10(root: root.path, train: train)
            XCTAssertEqual(cifar10.classes, c10["classes"] as! [String])
            assertSamples(cifar10, c10)
            let c100 = try fixtureCase("CIFAR100", train: train)
            let cifar100 = try CIFAR100(root: root.path, train: train)
            XCTAssertEqual(cifar100.classes, c100["classes"] as! [String])
            assertSamples(cifar100, c100)
            // The generator makes coarse label = fine label / 5.
            XCTAssertEqual(cifar100.coarseTargets, cifar100.targets.map { $0 / 5 })
            XCTAssertEqual(cifar100.coarseClasses.count, 20)
        }
        let transformed = try CIFAR10(root: root.path, train: false, transform: { TF.verticalFlip($0) }, targetTransform: { -$0 })
        XCTAssertEqual(transformed[0].1, -3)
        XCTAssertTrue(transformed[0].0.equal(TF.verticalFlip(try CIFAR10(root: root.path, train: false)[0].0)))
    }

    func testCIFARErrorsNameTheFile() throws {
        expectError({ _ = try CIFAR10(root: root.path) }) { if case .notFound("CIFAR10", _) = $0 { return true } else { return false } }
        try extract("cifar-10-python.tar.gz")
        let batch = root.appendingPathComponent("cifar-10-batches-py/data_batch_3")
        let full = try Data(contentsOf: batch)
        try full.prefix(full.count - 500).write(to: batch)
        expectError({ _ = try CIFAR10(root: root.path) }) { if case .truncated(batch.path, _) = $0 { return true } else { return false } }
        // A pickle that asks for code: refused, nothing is called.
        try Data("cos\nsystem\n(S'echo hi'\ntR.".utf8).write(to: batch)
        expectError({ _ = try CIFAR10(root: root.path) }) { error in
            guard case .corrupt(batch.path, let detail) = error else { return false }
            return detail.contains("os.system")
        }
        try Data([0x80, 0x02, 0x7D, 0x2E]).write(to: batch)  // an empty dict
        expectError({ _ = try CIFAR10(root: root.path) }) { if case .corrupt(batch.path, _) = $0 { return true } else { return false } }
    }
}

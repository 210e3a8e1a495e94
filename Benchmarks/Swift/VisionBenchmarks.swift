import EmberVision
import Ember
import Foundation

/// Vision workloads; `Benchmarks/reference/vision_reference.py` has the same names and builds the
/// same inputs: chelsea.png upscaled to 1080×1920 (bilinear, no antialias: identical in both
/// libraries), then encoded in memory (PNG level 6, JPEG quality 90).
func visionWorkloads() -> [Workload] {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Tests/Fixtures/Vision/images/chelsea.png").path
    func frame() throws -> Tensor {
        TF.resize(try IO.readImage(path: root), size: [1080, 1920], antialias: false).contiguous()
    }
    return [
        Workload(name: "decode jpeg 1920x1080") {
            let data = try IO.encodeJPEG(try frame(), quality: 90)
            return { _ = try! IO.decodeJPEG(data) }
        },
        Workload(name: "decode png 1920x1080") {
            let data = try IO.encodePNG(try frame(), compressionLevel: 6)
            return { _ = try! IO.decodePNG(data) }
        },
        Workload(name: "resize 3x1080x1920 uint8 to 224 antialias") {
            let image = try frame()
            return { _ = TF.resize(image, size: [224], interpolation: .bilinear, antialias: true) }
        },
        // One epoch (4 batches) of an ImageFolder of 256 JPEGs through RandomResizedCrop 224,
        // horizontal flip, float conversion and normalisation, 2 worker threads; the row is per batch.
        Workload(name: "ImageFolder pipeline batch 64 (ms/batch)", unitsPerRun: 4) {
            let folder = try imageFolderOfJPEGs(photos: root.replacingOccurrences(of: "/chelsea.png", with: ""))
            let crop = RandomResizedCrop(size: [224]), flip = RandomHorizontalFlip()
            let normalize = Normalize(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])
            let dataset = try ImageFolder(root: folder, transform: { image in
                let generator = WorkerInfo.current?.generator ?? Random.defaultGenerator
                return normalize(TF.toDtype(flip(crop(image, generator: generator), generator: generator), .float32, scale: true), generator: generator)
            })
            let loader = DataLoader(dataset, batchSize: 64, shuffle: true, numWorkers: 2, generator: Generator(seed: 0))
            return { for batch in loader { precondition(batch.0.shape == [64, 3, 224, 224]) } }
        },
    ]
}

/// 256 JPEGs (quality 90) in 4 class folders: four committed photos resized to 375×500, 64
/// copies each, as `Benchmarks/reference/vision_reference.py` writes them. Returns the folder.
private func imageFolderOfJPEGs(photos: String) throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ember-bench-imagefolder-\(getpid())")
    try? FileManager.default.removeItem(at: folder)
    for (k, name) in ["chelsea.png", "coffee.png", "astronaut.png", "rocket.jpg"].enumerated() {
        let image = TF.resize(try IO.readImage(path: photos + "/" + name, mode: .rgb), size: [375, 500])
        let data = try IO.encodeJPEG(image, quality: 90)
        let classFolder = folder.appendingPathComponent("class\(k)")
        try FileManager.default.createDirectory(at: classFolder, withIntermediateDirectories: true)
        for i in 0..<64 { try data.write(to: classFolder.appendingPathComponent("img\(i).jpg")) }
    }
    return folder.path
}

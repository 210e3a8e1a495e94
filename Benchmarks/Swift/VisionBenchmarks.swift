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
    ]
}

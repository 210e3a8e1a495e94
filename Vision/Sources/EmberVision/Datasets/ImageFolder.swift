import Ember
import Foundation

/// torchvision's `IMG_EXTENSIONS`: the file endings `ImageFolder` accepts by default.
public let imageExtensions = [".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp"]

/// A folder of images, one sub-folder per class (`torchvision.datasets.ImageFolder`): a
/// `DatasetFolder` whose samples are `[3, H, W]` uint8 RGB tensors decoded by ``IO/readImage(path:mode:applyExifOrientation:maxPixels:)``.
///
/// ```swift
/// let train = try ImageFolder(root: "data/train", transform: { image in
///     TF.normalize(TF.toDtype(TF.centerCrop(TF.resize(image, size: [256]), size: [224]), .float32, scale: true),
///                  mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])
/// })
/// let loader = DataLoader(train, batchSize: 64, shuffle: true, numWorkers: 2)
/// for (images, labels) in loader { ... }        // [64, 3, 224, 224] float32, [64] int64
/// ```
///
/// torchvision opens files with PIL and converts them to RGB; EmberVision decodes PNG and JPEG
/// (the formats its IO reads), so `.ppm`, `.bmp`, `.pgm`, `.tif` and `.webp` files are listed as
/// torchvision lists them but fail to load with ``VisionDatasetError/unreadableSample(file:reason:)``.
/// Pass `isValidFile:` or `extensions:` to index only what you can read.
public typealias ImageFolder = DatasetFolder<Tensor>

extension DatasetFolder where Sample == Tensor {
    /// Indexes `root` for images (`extensions` defaults to ``imageExtensions``).
    public init(
        root: String, transform: (@Sendable (Tensor) -> Tensor)? = nil, targetTransform: (@Sendable (Int) -> Int)? = nil,
        extensions: [String]? = nil, isValidFile: (@Sendable (String) -> Bool)? = nil, allowEmpty: Bool = false
    ) throws {
        try self.init(
            root: root, loader: imageLoader, extensions: isValidFile == nil ? (extensions ?? imageExtensions) : extensions,
            transform: transform, targetTransform: targetTransform, isValidFile: isValidFile, allowEmpty: allowEmpty)
    }
}

/// `default_loader` for tensors: the file decoded to `[3, H, W]` uint8 RGB, made contiguous
/// (planar), as `pil_to_tensor` returns it.
@Sendable public func imageLoader(_ path: String) throws -> Tensor {
    do {
        return try IO.readImage(path: path, mode: .rgb).contiguous()
    } catch let error as ImageIOError {
        throw VisionDatasetError.unreadableSample(file: path, reason: error.description)
    }
}

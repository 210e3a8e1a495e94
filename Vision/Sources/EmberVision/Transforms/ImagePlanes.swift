import Ember

/// The functional transforms of `torchvision.transforms.v2.functional`, on `[..., C, H, W]`
/// tensors (a single image or any batch shape in front), `uint8` or `float32`.
///
/// Port `import torchvision.transforms.v2.functional as F; F.resize(img, [224])` as
/// `TF.resize(img, size: [224])`. Inputs may have any strides (decoded images are channels-last
/// views); results are new contiguous tensors unless the transform is the identity, in which case
/// the input comes back as torchvision returns it.
public enum TF {}

/// A contiguous copy of an image batch seen as `count` planes of `height × width`.
struct ImagePlanes {
    let tensor: Tensor
    let leading: [Int]
    let channels: Int
    let height: Int
    let width: Int
    var planes: Int { tensor.count / max(1, height * width) }

    init(_ image: Tensor, op: String) {
        precondition(image.dim >= 3, "\(op): expected a tensor of shape [..., C, H, W], got \(image.shape)")
        precondition(
            image.dtype == .uint8 || image.dtype == .float32,
            "\(op): supports uint8 and float32 images, got \(image.dtype)")
        tensor = image.contiguous()
        leading = Array(image.shape.dropLast(3))
        (channels, height, width) = (image.shape[image.dim - 3], image.shape[image.dim - 2], image.shape[image.dim - 1])
    }

    func base<T>(_: T.Type) -> UnsafeMutablePointer<T> {
        (tensor.storage.data + tensor.storageOffset * tensor.dtype.itemSize).assumingMemoryBound(to: T.self)
    }

    func outputShape(height h: Int, width w: Int, channels c: Int? = nil) -> [Int] { leading + [c ?? channels, h, w] }
}

extension Tensor {
    /// First element of a contiguous tensor (internal helper for EmberVision kernels).
    func visionPointer<T>(_: T.Type) -> UnsafeMutablePointer<T> {
        (storage.data + storageOffset * dtype.itemSize).assumingMemoryBound(to: T.self)
    }
}

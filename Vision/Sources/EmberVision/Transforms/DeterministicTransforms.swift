import Ember

/// `v2.Resize`: ``TF/resize(_:size:interpolation:maxSize:antialias:)`` as a transform.
public struct Resize: ImageTransform {
    public var size: [Int]?
    public var interpolation: InterpolationMode
    public var maxSize: Int?
    public var antialias: Bool

    /// `size` is `[h, w]`, `[s]` (shorter edge), or nil with `maxSize` (longer edge).
    public init(size: [Int]?, interpolation: InterpolationMode = .bilinear, maxSize: Int? = nil, antialias: Bool = true) {
        precondition(size != nil || maxSize != nil, "Resize: maxSize must be an integer when size is None")
        precondition(size == nil || size!.count == 1 || size!.count == 2, "Resize: size can be one or two integers, got \(size!)")
        (self.size, self.interpolation, self.maxSize, self.antialias) = (size, interpolation, maxSize, antialias)
    }

    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor {
        TF.resize(image, size: size, interpolation: interpolation, maxSize: maxSize, antialias: antialias)
    }
}

/// `v2.CenterCrop`.
public struct CenterCrop: ImageTransform {
    public var size: [Int]

    public init(size: [Int]) {
        precondition(size.count == 1 || size.count == 2, "CenterCrop: please provide only two dimensions (h, w) for size, got \(size)")
        self.size = size.count == 1 ? [size[0], size[0]] : size
    }

    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor { TF.centerCrop(image, size: size) }
}

/// `v2.Pad`.
public struct Pad: ImageTransform {
    public var padding: [Int]
    public var fill: Double
    public var mode: PaddingMode

    /// `padding` is `[all]`, `[left/right, top/bottom]` or `[left, top, right, bottom]`.
    public init(padding: [Int], fill: Double = 0, mode: PaddingMode = .constant) {
        precondition([1, 2, 4].contains(padding.count), "Pad: padding must be an int or a 1, 2, or 4 element list, got \(padding)")
        (self.padding, self.fill, self.mode) = (padding, fill, mode)
    }

    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor {
        TF.pad(image, padding: padding, fill: fill, mode: mode)
    }
}

/// `v2.Normalize` (float32 images).
public struct Normalize: ImageTransform {
    public var mean: [Double]
    public var std: [Double]

    public init(mean: [Double], std: [Double]) { (self.mean, self.std) = (mean, std) }

    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor { TF.normalize(image, mean: mean, std: std) }
}

/// `v2.ToDtype(dtype, scale)`.
public struct ToDtype: ImageTransform {
    public var dtype: DType
    public var scale: Bool

    public init(_ dtype: DType, scale: Bool = false) { (self.dtype, self.scale) = (dtype, scale) }

    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor { TF.toDtype(image, dtype, scale: scale) }
}

/// `v2.ConvertImageDtype(dtype)` (deprecated in torchvision): `ToDtype(dtype, scale: true)`.
public struct ConvertImageDtype: ImageTransform {
    public var dtype: DType

    public init(_ dtype: DType = .float32) { self.dtype = dtype }

    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor { TF.toDtype(image, dtype, scale: true) }
}

/// `v2.Grayscale(num_output_channels)`.
public struct Grayscale: ImageTransform {
    public var numOutputChannels: Int

    public init(numOutputChannels: Int = 1) { self.numOutputChannels = numOutputChannels }

    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor {
        TF.rgbToGrayscale(image, numOutputChannels: numOutputChannels)
    }
}

/// `v2.RGB`: 1-channel images repeated to 3 channels; 3-channel images pass through.
public struct RGB: ImageTransform {
    public init() {}

    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor {
        precondition(image.dim >= 3, "RGB: expected a tensor of shape [..., C, H, W], got \(image.shape)")
        let c = image.shape[image.dim - 3]
        if c == 3 { return image }
        precondition(c == 1, "RGB: expected 1 or 3 channels, got shape \(image.shape)")
        return TF.repeatChannels(image, 3)
    }
}

/// `v2.FiveCrop`: as a transform it returns the five crops stacked in a new leading dimension
/// (`[5, ..., C, h, w]`, torchvision's documented `Lambda(lambda crops: torch.stack(crops))`);
/// ``crops(_:)`` gives them as a list.
public struct FiveCrop: ImageTransform {
    public var size: [Int]

    public init(size: [Int]) {
        precondition(size.count == 1 || size.count == 2, "FiveCrop: please provide only two dimensions (h, w) for size, got \(size)")
        self.size = size.count == 1 ? [size[0], size[0]] : size
    }

    public func crops(_ image: Tensor) -> [Tensor] { TF.fiveCrop(image, size: size) }

    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor { Tensor.stack(crops(image), dim: 0) }
}

/// `v2.TenCrop`: the five crops of the image and of its flip (horizontal, or vertical with
/// `verticalFlip`), stacked like ``FiveCrop``.
public struct TenCrop: ImageTransform {
    public var size: [Int]
    public var verticalFlip: Bool

    public init(size: [Int], verticalFlip: Bool = false) {
        precondition(size.count == 1 || size.count == 2, "TenCrop: please provide only two dimensions (h, w) for size, got \(size)")
        self.size = size.count == 1 ? [size[0], size[0]] : size
        self.verticalFlip = verticalFlip
    }

    public func crops(_ image: Tensor) -> [Tensor] { TF.tenCrop(image, size: size, verticalFlip: verticalFlip) }

    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor { Tensor.stack(crops(image), dim: 0) }
}

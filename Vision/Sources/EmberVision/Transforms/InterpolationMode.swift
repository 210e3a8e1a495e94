/// `torchvision.transforms.InterpolationMode` for the tensor kernels.
public enum InterpolationMode: String, Sendable, CaseIterable {
    /// PyTorch's legacy `nearest` (source index `floor(i * in / out)`).
    case nearest
    /// `nearest-exact` (source index `floor((i + 0.5) * in / out)`, as Pillow and scikit-image).
    case nearestExact = "nearest-exact"
    case bilinear
    case bicubic
}

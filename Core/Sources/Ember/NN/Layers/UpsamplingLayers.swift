/// Upsampling layers: `Upsample` (`nn.Upsample`), `UpsamplingNearest2d`, `UpsamplingBilinear2d`.

/// Resizes the spatial dims with `Functional.interpolate` (`nn.Upsample`): give `size` or
/// `scaleFactor`.
///
/// ```swift
/// let up = Upsample(scaleFactor: 2, mode: .bilinear, alignCorners: false)
/// up(Tensor.randn([1, 3, 8, 8])).shape   // [1, 3, 16, 16]
/// ```
public class Upsample: Module, UnaryLayer {
    public let size: IntOrTuple?
    public let scaleFactor: ScaleFactor?
    public let mode: InterpolationMode
    public let alignCorners: Bool?
    public let recomputeScaleFactor: Bool?

    public init(
        size: IntOrTuple? = nil, scaleFactor: ScaleFactor? = nil, mode: InterpolationMode = .nearest,
        alignCorners: Bool? = nil, recomputeScaleFactor: Bool? = nil
    ) {
        self.size = size
        self.scaleFactor = scaleFactor
        self.mode = mode
        self.alignCorners = alignCorners
        self.recomputeScaleFactor = recomputeScaleFactor
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        Functional.interpolate(
            input, size: size, scaleFactor: scaleFactor, mode: mode, alignCorners: alignCorners,
            recomputeScaleFactor: recomputeScaleFactor)
    }

    public override var extraRepr: String {
        var info: String
        if let scaleFactor {
            let values = scaleFactor.values.map { "\($0)" }
            info = "scale_factor=" + (values.count == 1 ? values[0] : "(" + values.joined(separator: ", ") + ")")
        } else {
            info = "size=" + (size.map(pythonRepr) ?? "None")
        }
        return info + ", mode='\(mode.rawValue)'"
    }
}

/// Nearest-neighbour 2-d upsampling (`nn.UpsamplingNearest2d`).
public final class UpsamplingNearest2d: Upsample {
    public init(size: IntOrTuple? = nil, scaleFactor: ScaleFactor? = nil) {
        super.init(size: size, scaleFactor: scaleFactor, mode: .nearest)
    }
}

/// Bilinear 2-d upsampling with aligned corners (`nn.UpsamplingBilinear2d`).
public final class UpsamplingBilinear2d: Upsample {
    public init(size: IntOrTuple? = nil, scaleFactor: ScaleFactor? = nil) {
        super.init(size: size, scaleFactor: scaleFactor, mode: .bilinear, alignCorners: true)
    }
}

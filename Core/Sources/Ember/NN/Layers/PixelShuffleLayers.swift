/// Sub-pixel layers (`nn.PixelShuffle`, `nn.PixelUnshuffle`).

/// `[*, C·r², H, W]` to `[*, C, H·r, W·r]` (`nn.PixelShuffle`), the upsampling step of
/// sub-pixel convolution.
public final class PixelShuffle: Module, UnaryLayer {
    public let upscaleFactor: Int

    public init(upscaleFactor: Int) {
        self.upscaleFactor = upscaleFactor
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { Functional.pixelShuffle(input, upscaleFactor: upscaleFactor) }

    public override var extraRepr: String { "upscale_factor=\(upscaleFactor)" }
}

/// `[*, C, H·r, W·r]` to `[*, C·r², H, W]` (`nn.PixelUnshuffle`), the inverse of `PixelShuffle`.
public final class PixelUnshuffle: Module, UnaryLayer {
    public let downscaleFactor: Int

    public init(downscaleFactor: Int) {
        self.downscaleFactor = downscaleFactor
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { Functional.pixelUnshuffle(input, downscaleFactor: downscaleFactor) }

    public override var extraRepr: String { "downscale_factor=\(downscaleFactor)" }
}

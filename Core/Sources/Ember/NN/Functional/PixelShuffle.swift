/// Sub-pixel rearrangements (`F.pixel_shuffle`, `F.pixel_unshuffle`), each the other's inverse
/// and backward.
extension Functional {
    /// `[*, C·r², H, W]` to `[*, C, H·r, W·r]` (`F.pixel_shuffle`): channel `c·r² + i·r + j`
    /// becomes the sub-pixel `(i, j)` of channel `c`.
    public static func pixelShuffle(_ input: Tensor, upscaleFactor r: Int) -> Tensor {
        precondition(
            input.dim >= 3, "pixel_shuffle expects input to have at least 3 dimensions, but got input with \(input.dim) dimension(s)")
        precondition(r > 0, "pixel_shuffle expects a positive upscale_factor, but got \(r)")
        let c = input.shape[input.dim - 3]
        precondition(
            c % (r * r) == 0,
            "pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=\(c) is not divisible by \(r * r)")
        let out = withNoGrad { PixelShuffleOps.shuffle(input.detach(), r) }
        return Autograd.record("PixelShuffleBackward0", inputs: [input], output: out) { grad, _ in
            [Functional.pixelUnshuffle(grad, downscaleFactor: r)]
        }
    }

    /// `[*, C, H·r, W·r]` to `[*, C·r², H, W]` (`F.pixel_unshuffle`), the inverse of `pixelShuffle`.
    public static func pixelUnshuffle(_ input: Tensor, downscaleFactor r: Int) -> Tensor {
        precondition(
            input.dim >= 3, "pixel_unshuffle expects input to have at least 3 dimensions, but got input with \(input.dim) dimension(s)")
        precondition(r > 0, "pixel_unshuffle expects a positive downscale_factor, but got \(r)")
        let (h, w) = (input.shape[input.dim - 2], input.shape[input.dim - 1])
        precondition(
            h % r == 0, "pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=\(h) is not divisible by \(r)")
        precondition(
            w % r == 0, "pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)=\(w) is not divisible by \(r)")
        let out = withNoGrad { PixelShuffleOps.unshuffle(input.detach(), r) }
        return Autograd.record("PixelUnshuffleBackward0", inputs: [input], output: out) { grad, _ in
            [Functional.pixelShuffle(grad, upscaleFactor: r)]
        }
    }
}

enum PixelShuffleOps {
    static func shuffle(_ x: Tensor, _ r: Int) -> Tensor {
        let lead = Array(x.shape.dropLast(3)), k = lead.count
        let (c, h, w) = (x.shape[k] / (r * r), x.shape[k + 1], x.shape[k + 2])
        let split = x.reshape(lead + [c, r, r, h, w])
        let moved = split.permute(Array(0..<k) + [k, k + 3, k + 1, k + 4, k + 2])
        return moved.contiguous().reshape(lead + [c, h * r, w * r])
    }

    static func unshuffle(_ x: Tensor, _ r: Int) -> Tensor {
        let lead = Array(x.shape.dropLast(3)), k = lead.count
        let (c, h, w) = (x.shape[k], x.shape[k + 1] / r, x.shape[k + 2] / r)
        let split = x.reshape(lead + [c, h, r, w, r])
        let moved = split.permute(Array(0..<k) + [k, k + 2, k + 4, k + 1, k + 3])
        return moved.contiguous().reshape(lead + [c * r * r, h, w])
    }
}

/// Adaptive pooling (`F.adaptive_avg_pool1d/2d/3d`, `F.adaptive_max_pool1d/2d/3d`): windows
/// chosen so the output has a given size; output `o` of `n` covers input positions
/// `⌊o·L/n⌋ ..< ⌈(o+1)·L/n⌉`, so windows may overlap or differ in size.
extension Functional {
    /// `F.adaptive_avg_pool1d`: `[N, C, L]` or `[C, L]` to `[..., outputSize]`.
    public static func adaptiveAvgPool1d(_ input: Tensor, outputSize: IntOrTuple) -> Tensor {
        Pooling.adaptiveAverage(input, outputSize, rank: 1, op: "adaptive_avg_pool1d")
    }

    /// `F.adaptive_avg_pool2d`: `[N, C, H, W]` or `[C, H, W]` to `[..., outH, outW]`.
    public static func adaptiveAvgPool2d(_ input: Tensor, outputSize: IntOrTuple) -> Tensor {
        Pooling.adaptiveAverage(input, outputSize, rank: 2, op: "adaptive_avg_pool2d")
    }

    /// `F.adaptive_avg_pool3d`: `[N, C, D, H, W]` or `[C, D, H, W]`.
    public static func adaptiveAvgPool3d(_ input: Tensor, outputSize: IntOrTuple) -> Tensor {
        Pooling.adaptiveAverage(input, outputSize, rank: 3, op: "adaptive_avg_pool3d")
    }

    /// `F.adaptive_max_pool1d`.
    public static func adaptiveMaxPool1d(_ input: Tensor, outputSize: IntOrTuple) -> Tensor {
        adaptiveMaxPool1dWithIndices(input, outputSize: outputSize).output
    }

    /// `F.adaptive_max_pool1d(..., return_indices=True)`.
    public static func adaptiveMaxPool1dWithIndices(_ input: Tensor, outputSize: IntOrTuple) -> (output: Tensor, indices: Tensor) {
        Pooling.adaptiveMax(input, outputSize, rank: 1, op: "adaptive_max_pool1d")
    }

    /// `F.adaptive_max_pool2d`.
    public static func adaptiveMaxPool2d(_ input: Tensor, outputSize: IntOrTuple) -> Tensor {
        adaptiveMaxPool2dWithIndices(input, outputSize: outputSize).output
    }

    /// `F.adaptive_max_pool2d(..., return_indices=True)`: indices are `h·W + w` in each plane.
    public static func adaptiveMaxPool2dWithIndices(_ input: Tensor, outputSize: IntOrTuple) -> (output: Tensor, indices: Tensor) {
        Pooling.adaptiveMax(input, outputSize, rank: 2, op: "adaptive_max_pool2d")
    }

    /// `F.adaptive_max_pool3d`.
    public static func adaptiveMaxPool3d(_ input: Tensor, outputSize: IntOrTuple) -> Tensor {
        adaptiveMaxPool3dWithIndices(input, outputSize: outputSize).output
    }

    /// `F.adaptive_max_pool3d(..., return_indices=True)`.
    public static func adaptiveMaxPool3dWithIndices(_ input: Tensor, outputSize: IntOrTuple) -> (output: Tensor, indices: Tensor) {
        Pooling.adaptiveMax(input, outputSize, rank: 3, op: "adaptive_max_pool3d")
    }
}

extension Pooling {
    static func adaptiveWindows(_ input: Tensor, _ outputSize: IntOrTuple, rank: Int, op: String) -> PoolWindows {
        let (_, spatial) = planes(input, rank: rank, op: op)
        let sizes = outputSize.expand(rank, op, "output_size")
        precondition(
            sizes.allSatisfy { $0 >= 0 },
            "\(op): elements of output_size must be greater than or equal to 0 but received \(sizes)")
        return PoolWindows((0..<rank).map { PoolAxis.adaptive(inSize: spatial[$0], outSize: sizes[$0]) })
    }

    static func adaptiveAverage(_ input: Tensor, _ outputSize: IntOrTuple, rank: Int, op: String) -> Tensor {
        checkFloating(input, op, op)
        return averageOver(input, adaptiveWindows(input, outputSize, rank: rank, op: op), rank: rank)
    }

    static func adaptiveMax(_ input: Tensor, _ outputSize: IntOrTuple, rank: Int, op: String) -> (output: Tensor, indices: Tensor) {
        checkFloating(input, op, op)
        return maxOver(input, adaptiveWindows(input, outputSize, rank: rank, op: op), rank: rank)
    }
}

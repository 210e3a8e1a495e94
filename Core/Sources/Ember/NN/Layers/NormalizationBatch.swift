/// Batch and instance normalisation layers (`nn.BatchNorm1d/2d/3d`, `nn.InstanceNorm1d/2d/3d`)
/// and their shared state (`_NormBase`).

/// The parameters and running statistics shared by batch and instance norm (`_NormBase`):
/// `weight` (ones) and `bias` (zeros) when `affine`; `running_mean` (zeros), `running_var`
/// (ones) and `num_batches_tracked` (an int64 scalar) when `trackRunningStats`.
public class NormBase: Module {
    public let numFeatures: Int
    public let eps: Double
    /// The running statistics' update factor; nil averages over all batches seen so far.
    public let momentum: Double?
    public let affine: Bool
    public let trackRunningStats: Bool
    @Parameter public var weight: Tensor?
    @Parameter public var bias: Tensor?
    @Buffer public var runningMean: Tensor?
    @Buffer public var runningVar: Tensor?
    @Buffer public var numBatchesTracked: Tensor?

    init(numFeatures: Int, eps: Double, momentum: Double?, affine: Bool, trackRunningStats: Bool, dtype: DType) {
        self.numFeatures = numFeatures
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.trackRunningStats = trackRunningStats
        weight = affine ? Tensor.ones([numFeatures], dtype: dtype) : nil
        bias = affine ? Tensor.zeros([numFeatures], dtype: dtype) : nil
        runningMean = trackRunningStats ? Tensor.zeros([numFeatures], dtype: dtype) : nil
        runningVar = trackRunningStats ? Tensor.ones([numFeatures], dtype: dtype) : nil
        numBatchesTracked = trackRunningStats ? Tensor.zeros([], dtype: .int64) : nil
        super.init()
    }

    /// Running mean to 0, running variance to 1, batch count to 0 (`reset_running_stats`).
    public func resetRunningStats() {
        withNoGrad {
            runningMean?.fill_(0)
            runningVar?.fill_(1)
            numBatchesTracked?.fill_(0)
        }
    }

    /// Resets the running statistics, weight to 1 and bias to 0 (`reset_parameters`).
    public func resetParameters() {
        resetRunningStats()
        if let weight { Init.ones_(weight) }
        if let bias { Init.zeros_(bias) }
    }

    /// Checkpoints written before `num_batches_tracked` existed (and safetensors files, which
    /// carry no version) may lack it: it keeps its current value, as in PyTorch.
    public override func willLoadStateDict(_ stateDict: inout [String: Tensor], prefix: String) {
        let key = prefix + "num_batches_tracked"
        if trackRunningStats, stateDict[key] == nil, let numBatchesTracked { stateDict[key] = numBatchesTracked.clone() }
    }

    public override var extraRepr: String {
        "\(numFeatures), eps=\(eps), momentum=\(momentum.map { "\($0)" } ?? "None"), affine=\(pythonBool(affine)), track_running_stats=\(pythonBool(trackRunningStats))"
    }

    /// `_BatchNorm.forward`: batch statistics in training (updating the running ones), running
    /// statistics in evaluation when tracked.
    func batchNormForward(_ input: Tensor) -> Tensor {
        var factor = momentum ?? 0
        if training && trackRunningStats, let numBatchesTracked {
            withNoGrad { _ = numBatchesTracked.add_(1) }
            factor = momentum ?? 1 / Double(numBatchesTracked.item(Int64.self))
        }
        let useBatchStats = training || (runningMean == nil && runningVar == nil)
        let passRunning = !training || trackRunningStats
        return Functional.batchNorm(
            input, runningMean: passRunning ? runningMean : nil, runningVar: passRunning ? runningVar : nil,
            weight: weight, bias: bias, training: useBatchStats, momentum: factor, eps: eps)
    }

    /// `_InstanceNorm.forward`: unbatched input (`batchedDims - 1` dims) runs as a batch of one.
    func instanceNormForward(_ input: Tensor, batchedDims: Int) -> Tensor {
        if input.dim == batchedDims - 1 {
            return instanceNormForward(input.unsqueeze(0), batchedDims: batchedDims).squeeze(dim: 0)
        }
        if affine {
            precondition(
                input.shape[1] == numFeatures,
                "expected input's size at dim=1 to match num_features (\(numFeatures)), but got: \(input.shape[1]).")
        }
        return Functional.instanceNorm(
            input, runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias,
            useInputStats: training || !trackRunningStats, momentum: momentum ?? 0, eps: eps)
    }

    func checkDims(_ input: Tensor, _ allowed: [Int], _ name: String) {
        precondition(
            allowed.contains(input.dim),
            "\(name): expected \(allowed.map { "\($0)D" }.joined(separator: " or ")) input (got \(input.dim)D input)")
    }
}

/// Batch normalisation of `(N, C)` or `(N, C, L)` input (`nn.BatchNorm1d`).
public final class BatchNorm1d: NormBase, UnaryLayer {
    public override init(
        numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true,
        trackRunningStats: Bool = true, dtype: DType = .defaultFloat
    ) {
        super.init(numFeatures: numFeatures, eps: eps, momentum: momentum, affine: affine, trackRunningStats: trackRunningStats, dtype: dtype)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        checkDims(input, [2, 3], "BatchNorm1d")
        return batchNormForward(input)
    }
}

/// Batch normalisation of `(N, C, H, W)` input (`nn.BatchNorm2d`).
public final class BatchNorm2d: NormBase, UnaryLayer {
    public override init(
        numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true,
        trackRunningStats: Bool = true, dtype: DType = .defaultFloat
    ) {
        super.init(numFeatures: numFeatures, eps: eps, momentum: momentum, affine: affine, trackRunningStats: trackRunningStats, dtype: dtype)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        checkDims(input, [4], "BatchNorm2d")
        return batchNormForward(input)
    }
}

/// Batch normalisation of `(N, C, D, H, W)` input (`nn.BatchNorm3d`).
public final class BatchNorm3d: NormBase, UnaryLayer {
    public override init(
        numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true,
        trackRunningStats: Bool = true, dtype: DType = .defaultFloat
    ) {
        super.init(numFeatures: numFeatures, eps: eps, momentum: momentum, affine: affine, trackRunningStats: trackRunningStats, dtype: dtype)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        checkDims(input, [5], "BatchNorm3d")
        return batchNormForward(input)
    }
}

/// Instance normalisation of `(N, C, L)` or `(C, L)` input (`nn.InstanceNorm1d`); no affine
/// parameters and no running statistics by default.
public final class InstanceNorm1d: NormBase, UnaryLayer {
    public override init(
        numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = false,
        trackRunningStats: Bool = false, dtype: DType = .defaultFloat
    ) {
        super.init(numFeatures: numFeatures, eps: eps, momentum: momentum, affine: affine, trackRunningStats: trackRunningStats, dtype: dtype)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        checkDims(input, [2, 3], "InstanceNorm1d")
        return instanceNormForward(input, batchedDims: 3)
    }
}

/// Instance normalisation of `(N, C, H, W)` or `(C, H, W)` input (`nn.InstanceNorm2d`); no
/// affine parameters and no running statistics by default.
public final class InstanceNorm2d: NormBase, UnaryLayer {
    public override init(
        numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = false,
        trackRunningStats: Bool = false, dtype: DType = .defaultFloat
    ) {
        super.init(numFeatures: numFeatures, eps: eps, momentum: momentum, affine: affine, trackRunningStats: trackRunningStats, dtype: dtype)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        checkDims(input, [3, 4], "InstanceNorm2d")
        return instanceNormForward(input, batchedDims: 4)
    }
}

/// Instance normalisation of `(N, C, D, H, W)` or `(C, D, H, W)` input (`nn.InstanceNorm3d`).
public final class InstanceNorm3d: NormBase, UnaryLayer {
    public override init(
        numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = false,
        trackRunningStats: Bool = false, dtype: DType = .defaultFloat
    ) {
        super.init(numFeatures: numFeatures, eps: eps, momentum: momentum, affine: affine, trackRunningStats: trackRunningStats, dtype: dtype)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        checkDims(input, [4, 5], "InstanceNorm3d")
        return instanceNormForward(input, batchedDims: 5)
    }
}

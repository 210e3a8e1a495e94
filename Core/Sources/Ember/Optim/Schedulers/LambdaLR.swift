/// Sets each group's learning rate to its base value times a function of the step
/// (`torch.optim.lr_scheduler.LambdaLR`): lr = base_lr · lambda(epoch).
///
/// The functions are closures and are not part of the state dict (PyTorch saves `None` for
/// plain functions too).
public final class LambdaLR: LRScheduler {
    public let lrLambdas: [(Int) -> Double]

    /// One function for every group.
    public convenience init(optimizer: any Optimizer, lrLambda: @escaping (Int) -> Double, lastEpoch: Int = -1) {
        self.init(
            optimizer: optimizer, lrLambdas: Array(repeating: lrLambda, count: optimizer.learningRates.count),
            lastEpoch: lastEpoch)
    }

    /// One function per group.
    public init(optimizer: any Optimizer, lrLambdas: [(Int) -> Double], lastEpoch: Int = -1) {
        precondition(
            lrLambdas.count == optimizer.learningRates.count,
            "Expected \(optimizer.learningRates.count) lr_lambdas, but got \(lrLambdas.count)")
        self.lrLambdas = lrLambdas
        super.init(optimizer: optimizer, lastEpoch: lastEpoch)
    }

    public override func getLR() -> [Double] {
        zip(lrLambdas, baseLRs).map { lambda, base in base * lambda(lastEpoch) }
    }

    public override func stateEntries() -> [(String, PickleValue)] {
        super.stateEntries() + [("lr_lambdas", .list(Array(repeating: .none, count: lrLambdas.count)))]
    }
}

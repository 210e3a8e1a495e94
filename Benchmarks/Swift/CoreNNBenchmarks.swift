import Ember

/// nn workloads (issue 4's performance rows); `Benchmarks/reference/core_nn_reference.py` has
/// the same names and models.
func coreNNWorkloads() -> [Workload] {
    [
        Workload(name: "MLP 64-128-10 training step, batch 32") {
            let g = Generator(seed: 0)
            let model = Sequential(Linear(inFeatures: 64, outFeatures: 128), ReLU(), Linear(inFeatures: 128, outFeatures: 10))
            let optimizer = SGD(model.parameters(), lr: 0.01, momentum: 0.9)
            let x = Tensor.randn([32, 64], generator: g)
            let y = Tensor.randint(10, [32], generator: g)
            return {
                optimizer.zeroGrad()
                let loss = Functional.crossEntropy(model(x), y)
                loss.backward()
                optimizer.step()
            }
        },
        conv3x3(batch: 1),
        conv3x3(batch: 8),
        Workload(name: "MNIST-like CNN training step, batch 64") {
            let g = Generator(seed: 0)
            let model = mnistCNN()
            let optimizer = Adam(model.parameters(), lr: 1e-3)
            let x = Tensor.randn([64, 1, 28, 28], generator: g)
            let y = Tensor.randint(10, [64], generator: g)
            return {
                optimizer.zeroGrad()
                let loss = Functional.crossEntropy(model(x), y)
                loss.backward()
                optimizer.step()
            }
        },
        Workload(name: "TransformerEncoderLayer 384-d 12 heads seq 128 forward") {
            let g = Generator(seed: 0)
            let layer = TransformerEncoderLayer(dModel: 384, nhead: 12, dimFeedforward: 1536, batchFirst: true).eval()
            let x = Tensor.randn([1, 128, 384], generator: g)
            return { withNoGrad { _ = layer(x) } }
        },
    ]
}

private func conv3x3(batch: Int) -> Workload {
    Workload(name: "Conv3x3 64→64 56×56 batch \(batch) forward") {
        let g = Generator(seed: 0)
        let conv = Conv2d(inChannels: 64, outChannels: 64, kernelSize: 3, padding: 1)
        let x = Tensor.randn([batch, 64, 56, 56], generator: g)
        return { withNoGrad { _ = conv(x) } }
    }
}

/// conv-relu-pool ×2, two linears (the same model as the reference script's `mnist_cnn`).
func mnistCNN() -> Sequential {
    Sequential(
        Conv2d(inChannels: 1, outChannels: 16, kernelSize: 3, padding: 1), ReLU(), MaxPool2d(kernelSize: 2),
        Conv2d(inChannels: 16, outChannels: 32, kernelSize: 3, padding: 1), ReLU(), MaxPool2d(kernelSize: 2),
        Flatten(), Linear(inFeatures: 32 * 7 * 7, outFeatures: 128), ReLU(), Linear(inFeatures: 128, outFeatures: 10))
}

import Ember
import Foundation

// Trains a small CNN on scikit-learn's 1,797 handwritten 8×8 digits (embedded in
// Demos/Data, no network), reports held-out accuracy, saves the weights as safetensors and
// loads them back. The PyTorch script it mirrors:
//
//   model = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
//                         nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
//                         nn.Flatten(), nn.Linear(32 * 4 * 4, 64), nn.ReLU(), nn.Linear(64, 10))
//   opt = torch.optim.Adam(model.parameters(), lr=2e-3)
//   schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=15)
//   for epoch in range(15):
//       for x, y in loader: opt.zero_grad(); F.cross_entropy(model(x), y).backward(); opt.step()
//       schedule.step()

let epochs = 15
let batchSize = 32
let started = Date()

Random.manualSeed(0)
let digits = try Digits.load()
let images = digits.images.reshape([-1, 1, 8, 8])
let splits = try randomSplit(
    TensorDataset(images, digits.labels), lengths: [1437, 360], generator: Generator(seed: 42))
let (train, test) = (splits[0], splits[1])
print("Digits: \(train.count) training and \(test.count) test images of 8×8 pixels (scikit-learn, BSD-3)")

func makeModel() -> Sequential {
    Sequential(
        Conv2d(inChannels: 1, outChannels: 16, kernelSize: 3, padding: 1), ReLU(),
        Conv2d(inChannels: 16, outChannels: 32, kernelSize: 3, padding: 1), ReLU(), MaxPool2d(kernelSize: 2),
        Flatten(), Linear(inFeatures: 32 * 4 * 4, outFeatures: 64), ReLU(), Linear(inFeatures: 64, outFeatures: 10))
}

/// Share of `dataset`'s images that `model` classifies correctly.
func accuracy(_ model: Sequential, on dataset: Subset<TensorDataset<(Tensor, Tensor)>>) -> Double {
    model.eval()
    defer { model.train() }
    var correct = 0
    withNoGrad {
        for (x, y) in DataLoader(dataset, batchSize: 256) {
            correct += Int(model(x).argmax(dim: 1).eq(y).sum().item(Int64.self))
        }
    }
    return Double(correct) / Double(dataset.count)
}

/// `[=========>          ]`-style bar for step `done` of `total`.
func progressBar(_ done: Int, of total: Int, width: Int = 30) -> String {
    let filled = width * done / total
    return "[" + String(repeating: "=", count: filled) + (filled < width ? ">" : "")
        + String(repeating: " ", count: max(0, width - filled - 1)) + "]"
}

let model = makeModel()
print("Model: \(model.numParameters) parameters")
print(model)
let optimizer = Adam(model.parameters(), lr: 2e-3)
let schedule = CosineAnnealingLR(optimizer: optimizer, tMax: epochs)
let loader = DataLoader(train, batchSize: batchSize, shuffle: true, generator: Generator(seed: 0))
let stepsPerEpoch = (train.count + batchSize - 1) / batchSize
for epoch in 1...epochs {
    var totalLoss = 0.0, step = 0
    for (x, y) in loader {
        optimizer.zeroGrad()
        let loss = Functional.crossEntropy(model(x), y)
        loss.backward()
        optimizer.step()
        totalLoss += loss.item(Double.self)
        step += 1
        print(
            "\repoch \(String(format: "%2d", epoch))/\(epochs) \(progressBar(step, of: stepsPerEpoch)) "
                + String(format: "loss %.4f", totalLoss / Double(step)), terminator: "")
        fflush(stdout)
    }
    schedule.step()
    print(String(format: "  test accuracy %.2f%%", 100 * accuracy(model, on: test)))
}

let finalAccuracy = accuracy(model, on: test)
let checkpoint = FileManager.default.temporaryDirectory.appendingPathComponent("ember-digits-cnn.safetensors").path
try model.save(to: checkpoint)
let reloaded = makeModel()
try reloaded.loadStateDict(contentsOf: checkpoint)
let reloadedAccuracy = accuracy(reloaded, on: test)
print(String(format: "Test accuracy %.2f%% (%d of %d); saved to %@; reloaded model: %.2f%%",
    100 * finalAccuracy, Int((finalAccuracy * Double(test.count)).rounded()), test.count, checkpoint, 100 * reloadedAccuracy))
print(String(format: "Done in %.1f s", Date().timeIntervalSince(started)))
if finalAccuracy < 0.97 || reloadedAccuracy != finalAccuracy {
    print("error: expected at least 97% test accuracy and an identical reloaded model")
    exit(1)
}

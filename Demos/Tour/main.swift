// A short tour of Ember's tensors, for PyTorch users: `Scripts/demo` runs it.
// Everything here is data in the program itself; nothing is downloaded.
import Ember
import Foundation

func section(_ title: String) { print("\n== \(title)") }

print("Ember \(EmberVersion.string) — PyTorch's tensors, native in Swift")

section("Creation (torch.tensor, torch.arange, torch.linspace, torch.eye)")
let x = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
print("x =", x)
print("arange(6).reshape(2, 3) =", Tensor.arange(6).reshape(2, 3))
print("linspace(0, 1, 5) =", Tensor.linspace(0, 1, steps: 5))
print("eye(3) =", Tensor.eye(3))

section("Broadcasting and type promotion")
let bias = Tensor([10, 20, 30])  // int64, like a Python int list
print("x + bias =", x + bias, "(float32 + int64 → float32)")
print("bias * 2.5 =", bias * 2.5, "(a Python-float scalar makes float32)")
print("bias / 4 =", bias / 4, "(true division)")
print("bias.div(4, roundingMode: .floor) =", bias.div(4, roundingMode: .floor))

section("Views share storage (transpose, slicing, expand)")
let t = x.t()
print("x.t() is contiguous:", t.isContiguous, "strides:", t.strides)
let row = x[1]
row.mul_(-1)  // writes through the view into x
print("after x[1].mul_(-1): x =", x)
print("x[.ellipsis, 1] =", x[..., 1])
print("x[0, .range(nil, nil, step: 2)] =", x[0, TensorIndexEntry.range(nil, nil, step: 2)])

section("Reductions and softmax")
let scores = Tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
print("scores.sum(dim: 1) =", scores.sum(dim: 1))
let best = scores.max(dim: 1)
print("scores.max(dim: 1) = values", best.values, "indices", best.indices)
print("softmax(dim: -1) =", scores.softmax(dim: -1))

section("Matrix multiply (OpenBLAS) and activations")
Random.manualSeed(0)
let w = Tensor.randn([3, 4])
let h = Tensor.matmul(scores, w).gelu()
print("gelu(scores @ randn(3, 4)) =", h)
print("(the same numbers as torch.manual_seed(0); F.gelu(scores @ torch.randn(3, 4)))")
print("int32 tensors print their dtype:", Tensor([1, 2, 3], dtype: .int32))

section("Checkpoints: safetensors and torch.save files")
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ember-tour")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
let path = folder.appendingPathComponent("tour.safetensors").path
try Safetensors.save(["w": w, "scores": scores], metadata: ["format": "pt"], to: path)
let reloaded = try Safetensors.load(path)
print("reloaded w equals w:", reloaded["w"]!.equal(w))
let ptPath = folder.appendingPathComponent("tour.pt").path
try TorchCheckpoint.save([("w", w), ("w_t", w.t())], to: ptPath)   // torch.load(weights_only=True) reads it
let checkpoint = try TorchCheckpoint.load(ptPath)
print("tour.pt keys:", checkpoint.flattenedTensors().map(\.name), "— w_t is still a view of w:",
      checkpoint["w"]!.tensorValue!.storage === checkpoint["w_t"]!.tensorValue!.storage)
print("\nDone. See Docs/Core.md for the guide.")

/// PyTorch's `torch.nn.functional` (`F.relu` → `Functional.relu`): every layer's computation as
/// a function of tensors, without parameters or state. The layers in `NN/Layers` call these.
public enum Functional {}

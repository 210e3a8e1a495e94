"""Loss reference workloads (forward and backward); same names as Benchmarks/Swift/CoreLossBenchmarks.swift."""
import torch
import torch.nn.functional as F


def _values(count, seed):
    # The same linear congruential values as the Swift side (they do not affect timing).
    out, state = [], seed
    for _ in range(count):
        state = (state * 1664525 + 1013904223) % (1 << 32)
        out.append((state >> 8) / (1 << 24) * 6 - 3)
    return torch.tensor(out, dtype=torch.float32)


def _cross_entropy(n, c, smoothing):
    def prepare():
        x = _values(n * c, 7).reshape(n, c).requires_grad_()
        y = torch.tensor([(i * 7919) % c for i in range(n)])

        def step():
            loss = F.cross_entropy(x, y, label_smoothing=smoothing)
            torch.autograd.grad(loss, x)
        return step
    return prepare


def _ctc():
    t, n, c, s = 100, 16, 30, 30
    log_probs = _values(t * n * c, 3).reshape(t, n, c).log_softmax(2).requires_grad_()
    targets = torch.tensor([1 + (i * 31) % (c - 1) for i in range(n * s)]).reshape(n, s)
    input_lengths = torch.full((n,), t)
    target_lengths = torch.tensor([s - i % 10 for i in range(n)])

    def step():
        loss = F.ctc_loss(log_probs, targets, input_lengths, target_lengths)
        torch.autograd.grad(loss, log_probs)
    return step


def workloads(threads):
    return [
        ("cross_entropy fwd+bwd f32 256x1000", _cross_entropy(256, 1000, 0.0)),
        ("cross_entropy smoothing fwd+bwd f32 256x1000", _cross_entropy(256, 1000, 0.1)),
        ("cross_entropy fwd+bwd f32 64x32000", _cross_entropy(64, 32000, 0.0)),
        ("ctc fwd+bwd f32 T100 N16 C30 S30", _ctc),
    ]

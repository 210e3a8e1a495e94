"""Optimizer workloads (issue 4); same names as CoreOptimBenchmarks.swift. PyTorch's CPU
default is the single-tensor (foreach=False) implementation."""
import torch

MLP = [(256, 784), (256,), (10, 256), (10,)]
MILLION = [(1000, 1000)]


def _parameters(shapes):
    g = torch.Generator().manual_seed(0)
    params = []
    for shape in shapes:
        p = torch.randn(shape, generator=g).requires_grad_()
        p.grad = torch.randn(shape, generator=g)
        params.append(p)
    return params


def _step(make, shapes):
    def prepare():
        opt = make(_parameters(shapes))
        return opt.step
    return prepare


def _clip(shapes):
    def prepare():
        params = _parameters(shapes)
        return lambda: torch.nn.utils.clip_grad_norm_(params, 1e9)
    return prepare


def workloads(threads):
    return [
        ("Adam step, MLP 784-256-10 parameters", _step(lambda p: torch.optim.Adam(p, lr=1e-3), MLP)),
        ("Adam step, 1M parameters", _step(lambda p: torch.optim.Adam(p, lr=1e-3), MILLION)),
        ("AdamW amsgrad step, 1M parameters", _step(lambda p: torch.optim.AdamW(p, lr=1e-3, amsgrad=True), MILLION)),
        ("SGD momentum step, 1M parameters", _step(lambda p: torch.optim.SGD(p, lr=1e-3, momentum=0.9), MILLION)),
        ("RMSprop centered step, 1M parameters",
         _step(lambda p: torch.optim.RMSprop(p, lr=1e-3, momentum=0.9, centered=True), MILLION)),
        ("clip_grad_norm_, MLP 784-256-10 parameters", _clip(MLP)),
    ]

"""Core elementwise reference workloads; same names as Benchmarks/Swift/CoreElementwiseBenchmarks.swift."""
import torch

N = 16 * 1024 * 1024


def _binary(op):
    def prepare():
        a, b = torch.rand(N), torch.rand(N)
        return lambda: op(a, b)
    return prepare


def _unary(op):
    def prepare():
        a = torch.rand(N)
        return lambda: op(a)
    return prepare


def _transposed():
    a, b = torch.rand(4096, 4096).t(), torch.rand(4096, 4096)
    return lambda: a + b


def _broadcast():
    a, b = torch.rand(4096, 4096), torch.rand(4096)
    return lambda: a + b


def _chain():
    x, y = torch.rand(4), torch.rand(4) + 1

    def run():
        t = x
        for _ in range(250):
            t = t + y
            t = t * 0.5
            t = t - x
            t = t / y
        return t
    return run


def workloads(threads):
    return [
        ("add f32 16M", _binary(torch.add)),
        ("mul f32 16M", _binary(torch.mul)),
        ("exp f32 16M", _unary(torch.exp)),
        ("sigmoid f32 16M", _unary(torch.sigmoid)),
        ("gelu f32 16M", _unary(torch.nn.functional.gelu)),
        ("add f32 16M transposed", _transposed),
        ("add f32 16M broadcast", _broadcast),
        ("small ops chain 1000x4", _chain),
    ]

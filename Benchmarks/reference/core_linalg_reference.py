"""Linear-algebra reference workloads; same names as CoreLinearAlgebraBenchmarks.swift."""
import torch


def _matmul(n):
    def prepare():
        g = torch.Generator().manual_seed(0)
        a, b = torch.randn(n, n, generator=g), torch.randn(n, n, generator=g)
        return lambda: torch.matmul(a, b)
    return prepare


def workloads(threads):
    return [(f"matmul f32 {n}", _matmul(n)) for n in (256, 1024, 2048)]

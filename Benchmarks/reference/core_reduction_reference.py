"""Core reduction reference workloads; same names as Benchmarks/Swift/CoreReductionBenchmarks.swift."""
import torch


def _matrix():
    torch.manual_seed(0)
    return torch.rand(4096, 1024) * 6 - 3


def _sum_all():
    x = _matrix()
    return lambda: x.sum()


def _sum_rows():
    x = _matrix()
    return lambda: x.sum(dim=-1)


def _softmax():
    x = _matrix()
    return lambda: torch.softmax(x, dim=-1)


def workloads(threads):
    return [
        ("sum f32 4096x1024", _sum_all),
        ("sum dim=-1 f32 4096x1024", _sum_rows),
        ("softmax f32 4096x1024", _softmax),
    ]

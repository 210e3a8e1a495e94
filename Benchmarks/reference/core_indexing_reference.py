"""PyTorch side of the Core indexing workloads (names match Benchmarks/Swift/CoreIndexingBenchmarks.swift)."""
import torch


def workloads(threads):
    def cat():
        parts = [torch.randn(1 << 20) for _ in range(16)]
        return lambda: torch.cat(parts, 0)

    def index_select():
        x = torch.randn(4096, 1024)
        index = torch.randint(0, 4096, (4096,))
        return lambda: x.index_select(0, index)

    def gather():
        x = torch.randn(4096, 1024)
        index = torch.randint(0, 1024, (4096, 1024))
        return lambda: x.gather(1, index)

    return [
        ("cat f32 16x1M dim0", cat),
        ("index_select f32 4096x1024", index_select),
        ("gather f32 4096x1024", gather),
    ]

"""Checkpoint IO reference workloads (safetensors, torch.load); same names as CoreSerializationBenchmarks.swift."""
import os
import tempfile

import torch
from safetensors import safe_open
from safetensors.torch import save_file

FOLDER = os.path.join(tempfile.gettempdir(), "ember-bench-serialization")


def _safetensors():
    os.makedirs(FOLDER, exist_ok=True)
    path = os.path.join(FOLDER, "torch-1GB.safetensors")
    if not os.path.exists(path):
        save_file({f"layer.{i}.weight": torch.full((4096, 4096), float(i)) for i in range(16)}, path)

    def run():
        with safe_open(path, framework="pt") as f:
            assert f.get_tensor("layer.15.weight")[0, 0].item() == 15
    return run


def _checkpoint_500mb():
    os.makedirs(FOLDER, exist_ok=True)
    path = os.path.join(FOLDER, "torch-500MB.pt")
    if not os.path.exists(path):
        torch.save({f"layer.{i}.weight": torch.full((2048, 2048), float(i)) for i in range(32)}, path)
    return path


def _torch_load():
    path = _checkpoint_500mb()
    return lambda: torch.load(path, weights_only=True)


def _torch_load_and_read():
    path = _checkpoint_500mb()

    def run():
        state = torch.load(path, weights_only=True)
        total = sum(t.sum().item() for t in state.values())
        expected = 2048 * 2048 * sum(range(32))
        assert abs(total - expected) <= 1e-6 * expected
    return run


def workloads(threads):
    return [("safetensors open 1GB + first element", _safetensors), ("torch.load zip 500MB", _torch_load),
            ("torch.load zip 500MB + read every tensor", _torch_load_and_read)]

"""Reference workloads (PyTorch, HF tokenizers, ...) with the same names as the Swift suite.
Usage: run.py [FILTER]. Every `*_reference.py` module here contributes `workloads(threads)`,
a list of (name, prepare) pairs where prepare() returns the callable to time."""
import glob
import importlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness  # noqa: E402

threads = int(os.environ.get("EMBER_NUM_THREADS", "2"))
try:
    import torch
    torch.set_num_threads(threads)
except ImportError:
    pass
workloads = []
for path in sorted(glob.glob(os.path.join(HERE, "*_reference.py"))):
    module = importlib.import_module(os.path.basename(path)[:-3])
    workloads += module.workloads(threads)
harness.run(workloads, sys.argv[1] if len(sys.argv) > 1 else None)

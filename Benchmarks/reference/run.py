"""Reference workloads (PyTorch, HF tokenizers, ...): same names as the Swift suite.
Usage: run.py [FILTER]. Each library's workloads live in their own module here."""
import importlib
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402

threads = int(os.environ.get("EMBER_NUM_THREADS", "2"))
workloads = []
for module in ("core_reference", "text_reference", "hub_reference", "vision_reference", "audio_reference"):
    try:
        workloads += importlib.import_module(module).workloads(threads)
    except ModuleNotFoundError as error:
        if error.name != module:
            print(f"# {module}: {error}", file=sys.stderr)
harness.run(workloads, sys.argv[1] if len(sys.argv) > 1 else None)

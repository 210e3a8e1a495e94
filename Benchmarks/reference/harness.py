"""Timing harness shared by the reference scripts: the same rules as Benchmarks/Swift/Harness.swift."""
import sys
import time


def time_ms(body, min_runs=5, budget_seconds=1.0):
    body()  # warm-up
    samples = []
    start = time.perf_counter()
    while len(samples) < min_runs or (time.perf_counter() - start < budget_seconds and len(samples) < 200):
        t0 = time.perf_counter()
        body()
        samples.append((time.perf_counter() - t0) * 1e3)
    samples.sort()
    return samples[len(samples) // 2]


def run(workloads, name_filter):
    """workloads: list of (name, prepare) or (name, prepare, units_per_run) where prepare() returns the
    timed callable; with units_per_run the printed time is per unit (batches of an epoch, say)."""
    for entry in workloads:
        name, prepare = entry[0], entry[1]
        units = entry[2] if len(entry) > 2 else 1
        if name_filter and name_filter not in name:
            continue
        try:
            print(f"{name}\t{time_ms(prepare()) / units:.4f}", flush=True)
        except Exception as error:  # report, keep going
            print(f"{name}\tERROR {error}", flush=True)

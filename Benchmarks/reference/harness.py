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
    """workloads: list of (name, prepare) where prepare() returns the timed callable."""
    for name, prepare in workloads:
        if name_filter and name_filter not in name:
            continue
        try:
            print(f"{name}\t{time_ms(prepare()):.4f}", flush=True)
        except Exception as error:  # report, keep going
            print(f"{name}\tERROR {error}", flush=True)

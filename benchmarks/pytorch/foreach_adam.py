#!/usr/bin/env python3
"""PyTorch's Adam (foreach=True, the multi-tensor path) over the same layouts as optim4j's Workload.

Run by hand (the build never needs Python), next to the JMH StepBenchmark in one window, by
benchmarks/many-tensors.sh. Prints one line per layout: milliseconds per step (median and best of the timed
steps) and Mparam/s. PyTorch 1.13 CPU: apt-get install python3-torch.

usage: foreach_adam.py THREADS STEPS LAYOUT...   (LAYOUT: N, COUNTxLENGTH or gptLAYERSxWIDTH)
"""
import statistics
import sys
import time

import torch


def lengths(layout):
    if layout.startswith("gpt"):
        layers, d = (int(v) for v in layout[3:].split("x"))
        block = [d, d, d * 3 * d, 3 * d, d * d, d, d, d, d * 4 * d, 4 * d, 4 * d * d, d]
        return block * layers
    if "x" in layout:
        count, length = (int(v) for v in layout.split("x"))
        return [length] * count
    return [int(layout)]


def main():
    threads, steps = int(sys.argv[1]), int(sys.argv[2])
    torch.set_num_threads(threads)
    gen = torch.Generator().manual_seed(20261128)
    for layout in sys.argv[3:]:
        params = []
        for n in lengths(layout):
            p = torch.nn.Parameter(torch.rand(n, generator=gen) * 2 - 1)
            p.grad = torch.rand(n, generator=gen) * 2 - 1
            params.append(p)
        total = sum(p.numel() for p in params)
        opt = torch.optim.Adam(params, lr=1e-3, foreach=True)
        for _ in range(3):
            opt.step()
        times = []
        for _ in range(steps):
            t0 = time.perf_counter()
            opt.step()
            times.append(time.perf_counter() - t0)
        median = statistics.median(times)
        print(f"pytorch-foreach threads={threads} layout={layout} tensors={len(params)} params={total} "
              f"median_ms={median * 1e3:.2f} best_ms={min(times) * 1e3:.2f} mparams_s={total / median / 1e6:.0f}",
              flush=True)
        del opt, params


if __name__ == "__main__":
    main()

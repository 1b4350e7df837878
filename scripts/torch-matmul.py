"""PyTorch's fp32 matmul throughput, the reference figure of `npm run bench` (src/cli/bench.ts).

Usage: python3 scripts/torch-matmul.py 256,512,1024
Prints one JSON object: {"torch": version, "device": name, "rows": [{"n": n, "gflops": g}, ...]}.
CUDA when available, else CPU. TF32 is off, so the figure is true fp32 (cuBLAS SGEMM), as ours.
Each size: warm-up, then the best of 3 rounds of enough products to fill ~0.3 s.
"""

import json
import sys
import time

import torch


def main() -> None:
    sizes = [int(s) for s in sys.argv[1].split(",")]
    cuda = torch.cuda.is_available()
    if cuda:
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    device = torch.device("cuda" if cuda else "cpu")
    name = torch.cuda.get_device_name(0) if cuda else f"CPU ({torch.get_num_threads()} threads)"
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    rows = []
    for n in sizes:
        gen = torch.Generator().manual_seed(n)
        a = (torch.rand(n, n, generator=gen) * 2 - 1).to(device)
        b = (torch.rand(n, n, generator=gen) * 2 - 1).to(device)
        torch.mm(a, b)
        sync()
        t0 = time.perf_counter()
        torch.mm(a, b)
        sync()
        probe = max(time.perf_counter() - t0, 1e-6)
        reps = max(1, min(200, int(0.3 / probe)))
        best = probe
        for _ in range(3):
            t0 = time.perf_counter()
            for _ in range(reps):
                torch.mm(a, b)
            sync()
            best = min(best, (time.perf_counter() - t0) / reps)
        rows.append({"n": n, "gflops": 2 * n**3 / best / 1e9})
    print(json.dumps({"torch": torch.__version__, "device": name, "rows": rows}))


if __name__ == "__main__":
    main()

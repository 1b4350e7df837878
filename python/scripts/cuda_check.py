#!/usr/bin/env python3
"""Continue one export on CPU and on CUDA (and under torchrun with NCCL when K GPUs are given)
and print how far apart they end: per-step loss differences and mask agreement. A command for a
machine with a GPU; nothing in CI runs it.

    PYTHONPATH=python python3 python/scripts/cuda_check.py run/ [--steps 20] [--gpus K]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import torch

from sift_playground.sift_load import read_safetensors


def continue_run(run_dir, out, steps, device, gpus=1):
    jsonl = out + ".jsonl"
    cmd = [sys.executable, "-m", "sift_playground.train", "--from", run_dir, "--steps", str(steps), "--metrics-every", "1",
           "--no-eval", "--device", device, "--json", jsonl, "--export", out]
    if gpus > 1:
        cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", str(gpus), "--redirects", "2", "--tee", "2"] + cmd[1:]
    subprocess.run(cmd, check=True)
    with open(jsonl) as f:
        losses = [json.loads(line)["trainLoss"] for line in f]
    tensors, _ = read_safetensors(os.path.join(out, "model.safetensors"))
    return losses, {k: v for k, v in tensors.items() if k.endswith("_mask")}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("run_dir")
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--gpus", type=int, default=torch.cuda.device_count())
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        results = {"cpu": continue_run(args.run_dir, os.path.join(d, "cpu"), args.steps, "cpu")}
        results["cuda"] = continue_run(args.run_dir, os.path.join(d, "cuda"), args.steps, "cuda")
        if args.gpus > 1:
            results[f"cuda x{args.gpus} (NCCL)"] = continue_run(args.run_dir, os.path.join(d, "ddp"), args.steps, "cuda", args.gpus)
        base_losses, base_masks = results["cpu"]
        for name, (losses, masks) in results.items():
            worst = max(abs(a - b) for a, b in zip(losses, base_losses))
            same = sum(int(torch.equal(masks[k], base_masks[k])) for k in base_masks)
            print(f"{name:>16}: largest loss difference to CPU {worst:.3g}; masks identical {same}/{len(base_masks)}; "
                  f"final loss {losses[-1]:.5f}")


if __name__ == "__main__":
    main()

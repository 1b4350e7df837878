#!/usr/bin/env python3
"""PyTorch eager fp32 training-step time of a SIFT Playground export (the `torchMsPerStep` column
of `npm run bench -- --steps-only`).

    python3 scripts/torch_step_bench.py model.safetensors --batch 16 [--steps 10] [--optimizer sgd]

Builds the model with public/sift_load.py (same weights, masks, transform pieces), then times the
step the playground runs: forward, cross-entropy, backward, gradients masked, optimiser step,
weights masked again. CUDA when available (TF32 off, synchronised around the timed loop), else
CPU. Prints one JSON line: {"ms": ..., "device": ...}.
"""
import argparse
import json
import time

import torch
import torch.nn.functional as F

import sift_load


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("safetensors")
    ap.add_argument("--batch", type=int, required=True)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--optimizer", choices=["sgd", "adamw"], default="sgd")
    args = ap.parse_args()

    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    cuda = torch.cuda.is_available()
    device = torch.device("cuda" if cuda else "cpu")
    model, config = sift_load.load(args.safetensors)
    model.to(device).train()
    arch = config["arch"]
    generator = torch.Generator().manual_seed(0)
    if arch["kind"] == "gpt":
        context, vocab = arch["contextLength"], arch["vocabSize"]
        x = torch.randint(0, vocab, (args.batch, context), generator=generator).to(device)
        y = torch.randint(0, vocab, (args.batch, context), generator=generator).to(device)
    else:
        shape = (args.batch, arch["inChannels"], arch["imageSize"], arch["imageSize"])
        x = torch.randn(shape, generator=generator).to(device)
        y = torch.randint(0, arch["numClasses"], (args.batch,), generator=generator).to(device)
    masked = [(p, getattr(m, n + "_mask")) for m in model.modules() for n, p in m.named_parameters(recurse=False) if hasattr(m, n + "_mask")]
    params = list(model.parameters())
    if args.optimizer == "sgd":
        opt = torch.optim.SGD(params, lr=0.01, momentum=0.9, weight_decay=5e-4)
    else:
        opt = torch.optim.AdamW(params, lr=1e-3, weight_decay=0.1)

    def step():
        opt.zero_grad(set_to_none=True)
        logits = model(x)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        loss.backward()
        with torch.no_grad():
            for p, m in masked:
                p.grad.mul_(m)
        opt.step()
        with torch.no_grad():
            for p, m in masked:
                p.mul_(m)

    for _ in range(args.warmup):
        step()
    if cuda:
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(args.steps):
        step()
    if cuda:
        torch.cuda.synchronize()
    ms = (time.perf_counter() - t0) * 1000 / args.steps
    name = f"cuda: {torch.cuda.get_device_name(0)}" if cuda else f"cpu ({torch.get_num_threads()} threads)"
    print(json.dumps({"ms": ms, "device": name}))


if __name__ == "__main__":
    main()

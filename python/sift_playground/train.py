"""Continue a SIFT Playground run in PyTorch, on CPU or CUDA, in one process or under torchrun.

    sift-train --from run/ --steps N [--lr X] [--total-steps T] [--json metrics.jsonl]
               [--export run2/] [--data-dir public/data] [--data-file cifar-10-binary.tar.gz]
    torchrun --nproc_per_node K -m sift_playground.train --from run/ --steps N ...

One step is our trainer's step (src/train/session.ts) in the same order: forward on training
batch t - 1 of the run's data stream, mean cross-entropy, backward; on a DST update step RigL / SET
drop and grow with the unmasked gradient; gradients masked; global-norm clipping; the optimiser
at the schedule's rate for step t - 1; weights and optimiser state masked. Under DDP every rank
takes an equal slice of the same global batch, DDP averages the gradients (so RigL's scores are
all-reduced and every rank picks the same mask), and a checksum verifies that masks agree.
"""
import argparse
import json
import os
import shutil
import sys
import time

import torch
import torch.distributed as dist
import torch.nn.functional as F

from . import data as data_mod
from . import syncbn
from .dst import DstSchedule, drop_and_grow, set_seed
from .errors import SiftError
from .safetensors import write_safetensors
from .schedule import make_schedule
from .sift_load import MASK_SUFFIX, OPTIMIZER_PREFIX, LoadError, load_export

REPO_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "public", "data")


class SparseWeight:
    def __init__(self, name, param, mask):
        self.name, self.param, self.mask = name, param, mask

    @property
    def off(self):
        return self.mask <= 0.5


class Continuation:
    """A loaded export ready to train: model, masks, optimiser (with its state), schedules, data."""

    def __init__(self, run_dir, device="cpu", lr=None, total_steps=None, data_dir=None, data_files=(), eval_samples=None):
        path = os.path.join(run_dir, "model.safetensors") if os.path.isdir(run_dir) else run_dir
        self.run_dir = run_dir if os.path.isdir(run_dir) else os.path.dirname(run_dir)
        export = load_export(path)
        self.export = export
        self.config = config = export.config
        self.run = dict(config["run"])
        if lr is not None:
            self.run["lr"] = lr
        if total_steps is not None:
            self.run["steps"] = total_steps
        self.step = int(config["step"])
        self.device = torch.device(device)
        self.model = export.model.to(self.device)
        self.task = config["task"]
        params = dict(self.model.named_parameters())
        buffers = dict(self.model.named_buffers())
        order = config.get("sparseWeights") or list(export.masks().keys())
        self.sparse = [
            SparseWeight(n, params[export.ours_to_torch[n]], buffers[export.ours_to_torch[n] + MASK_SUFFIX]) for n in order
        ]
        self.torch_to_ours = {t: o for o, t in export.ours_to_torch.items()}
        self.optimizer = self._make_optimizer()
        self.lr_at = make_schedule(self.run)
        self.dst = DstSchedule(self.run["steps"], self.run["updateInterval"], self.run["dropFraction"], self.run["endFraction"])
        flops = config.get("flops", {})
        self.training_flops = float(flops.get("trainingFlops", 0))
        self.executed_flops = float(flops.get("executedFlops", 0))
        self.cost = self._step_cost()
        # Last resort: the page's own data when running from a checkout of this repository.
        fallback = REPO_DATA if os.path.isdir(REPO_DATA) else None
        self.source = data_mod.make_source(config, self.run_dir, data_dir, data_files, eval_samples, fallback)

    def _make_optimizer(self):
        run = self.run
        named = list(self.model.named_parameters())
        if run["optimizer"] == "sgd":
            opt = torch.optim.SGD(
                [p for _, p in named],
                lr=run["lr"],
                momentum=run["momentum"],
                nesterov=run["nesterov"] and run["momentum"] > 0,
                weight_decay=run["weightDecay"],
            )
        else:
            # nanoGPT's groups, as makeOptimizer: decay matrices and embeddings, not biases and gains.
            opt = torch.optim.AdamW(
                [
                    {"params": [p for _, p in named if p.dim() >= 2], "weight_decay": run["weightDecay"]},
                    {"params": [p for _, p in named if p.dim() < 2], "weight_decay": 0.0},
                ],
                lr=run["lr"],
                betas=(0.9, 0.95),
                eps=1e-8,
            )
        tensors = self.export.tensors
        kinds = ["momentum_buffer"] if run["optimizer"] == "sgd" else ["exp_avg", "exp_avg_sq"]
        self.restored_state = False
        for tname, p in named:
            ours = self.torch_to_ours[tname]
            keys = [f"{OPTIMIZER_PREFIX}{ours}.{k}" for k in kinds]
            if run["optimizer"] == "sgd" and run["momentum"] == 0:
                continue
            if not all(k in tensors for k in keys):
                continue
            state = {k: tensors[key].to(self.device, torch.float32).clone() for k, key in zip(kinds, keys)}
            if run["optimizer"] == "adamw":
                step_key = f"{OPTIMIZER_PREFIX}{ours}.step"
                # Exports from before step counts were saved: every parameter stepped every step.
                steps = float(tensors[step_key].reshape(-1)[0]) if step_key in tensors else float(self.step)
                state["step"] = torch.tensor(steps)
            opt.state[p] = state
            self.restored_state = True
        return opt

    def _step_cost(self):
        """Per-step (theoretical, executed) FLOPs of a regular and an update step. Executed counts
        what PyTorch runs: masked dense kernels, every sparse layer at its dense-equivalent size."""
        c = self.config.get("stepFlops")
        batch = self.run["batchSize"]
        if c:
            regular, update = c["regular"]["theoretical"], c["update"]["theoretical"]
            dense_equivalent = update - (2 / 3) * regular  # 2 B D, from 2 B (2 F + D) and 2 B 3 F
        else:
            regular = 6 * batch * self.config["flops"]["forwardMacsPerSample"]
            update, dense_equivalent = regular, regular / 3
        executed = 3 * dense_equivalent
        return {False: (regular, executed), True: (update, executed)}

    # --- one step -----------------------------------------------------------------------------
    def mask_state(self, w):
        return [v for k, v in self.optimizer.state.get(w.param, {}).items() if k != "step"]

    def is_update_step(self, step):
        return self.run["method"] != "static" and bool(self.sparse) and self.dst.is_update_step(step)

    def train_step(self, forward, x, y):
        """Step self.step + 1 on (x, y); returns this rank's batch-mean loss and the logits."""
        step = self.step + 1
        is_update = self.is_update_step(step)
        self.model.train()
        logits = forward(x)
        loss = F.cross_entropy(logits, y)
        loss.backward()
        with torch.no_grad():
            if is_update:
                fraction = self.dst.drop_fraction(step)
                for i, w in enumerate(self.sparse):
                    if self.run["method"] == "rigl":
                        grow = ("gradient", w.param.grad)
                    else:
                        grow = ("random", set_seed(self.run["seed"], i, step))
                    drop_and_grow(w.param, w.mask, fraction, grow, self.mask_state(w))
            for w in self.sparse:
                w.param.grad.masked_fill_(w.off, 0)
            if self.run["gradClip"] > 0:
                torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.run["gradClip"])
            for group in self.optimizer.param_groups:
                group["lr"] = self.lr_at(step - 1)
            self.optimizer.step()
            for w in self.sparse:
                w.param.masked_fill_(w.off, 0)
                for s in self.mask_state(w):
                    s.masked_fill_(w.off, 0)
        self.optimizer.zero_grad(set_to_none=True)
        self.step = step
        theoretical, executed = self.cost[is_update]
        self.training_flops += theoretical
        self.executed_flops += executed
        return loss.detach(), logits.detach()

    def evaluate(self):
        self.model.eval()
        loss_sum, correct, rows = 0.0, 0, 0
        with torch.no_grad():
            for x, y in self.source.eval_batches():
                x, y = self._to_device(x, y)
                logits = self.model(x)
                loss_sum += float(F.cross_entropy(logits, y, reduction="sum"))
                correct += int((logits.argmax(dim=-1) == y).sum())
                rows += y.numel()
        self.model.train()
        return loss_sum / rows, correct / rows

    def _to_device(self, x, y):
        return x.to(self.device), y.to(self.device)

    def mask_stats(self):
        return [
            {"name": w.name, "active": int((w.mask > 0.5).sum()), "total": w.mask.numel(), "density": float((w.mask > 0.5).float().mean())}
            for w in self.sparse
        ]

    # --- export -------------------------------------------------------------------------------
    def export_to(self, out_dir):
        os.makedirs(out_dir, exist_ok=True)
        tensors = {}
        for tname, t in self.model.state_dict().items():
            if tname.endswith("num_batches_tracked") or tname.endswith(MASK_SUFFIX):
                continue
            tensors[self.torch_to_ours[tname]] = t.to(torch.float32)
        for w in self.sparse:
            tensors[w.name + MASK_SUFFIX] = (w.mask > 0.5).to(torch.uint8)
        for tname, p in self.model.named_parameters():
            ours = self.torch_to_ours[tname]
            for k, v in self.optimizer.state.get(p, {}).items():
                value = v.reshape([]) if k == "step" else v
                tensors[f"{OPTIMIZER_PREFIX}{ours}.{k}"] = value.to(torch.float32)
        config = dict(self.config)
        run = dict(self.config["run"])
        # The page's config must stay valid (steps >= the step reached); the schedule horizon
        # used here is what the run continues with.
        run["steps"] = max(self.run["steps"], self.step)
        run["lr"] = self.run["lr"]
        config["run"] = run
        config["step"] = self.step
        config["flops"] = dict(config["flops"], trainingFlops=self.training_flops, executedFlops=self.executed_flops)
        config["sparseWeights"] = [w.name for w in self.sparse]
        text = json.dumps(config)
        write_safetensors(os.path.join(out_dir, "model.safetensors"), tensors, {"format": config["format"], "config": text})
        with open(os.path.join(out_dir, "config.json"), "w") as f:
            json.dump(config, f, indent=2)
        data_src = os.path.join(self.run_dir, "data")
        if os.path.isdir(data_src) and os.path.abspath(data_src) != os.path.abspath(os.path.join(out_dir, "data")):
            shutil.copytree(data_src, os.path.join(out_dir, "data"), dirs_exist_ok=True)


def masks_checksum(sparse):
    """A position-weighted sum over every mask, equal on all ranks exactly when the masks are."""
    total = torch.zeros((), dtype=torch.float64)
    for i, w in enumerate(sparse):
        on = (w.mask.reshape(-1) > 0.5).to(torch.float64).cpu()
        total += (on * torch.arange(1, on.numel() + 1, dtype=torch.float64)).sum() * (i + 1)
    return total


def run(args, out=sys.stdout):
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if args.device == "cuda" and not torch.cuda.is_available():
        raise SiftError("CUDA_UNAVAILABLE", "--device cuda, but this PyTorch sees no CUDA device; use --device cpu")
    use_cuda = args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available())
    if use_cuda:
        torch.cuda.set_device(local_rank)
    device = f"cuda:{local_rank}" if use_cuda else "cpu"
    if world > 1:
        dist.init_process_group("nccl" if use_cuda else "gloo")
    try:
        c = Continuation(
            args.from_dir,
            device=device,
            lr=args.lr,
            total_steps=args.total_steps,
            data_dir=args.data_dir,
            data_files=args.data_file or (),
            eval_samples=args.eval_samples,
        )
        batch = c.run["batchSize"]
        if batch % world:
            raise SiftError("CONFIG_INVALID", f"batch size {batch} does not split over {world} processes; use a divisor of it")
        shard = slice(rank * batch // world, (rank + 1) * batch // world)
        forward = c.model
        if world > 1:
            # Batch statistics over the global batch, as one process would compute them.
            if use_cuda:
                c.model = torch.nn.SyncBatchNorm.convert_sync_batchnorm(c.model)
            else:
                syncbn.convert(c.model)
            forward = torch.nn.parallel.DistributedDataParallel(c.model, device_ids=[local_rank] if use_cuda else None)
        log = open(args.json, "a") if args.json and rank == 0 else None

        def emit(point):
            if rank == 0:
                line = json.dumps(point)
                if log:
                    log.write(line + "\n")
                if args.verbose:
                    print(line, file=out)

        metrics_every = args.metrics_every or c.run["metricsEvery"]
        eval_every = args.eval_every or c.run["evalEvery"]
        first, last = c.step + 1, c.step + args.steps
        loss_sum = torch.zeros((), device=c.device)
        correct_sum = torch.zeros((), device=c.device)
        window_steps, window_rows, wall, t_window = 0, 0, 0.0, time.perf_counter()
        if rank == 0:
            print(
                f"continuing {c.run['model']} {c.config['transform']} s={c.config['sparsity']} {c.run['method']} "
                f"from step {c.step} for {args.steps} steps on {device} x{world}"
                + ("" if c.restored_state else " (the export has no optimiser state: it starts at zero)"),
                file=sys.stderr,
            )
        for step in range(first, last + 1):
            t0 = time.perf_counter()
            x, y = c.source.batch_at(step - 1)
            # This rank's rows of the global batch (text targets are (B * T), row-major).
            y = y.view(batch, -1)[shard].reshape(-1) if c.task == "language" else y[shard]
            x, y = c._to_device(x[shard], y)
            is_update = c.is_update_step(step)
            loss, logits = c.train_step(forward, x, y)
            loss_sum += loss
            if c.task == "classify":
                correct_sum += (logits.argmax(dim=-1) == y).sum()
            window_steps += 1
            window_rows += y.shape[0]
            if world > 1 and is_update:
                mine = masks_checksum(c.sparse).to(c.device)
                sums = [torch.zeros_like(mine) for _ in range(world)]
                dist.all_gather(sums, mine)
                if any(float(s) != float(sums[0]) for s in sums):
                    raise SiftError("DDP_MASK_DIVERGED", f"ranks chose different masks at step {step}")
            wall += time.perf_counter() - t0
            if step % metrics_every == 0 or step == last:
                stats = torch.stack([loss_sum, correct_sum.to(loss_sum.dtype)])
                if world > 1:
                    dist.all_reduce(stats)
                    stats /= world
                seconds = time.perf_counter() - t_window
                point = {
                    "step": step,
                    "trainingFlops": c.training_flops,
                    "executedFlops": c.executed_flops,
                    "wallMs": wall * 1000,
                    "lr": c.lr_at(max(0, step - 1)),
                    "trainLoss": float(stats[0]) / window_steps,
                }
                if c.task == "classify":
                    point["trainAccuracy"] = float(stats[1]) / window_rows
                if seconds > 0:
                    point["samplesPerSecond"] = window_steps * batch / seconds
                emit(point)
                loss_sum.zero_()
                correct_sum.zero_()
                window_steps, window_rows, t_window = 0, 0, time.perf_counter()
            if (step % eval_every == 0 or step == last) and not args.no_eval:
                if rank == 0:
                    t1 = time.perf_counter()
                    ev_loss, ev_acc = c.evaluate()
                    wall += time.perf_counter() - t1
                    base = {"step": step, "trainingFlops": c.training_flops, "executedFlops": c.executed_flops, "wallMs": wall * 1000, "lr": c.lr_at(max(0, step - 1)), "evalLoss": ev_loss}
                    base.update({"evalAccuracy": ev_acc} if c.task == "classify" else {"evalBitsPerChar": ev_loss / 0.6931471805599453})
                    emit(base)
                    emit({"step": step, "maskStats": c.mask_stats()})
                if world > 1:
                    dist.barrier()
                t_window = time.perf_counter()
        if args.export and rank == 0:
            c.export_to(args.export)
            print(f"exported {os.path.join(args.export, 'model.safetensors')} at step {c.step}", file=sys.stderr)
        if log:
            log.close()
        return c
    finally:
        if world > 1:
            dist.destroy_process_group()


def parse_args(argv=None):
    ap = argparse.ArgumentParser(prog="sift-train", description=__doc__.splitlines()[0])
    ap.add_argument("--from", dest="from_dir", required=True, help="an export folder (model.safetensors, config.json) or its .safetensors file")
    ap.add_argument("--steps", type=int, required=True, help="how many more steps to train")
    ap.add_argument("--lr", type=float, help="base learning rate (the schedule's shape is kept)")
    ap.add_argument("--total-steps", type=int, help="schedule horizon (LR schedule, DST end); default the run's own")
    ap.add_argument("--json", help="append metrics here as JSON lines")
    ap.add_argument("--export", help="write the continued run here, in the page's export layout")
    ap.add_argument("--data-dir", help="folder with the built-in data files (the page's public/data/)")
    ap.add_argument("--data-file", action="append", help="CIFAR archive / .bin batches, or the text file (repeatable)")
    ap.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    ap.add_argument("--metrics-every", type=int, help="default: the run's metricsEvery")
    ap.add_argument("--eval-every", type=int, help="default: the run's evalEvery")
    ap.add_argument("--eval-samples", type=int, help="default: the run's evalSamples")
    ap.add_argument("--no-eval", action="store_true", help="skip evaluation")
    ap.add_argument("--verbose", action="store_true", help="also print metrics to stdout")
    args = ap.parse_args(argv)
    if args.steps < 1:
        ap.error("--steps must be >= 1")
    return args


def main(argv=None):
    args = parse_args(argv)
    try:
        run(args)
    except (SiftError, LoadError) as e:
        print(f"sift-train: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"sift-train: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

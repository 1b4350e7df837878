"""Learning-rate schedules of src/nn/optim/schedule.ts and makeSchedule in src/train/setup.ts, as
functions of the 0-based optimiser step."""
import math


def make_schedule(run):
    lr, steps = run["lr"], run["steps"]
    kind = run["schedule"]
    if kind == "constant":
        return lambda step: lr
    if kind == "multistep":
        # JS Math.round: halves round up.
        milestones = sorted(math.floor(f * steps + 0.5) for f in (0.3, 0.6, 0.8))
        return lambda step: lr * 0.2 ** sum(1 for m in milestones if step >= m)
    if kind == "cosine":
        lr_min = lr / 10
        warmup = min(run["warmupSteps"], steps)

        def cosine(step):
            if step < warmup:
                return (lr * (step + 1)) / warmup
            if step >= steps:
                return lr_min
            progress = (step - warmup) / (steps - warmup)
            return lr_min + 0.5 * (1 + math.cos(math.pi * progress)) * (lr - lr_min)

        return cosine
    raise ValueError(f"unknown schedule {kind!r}")

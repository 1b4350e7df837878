"""Dynamic sparse training exactly as src/sparse/dst/* and shaders/mask-score.wgsl +
mask-select.wgsl: the schedule (update when t % dT == 0 and 0 < t < end, drop fraction
a_t = a0 / 2 * (1 + cos(pi t / end))), and one drop-and-grow per weight:
keep = the (active - drop) active positions of largest |w|; grow = the `drop` positions outside
`keep` of largest |dense grad| (RigL) or random score (SET); ties go to the LOWER flat index;
scores compare as float32. Weights and optimiser state are zeroed where dropped or newly grown."""
import math

import torch

from .rng import random_u32, random_u32_tensor


class DstSchedule:
    def __init__(self, total_steps, update_interval=100, initial_drop_fraction=0.3, end_fraction=0.75):
        self.total_steps = total_steps
        self.update_interval = update_interval
        self.initial_drop_fraction = initial_drop_fraction
        self.end_fraction = end_fraction

    @property
    def end(self):
        return math.floor(self.end_fraction * self.total_steps)

    def is_update_step(self, t):
        return t > 0 and t % self.update_interval == 0 and t < self.end

    def drop_fraction(self, t):
        end = self.end
        if t >= end:
            return 0.0
        return (self.initial_drop_fraction / 2) * (1 + math.cos((math.pi * t) / end))


def drop_count(active, fraction):
    # The epsilon absorbs float error in products meant to be whole, as dropCount does.
    return min(math.floor(fraction * active + 1e-9), active)


def set_seed(run_seed, layer_index, step):
    """A distinct random stream per (run seed, layer, step), as setSeed in set.ts."""
    return random_u32(random_u32(run_seed, layer_index), step)


def score_keys(values):
    """u32 keys that order like |values| as float32 (mask-score.wgsl), + 1 so 0 means 'not a candidate'."""
    bits = values.detach().to(torch.float32).abs().contiguous().view(torch.int32).to(torch.int64)
    return bits + 1


def random_keys(seed, n, device):
    return (random_u32_tensor(seed, torch.arange(n, dtype=torch.int64)) >> 1).to(device) + 1


def top_k(keys, k):
    """Bool flags of the k largest keys (> 0), ties to the lower index, as mask-select.wgsl."""
    chosen = torch.zeros_like(keys, dtype=torch.bool)
    if k <= 0:
        return chosen
    # Sorting -keys ascending with a stable sort puts equal keys in index order.
    order = torch.sort(-keys, stable=True).indices[:k]
    if keys[order[-1]] <= 0:
        raise RuntimeError(f"top_k: asked for {k} of {int((keys > 0).sum())} candidates")
    chosen[order] = True
    return chosen


def drop_and_grow(weight, mask, fraction, grow, optimizer_state=()):
    """One update of one weight, in place (weight, mask, optimizer_state). `grow` is
    ('gradient', dense_grad) or ('random', seed). Returns how many weights were dropped (= grown)."""
    flat_mask = mask.view(-1)
    active = int((flat_mask > 0.5).sum())
    dropped = drop_count(active, fraction)
    if dropped == 0:
        return 0
    on = flat_mask > 0.5
    keep = top_k(torch.where(on, score_keys(weight.view(-1)), torch.zeros((), dtype=torch.int64, device=mask.device)), active - dropped)
    if grow[0] == "gradient":
        grow_keys = score_keys(grow[1].reshape(-1))
    else:
        grow_keys = random_keys(grow[1], flat_mask.numel(), mask.device)
    grown = top_k(torch.where(keep, torch.zeros((), dtype=torch.int64, device=mask.device), grow_keys), dropped)
    new_on = keep | grown
    retain = (on & new_on).view(mask.shape)
    with torch.no_grad():
        for t in (weight, *optimizer_state):
            t.masked_fill_(~retain, 0)
        mask.copy_(new_on.view(mask.shape).to(mask.dtype))
    return dropped

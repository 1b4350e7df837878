// CPU reference for the optimiser updates, float64, written from PyTorch's documented algorithms
// (torch.optim.SGD with dampening 0, torch.optim.AdamW with amsgrad off), with SIFT's masking
// (gradient before the update, weight and state after) and weight decay by element range.
import { SiftError } from '../common/errors';
import {
  MAX_DECAY_RANGES,
  type AdamWParams,
  type DecayRange,
  type SgdParams,
  type Storage,
} from '../tensor/backend';
import { cpu } from './storage';

function gradFactor(p: { gradScale: number; gradScaleBuffer?: Storage }): number {
  return p.gradScale * (p.gradScaleBuffer ? cpu(p.gradScaleBuffer)[0] : 1);
}

/** Weight decay of every element: one value, or by range (the last range covers the rest). */
function decayOf(
  n: number,
  p: { weightDecay: number; decayRanges?: readonly DecayRange[] },
): Float64Array {
  const out = new Float64Array(n).fill(p.weightDecay);
  const ranges = p.decayRanges ?? [];
  if (ranges.length > MAX_DECAY_RANGES) {
    throw new SiftError('INVALID_ARGUMENT', `at most ${MAX_DECAY_RANGES} weight decay ranges`);
  }
  let start = 0;
  ranges.forEach((r, k) => {
    const end = k === ranges.length - 1 ? n : Math.min(n, r.end);
    for (let i = start; i < end; i++) out[i] = r.weightDecay;
    start = Math.max(start, end);
  });
  return out;
}

const maskOf = (n: number, mask?: Storage): Float64Array =>
  mask ? cpu(mask) : new Float64Array(n).fill(1);

/**
 * d = g * scale + wd * w; with momentum: buf = momentum * buf + d (buf starts at 0, which equals
 * PyTorch's buf = d on the first step), d = nesterov ? d + momentum * buf : buf; w -= lr * d.
 */
export function sgdStep(w: Storage, g: Storage, momentum: Storage | null, p: SgdParams): void {
  const ws = cpu(w);
  const gs = cpu(g);
  const bs = momentum ? cpu(momentum) : null;
  const scale = gradFactor(p);
  const decay = decayOf(ws.length, p);
  const keep = maskOf(ws.length, p.mask);
  for (let i = 0; i < ws.length; i++) {
    let d = gs[i] * keep[i] * scale + decay[i] * ws[i];
    if (bs) {
      bs[i] = p.momentum * bs[i] + d;
      d = p.nesterov ? d + p.momentum * bs[i] : bs[i];
      bs[i] *= keep[i];
    }
    ws[i] = (ws[i] - p.lr * d) * keep[i];
  }
}

/** AdamW: w *= 1 - lr * wd; m, v moving averages; w -= lr * mhat / (sqrt(vhat) + eps). */
export function adamwStep(w: Storage, g: Storage, m: Storage, v: Storage, p: AdamWParams): void {
  if (!(p.step >= 1))
    throw new SiftError('INVALID_ARGUMENT', `adamwStep: step ${p.step} must be >= 1`);
  const ws = cpu(w);
  const gs = cpu(g);
  const ms = cpu(m);
  const vs = cpu(v);
  const scale = gradFactor(p);
  const decay = decayOf(ws.length, p);
  const keep = maskOf(ws.length, p.mask);
  for (let i = 0; i < ws.length; i++) {
    const grad = gs[i] * keep[i] * scale;
    ws[i] *= 1 - p.lr * decay[i];
    ms[i] = p.beta1 * ms[i] + (1 - p.beta1) * grad;
    vs[i] = p.beta2 * vs[i] + (1 - p.beta2) * grad * grad;
    const mHat = ms[i] / (1 - p.beta1 ** p.step);
    const vHat = vs[i] / (1 - p.beta2 ** p.step);
    ws[i] = (ws[i] - (p.lr * mHat) / (Math.sqrt(vHat) + p.eps)) * keep[i];
    ms[i] *= keep[i];
    vs[i] *= keep[i];
  }
}

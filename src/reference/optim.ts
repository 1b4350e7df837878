// CPU reference for the optimiser updates, float64, written from PyTorch's documented algorithms
// (torch.optim.SGD with dampening 0, torch.optim.AdamW with amsgrad off).
import { SiftError } from '../common/errors';
import type { AdamWParams, SgdParams, Storage } from '../tensor/backend';
import { cpu } from './storage';

function gradFactor(p: { gradScale: number; gradScaleBuffer?: Storage }): number {
  return p.gradScale * (p.gradScaleBuffer ? cpu(p.gradScaleBuffer)[0] : 1);
}

/**
 * d = g * scale + wd * w; with momentum: buf = momentum * buf + d (buf starts at 0, which equals
 * PyTorch's buf = d on the first step), d = nesterov ? d + momentum * buf : buf; w -= lr * d.
 */
export function sgdStep(w: Storage, g: Storage, momentum: Storage | null, p: SgdParams): void {
  const ws = cpu(w);
  const gs = cpu(g);
  const bs = momentum ? cpu(momentum) : null;
  const scale = gradFactor(p);
  for (let i = 0; i < ws.length; i++) {
    let d = gs[i] * scale + p.weightDecay * ws[i];
    if (bs) {
      bs[i] = p.momentum * bs[i] + d;
      d = p.nesterov ? d + p.momentum * bs[i] : bs[i];
    }
    ws[i] -= p.lr * d;
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
  for (let i = 0; i < ws.length; i++) {
    const grad = gs[i] * scale;
    ws[i] *= 1 - p.lr * p.weightDecay;
    ms[i] = p.beta1 * ms[i] + (1 - p.beta1) * grad;
    vs[i] = p.beta2 * vs[i] + (1 - p.beta2) * grad * grad;
    const mHat = ms[i] / (1 - p.beta1 ** p.step);
    const vHat = vs[i] / (1 - p.beta2 ** p.step);
    ws[i] -= (p.lr * mHat) / (Math.sqrt(vHat) + p.eps);
  }
}

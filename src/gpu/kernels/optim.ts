// Optimiser updates in place on a parameter and its state, or on arenas holding every parameter
// (one dispatch for all): SGD (momentum, Nesterov) and AdamW, PyTorch semantics, SIFT's mask and
// per-group weight decay in the same pass. The gradient factor may come from a 1-element device buffer (global-norm
// clipping computed on the GPU), so a clipped step needs no readback.
import sgdSource from '../../../shaders/sgd.wgsl?raw';
import adamwSource from '../../../shaders/adamw.wgsl?raw';
import libWeightDecay from '../../../shaders/lib-weight-decay.wgsl?raw';
import { SiftError } from '../../common/errors';
import {
  MAX_DECAY_RANGES,
  type AdamWParams,
  type DecayRange,
  type SgdParams,
  type Storage,
} from '../../tensor/backend';
import type { GpuContext } from '../context';
import { ceilDiv, defineKernel, grid1d } from '../kernel';
import { buf } from '../storage';

const WG = 256;

// Params' last member, `decay: DecayRanges` (lib-weight-decay.wgsl), at a 16-byte offset.
const DECAY_FIELDS = [
  ['end0', 'u32'],
  ['end1', 'u32'],
  ['end2', 'u32'],
  ['decay0', 'f32'],
  ['decay1', 'f32'],
  ['decay2', 'f32'],
  ['decay3', 'f32'],
] as const;

/** The shaders' weight_decay(i) fields from one decay or up to MAX_DECAY_RANGES ranges. */
function decayParams(
  n: number,
  weightDecay: number,
  ranges: readonly DecayRange[] = [{ end: n, weightDecay }],
): Record<string, number> {
  if (ranges.length === 0 || ranges.length > MAX_DECAY_RANGES) {
    throw new SiftError(
      'INVALID_ARGUMENT',
      `optimiser step: 1 to ${MAX_DECAY_RANGES} weight decay ranges, got ${ranges.length}`,
    );
  }
  const last = ranges[ranges.length - 1];
  const at = (k: number) => ranges[k] ?? last;
  // Ranges past the last one are empty: their end is the last real end, then n.
  const end = (k: number) => (k < ranges.length - 1 ? Math.min(n, ranges[k].end) : n);
  return {
    end0: end(0),
    end1: end(1),
    end2: end(2),
    decay0: at(0).weightDecay,
    decay1: at(1).weightDecay,
    decay2: at(2).weightDecay,
    decay3: at(3).weightDecay,
  };
}

export const sgdKernel = defineKernel({
  name: 'sgd_step',
  source: libWeightDecay + sgdSource,
  entryPoint: 'sgd_step',
  bindings: ['write', 'read', 'write', 'read', 'read'],
  params: [
    ['n', 'u32'],
    ['lr', 'f32'],
    ['momentum', 'f32'],
    ['grad_scale', 'f32'],
    ...DECAY_FIELDS,
  ],
});

export const adamwKernel = defineKernel({
  name: 'adamw_step',
  source: libWeightDecay + adamwSource,
  entryPoint: 'adamw_step',
  bindings: ['write', 'read', 'write', 'write', 'read', 'read'],
  params: [
    ['n', 'u32'],
    ['lr', 'f32'],
    ['beta1', 'f32'],
    ['beta2', 'f32'],
    ['eps', 'f32'],
    ['bias1', 'f32'],
    ['sqrt_bias2', 'f32'],
    ['grad_scale', 'f32'],
    ...DECAY_FIELDS,
  ],
});

/**
 * w (n) -= lr * update from g (n), with an optional momentum buffer (n) updated in place.
 * Without momentum the shader leaves that slot unread; a writable slot may not alias w, so a
 * 1-element placeholder from the pool fills it. Without gradScaleBuffer, g fills the (read-only,
 * unread) scale slot.
 */
export function sgdStep(
  ctx: GpuContext,
  w: Storage,
  g: Storage,
  momentum: Storage | null,
  p: SgdParams,
): void {
  const momentumSlot = momentum ? buf(momentum) : ctx.alloc(1, 'sgd.no_momentum').buffer;
  const scaleSlot = p.gradScaleBuffer ? buf(p.gradScaleBuffer) : buf(g);
  const maskSlot = p.mask ? buf(p.mask) : buf(g);
  ctx.rt.dispatch(
    sgdKernel,
    [buf(w), buf(g), momentumSlot, scaleSlot, maskSlot],
    {
      n: w.size,
      lr: p.lr,
      momentum: p.momentum,
      grad_scale: p.gradScale,
      ...decayParams(w.size, p.weightDecay, p.decayRanges),
    },
    grid1d(ceilDiv(w.size, WG)),
    {
      HAS_MOMENTUM: momentum !== null,
      NESTEROV: p.nesterov,
      HAS_SCALE_BUFFER: !!p.gradScaleBuffer,
      HAS_MASK: !!p.mask,
    },
  );
  // Safe to recycle at once: the shader never touches it, and later dispatches are ordered after.
  if (!momentum) ctx.rt.pool.release(momentumSlot);
}

/** AdamW on w (n) with first and second moments m, v (n), all updated in place. */
export function adamwStep(
  ctx: GpuContext,
  w: Storage,
  g: Storage,
  m: Storage,
  v: Storage,
  p: AdamWParams,
): void {
  if (!(p.step >= 1)) {
    throw new SiftError('INVALID_ARGUMENT', `adamwStep: step ${p.step} must be >= 1 (1-based)`);
  }
  const scaleSlot = p.gradScaleBuffer ? buf(p.gradScaleBuffer) : buf(g);
  const maskSlot = p.mask ? buf(p.mask) : buf(g);
  ctx.rt.dispatch(
    adamwKernel,
    [buf(w), buf(g), buf(m), buf(v), scaleSlot, maskSlot],
    {
      n: w.size,
      lr: p.lr,
      beta1: p.beta1,
      beta2: p.beta2,
      eps: p.eps,
      bias1: 1 - p.beta1 ** p.step,
      sqrt_bias2: Math.sqrt(1 - p.beta2 ** p.step),
      grad_scale: p.gradScale,
      ...decayParams(w.size, p.weightDecay, p.decayRanges),
    },
    grid1d(ceilDiv(w.size, WG)),
    { HAS_SCALE_BUFFER: !!p.gradScaleBuffer, HAS_MASK: !!p.mask },
  );
}

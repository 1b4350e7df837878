// Optimiser updates in place on a parameter and its state: SGD (momentum, Nesterov) and AdamW,
// PyTorch semantics. The gradient factor may come from a 1-element device buffer (global-norm
// clipping computed on the GPU), so a clipped step needs no readback.
import sgdSource from '../../../shaders/sgd.wgsl?raw';
import adamwSource from '../../../shaders/adamw.wgsl?raw';
import { SiftError } from '../../common/errors';
import type { AdamWParams, SgdParams, Storage } from '../../tensor/backend';
import type { GpuContext } from '../context';
import { ceilDiv, defineKernel, grid1d } from '../kernel';
import { buf } from '../storage';

const WG = 256;

export const sgdKernel = defineKernel({
  name: 'sgd_step',
  source: sgdSource,
  entryPoint: 'sgd_step',
  bindings: ['write', 'read', 'write', 'read'],
  params: [
    ['n', 'u32'],
    ['lr', 'f32'],
    ['momentum', 'f32'],
    ['weight_decay', 'f32'],
    ['grad_scale', 'f32'],
  ],
});

export const adamwKernel = defineKernel({
  name: 'adamw_step',
  source: adamwSource,
  entryPoint: 'adamw_step',
  bindings: ['write', 'read', 'write', 'write', 'read'],
  params: [
    ['n', 'u32'],
    ['lr', 'f32'],
    ['beta1', 'f32'],
    ['beta2', 'f32'],
    ['eps', 'f32'],
    ['weight_decay', 'f32'],
    ['bias1', 'f32'],
    ['sqrt_bias2', 'f32'],
    ['grad_scale', 'f32'],
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
  ctx.rt.dispatch(
    sgdKernel,
    [buf(w), buf(g), momentumSlot, scaleSlot],
    {
      n: w.size,
      lr: p.lr,
      momentum: p.momentum,
      weight_decay: p.weightDecay,
      grad_scale: p.gradScale,
    },
    grid1d(ceilDiv(w.size, WG)),
    {
      HAS_MOMENTUM: momentum !== null,
      NESTEROV: p.nesterov,
      HAS_SCALE_BUFFER: !!p.gradScaleBuffer,
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
  ctx.rt.dispatch(
    adamwKernel,
    [buf(w), buf(g), buf(m), buf(v), scaleSlot],
    {
      n: w.size,
      lr: p.lr,
      beta1: p.beta1,
      beta2: p.beta2,
      eps: p.eps,
      weight_decay: p.weightDecay,
      bias1: 1 - p.beta1 ** p.step,
      sqrt_bias2: Math.sqrt(1 - p.beta2 ** p.step),
      grad_scale: p.gradScale,
    },
    grid1d(ceilDiv(w.size, WG)),
    { HAS_SCALE_BUFFER: !!p.gradScaleBuffer },
  );
}

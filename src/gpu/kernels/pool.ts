// 2-D pooling over planes (N * C, H, W): max (with argmax for the backward) and average
// (count_include_pad). Both backward passes gather per input pixel, so no float atomics.
import maxSource from '../../../shaders/pool-max.wgsl?raw';
import maxBackwardSource from '../../../shaders/pool-max-backward.wgsl?raw';
import avgSource from '../../../shaders/pool-avg.wgsl?raw';
import type { Pool2dPlan, Storage } from '../../tensor/backend';
import type { GpuContext } from '../context';
import { ceilDiv, defineKernel, grid1d, type ParamType } from '../kernel';
import { buf } from '../storage';

const WG = 256;

const poolParams: readonly (readonly [string, ParamType])[] = [
  ['total', 'u32'],
  ['in_h', 'u32'],
  ['in_w', 'u32'],
  ['kernel', 'u32'],
  ['stride', 'u32'],
  ['pad', 'u32'],
  ['out_h', 'u32'],
  ['out_w', 'u32'],
];

export const maxPoolKernel = defineKernel({
  name: 'max_pool_forward',
  source: maxSource,
  entryPoint: 'max_pool_forward',
  bindings: ['read', 'write', 'write'],
  params: poolParams,
});

export const maxPoolBackwardKernel = defineKernel({
  name: 'max_pool_backward',
  source: maxBackwardSource,
  entryPoint: 'max_pool_backward',
  bindings: ['read', 'read', 'write'],
  params: poolParams,
});

export const avgPoolKernel = defineKernel({
  name: 'avg_pool_forward',
  source: avgSource,
  entryPoint: 'avg_pool_forward',
  bindings: ['read', 'write'],
  params: poolParams,
});

export const avgPoolBackwardKernel = defineKernel({
  name: 'avg_pool_backward',
  source: avgSource,
  entryPoint: 'avg_pool_backward',
  bindings: ['read', 'write'],
  params: poolParams,
});

function paramsOf(plan: Pool2dPlan, total: number): Record<string, number> {
  return {
    total,
    in_h: plan.inHeight,
    in_w: plan.inWidth,
    kernel: plan.kernel,
    stride: plan.stride,
    pad: plan.pad,
    out_h: plan.outHeight,
    out_w: plan.outWidth,
  };
}

const outSize = (p: Pool2dPlan): number => p.planes * p.outHeight * p.outWidth;
const inSize = (p: Pool2dPlan): number => p.planes * p.inHeight * p.inWidth;

/** x (planes, H, W) -> out (planes, OH, OW) and argmax (index ih * W + iw in the plane, as float). */
export function maxPool(
  ctx: GpuContext,
  x: Storage,
  plan: Pool2dPlan,
): { out: Storage; argmax: Storage } {
  const total = outSize(plan);
  const out = ctx.alloc(total, 'max_pool.out');
  const argmax = ctx.alloc(total, 'max_pool.argmax');
  ctx.rt.dispatch(
    maxPoolKernel,
    [buf(x), out.buffer, argmax.buffer],
    paramsOf(plan, total),
    grid1d(ceilDiv(total, WG)),
  );
  return { out, argmax };
}

/** dy (planes, OH, OW) + argmax -> dx (planes, H, W). */
export function maxPoolBackward(
  ctx: GpuContext,
  dy: Storage,
  argmax: Storage,
  plan: Pool2dPlan,
): Storage {
  const total = inSize(plan);
  const dx = ctx.alloc(total, 'max_pool.dx');
  ctx.rt.dispatch(
    maxPoolBackwardKernel,
    [buf(dy), buf(argmax), dx.buffer],
    paramsOf(plan, total),
    grid1d(ceilDiv(total, WG)),
  );
  return dx;
}

/** x (planes, H, W) -> out (planes, OH, OW), divisor kernel^2 (padding included). */
export function avgPool(ctx: GpuContext, x: Storage, plan: Pool2dPlan): Storage {
  const total = outSize(plan);
  const out = ctx.alloc(total, 'avg_pool.out');
  ctx.rt.dispatch(
    avgPoolKernel,
    [buf(x), out.buffer],
    paramsOf(plan, total),
    grid1d(ceilDiv(total, WG)),
  );
  return out;
}

/** dy (planes, OH, OW) -> dx (planes, H, W). */
export function avgPoolBackward(ctx: GpuContext, dy: Storage, plan: Pool2dPlan): Storage {
  const total = inSize(plan);
  const dx = ctx.alloc(total, 'avg_pool.dx');
  ctx.rt.dispatch(
    avgPoolBackwardKernel,
    [buf(dy), dx.buffer],
    paramsOf(plan, total),
    grid1d(ceilDiv(total, WG)),
  );
  return dx;
}

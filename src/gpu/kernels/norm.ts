// Layer norm (over the last axis of (rows, cols)) and batch norm (over n and spatial of
// (n, channels, spatial)) kernels, forward and backward, following llm.c's layernorm kernels.
// Each reduction is one workgroup per row or channel with a shared-memory tree, looping over
// however many values it owns (131072 per channel for a batch of 128 at 32x32).
import layerNormSource from '../../../shaders/layernorm.wgsl?raw';
import layerNormBackwardSource from '../../../shaders/layernorm-backward.wgsl?raw';
import layerNormParamGradsSource from '../../../shaders/layernorm-param-grads.wgsl?raw';
import batchNormSource from '../../../shaders/batchnorm.wgsl?raw';
import batchNormApplySource from '../../../shaders/batchnorm-apply.wgsl?raw';
import batchNormBackwardSource from '../../../shaders/batchnorm-backward.wgsl?raw';
import libWorkgroupReduce from '../../../shaders/lib-workgroup-reduce.wgsl?raw';
import type {
  BatchNormBackwardArgs,
  BatchNormGrads,
  BatchNormPlan,
  BatchNormTrainArgs,
  NormGrads,
  NormStats,
  Storage,
  BatchNormApplyArgs,
  BatchNormShape,
  LayerNormBackwardArgs,
  LayerNormArgs,
  LayerNormPlan,
} from '../../tensor/backend';
import type { GpuContext } from '../context';
import { ceilDiv, defineKernel, grid1d, reductionThreads } from '../kernel';
import { buf } from '../storage';
import { fill } from './elementwise';

// layernorm_param_grads: columns per workgroup x threads per column (32 x 8 = 256 threads).
const PARAM_TILE_C = 32;
const PARAM_ROW_LANES = 8;
const ELEMENTWISE_THREADS = 256;

export const layerNormForwardKernel = defineKernel({
  name: 'layernorm_forward',
  source: libWorkgroupReduce + layerNormSource,
  entryPoint: 'layernorm_forward',
  bindings: ['read', 'read', 'read', 'write', 'write', 'write'],
  params: [
    ['rows', 'u32'],
    ['cols', 'u32'],
    ['eps', 'f32'],
  ],
});

export const layerNormBackwardKernel = defineKernel({
  name: 'layernorm_backward',
  source: libWorkgroupReduce + layerNormBackwardSource,
  entryPoint: 'layernorm_backward',
  bindings: ['read', 'read', 'read', 'read', 'read', 'write'],
  params: [
    ['rows', 'u32'],
    ['cols', 'u32'],
  ],
});

export const layerNormParamGradsKernel = defineKernel({
  name: 'layernorm_param_grads',
  source: layerNormParamGradsSource,
  entryPoint: 'layernorm_param_grads',
  bindings: ['read', 'read', 'read', 'read', 'write', 'write'],
  params: [
    ['rows', 'u32'],
    ['cols', 'u32'],
  ],
  constants: { TILE_C: PARAM_TILE_C, ROW_LANES: PARAM_ROW_LANES },
});

export const batchNormTrainKernel = defineKernel({
  name: 'batchnorm_train_forward',
  source: libWorkgroupReduce + batchNormSource,
  entryPoint: 'batchnorm_train_forward',
  bindings: ['read', 'read', 'read', 'read', 'write', 'write', 'write', 'write', 'write'],
  params: [
    ['n', 'u32'],
    ['channels', 'u32'],
    ['spatial', 'u32'],
    ['eps', 'f32'],
    ['momentum', 'f32'],
    ['branches', 'u32'],
  ],
});

export const batchNormApplyKernel = defineKernel({
  name: 'batchnorm_apply',
  source: batchNormApplySource,
  entryPoint: 'batchnorm_apply',
  bindings: ['read', 'read', 'read', 'read', 'read', 'write'],
  params: [
    ['total', 'u32'],
    ['channels', 'u32'],
    ['spatial', 'u32'],
  ],
});

export const batchNormBackwardKernel = defineKernel({
  name: 'batchnorm_backward',
  source: libWorkgroupReduce + batchNormBackwardSource,
  entryPoint: 'batchnorm_backward',
  bindings: ['read', 'read', 'read', 'read', 'read', 'read', 'write', 'write', 'write', 'write'],
  params: [
    ['n', 'u32'],
    ['channels', 'u32'],
    ['spatial', 'u32'],
    ['branches', 'u32'],
  ],
});

/**
 * Layer norm over the last axis: x (rows, cols), gamma and beta (cols) -> out (rows, cols),
 * mean and rstd (rows), with biased variance and rstd = 1 / sqrt(var + eps).
 */
export function layerNorm(
  ctx: GpuContext,
  { x, gamma, beta }: LayerNormArgs,
  { rows, cols, eps }: LayerNormPlan,
): NormStats {
  const out = ctx.alloc(rows * cols);
  const mean = ctx.alloc(rows);
  const rstd = ctx.alloc(rows);
  if (rows * cols > 0) {
    ctx.rt.dispatch(
      layerNormForwardKernel,
      [buf(x), buf(gamma), buf(beta), out.buffer, mean.buffer, rstd.buffer],
      { rows, cols, eps },
      grid1d(rows),
      { WG: reductionThreads(cols) },
    );
  }
  return { out, mean, rstd };
}

/**
 * Layer norm backward: x, dy (rows, cols), gamma (cols), mean and rstd (rows) from the forward
 * pass -> dx (rows, cols), dgamma and dbeta (cols). Two dispatches: dx by rows, the parameter
 * gradients by columns.
 */
export function layerNormBackward(
  ctx: GpuContext,
  { x, gamma, dy, mean, rstd }: LayerNormBackwardArgs,
  rows: number,
  cols: number,
): NormGrads {
  const dx = ctx.alloc(rows * cols);
  if (rows === 0 || cols === 0) {
    return { dx, dgamma: zeros(ctx, cols), dbeta: zeros(ctx, cols) };
  }
  const dgamma = ctx.alloc(cols);
  const dbeta = ctx.alloc(cols);
  ctx.rt.dispatch(
    layerNormBackwardKernel,
    [buf(x), buf(gamma), buf(dy), buf(mean), buf(rstd), dx.buffer],
    { rows, cols },
    grid1d(rows),
    { WG: reductionThreads(cols) },
  );
  ctx.rt.dispatch(
    layerNormParamGradsKernel,
    [buf(x), buf(dy), buf(mean), buf(rstd), dgamma.buffer, dbeta.buffer],
    { rows, cols },
    grid1d(ceilDiv(cols, PARAM_TILE_C)),
  );
  return { dx, dgamma, dbeta };
}

/**
 * Training-mode batch norm: x (n, channels, spatial), gamma and beta (channels) -> out
 * (n, channels / branches, spatial), per-channel batch mean and rstd (biased variance, eps
 * inside the root).
 */
export function batchNormTrain(
  ctx: GpuContext,
  args: BatchNormTrainArgs,
  plan: BatchNormPlan,
): NormStats {
  const { n, channels, spatial, branches } = plan;
  const out = ctx.alloc((n * channels * spatial) / branches);
  const mean = ctx.alloc(channels);
  const rstd = ctx.alloc(channels);
  if (n * channels * spatial > 0) {
    const residual = plan.residual ? args.residual : args.x;
    if (!residual) throw new Error('batchNormTrain: plan.residual without a residual storage');
    ctx.rt.dispatch(
      batchNormTrainKernel,
      [
        buf(args.x),
        buf(args.gamma),
        buf(args.beta),
        buf(residual),
        out.buffer,
        mean.buffer,
        rstd.buffer,
        buf(args.runningMean),
        buf(args.runningVar),
      ],
      { n, channels, spatial, eps: plan.eps, momentum: plan.momentum, branches },
      grid1d(channels / branches),
      { WG: reductionThreads(n * spatial), HAS_RESIDUAL: plan.residual, RELU: plan.relu },
    );
  }
  return { out, mean, rstd };
}

/** Eval-mode batch norm with given per-channel mean and rstd: x (n, channels, spatial) -> out. */
export function batchNormApply(
  ctx: GpuContext,
  { x, gamma, beta, mean, rstd }: BatchNormApplyArgs,
  { n, channels, spatial }: BatchNormShape,
): Storage {
  const total = n * channels * spatial;
  const out = ctx.alloc(total);
  if (total > 0) {
    ctx.rt.dispatch(
      batchNormApplyKernel,
      [buf(x), buf(gamma), buf(beta), buf(mean), buf(rstd), out.buffer],
      { total, channels, spatial },
      grid1d(ceilDiv(total, ELEMENTWISE_THREADS)),
    );
  }
  return out;
}

/**
 * Training-mode batch norm backward, through the fused ReLU when plan.relu: x (n, channels,
 * spatial), dy and out (n, channels / branches, spatial), gamma, batch mean and rstd (channels)
 * -> dx (n, channels, spatial), dgamma and dbeta (channels), and the residual's gradient
 * (dy's shape) when plan.residual and plan.relu. One dispatch.
 */
export function batchNormBackward(
  ctx: GpuContext,
  args: BatchNormBackwardArgs,
  plan: BatchNormPlan,
): BatchNormGrads {
  const { n, channels, spatial, branches } = plan;
  const size = n * channels * spatial;
  const dx = ctx.alloc(size);
  const writeDz = plan.residual && plan.relu;
  if (n * spatial === 0 || channels === 0) {
    return {
      dx,
      dgamma: zeros(ctx, channels),
      dbeta: zeros(ctx, channels),
      dresidual: writeDz ? ctx.alloc(size / branches) : null,
    };
  }
  const dgamma = ctx.alloc(channels);
  const dbeta = ctx.alloc(channels);
  // A writable slot may not alias another binding: without dz a 1-element placeholder fills it.
  const dz = ctx.alloc(writeDz ? size / branches : 1, 'batchnorm.dz');
  ctx.rt.dispatch(
    batchNormBackwardKernel,
    [
      buf(args.x),
      buf(args.gamma),
      buf(args.dy),
      buf(args.mean),
      buf(args.rstd),
      buf(plan.relu ? args.out : args.x),
      dx.buffer,
      dgamma.buffer,
      dbeta.buffer,
      dz.buffer,
    ],
    { n, channels, spatial, branches },
    grid1d(channels),
    { WG: reductionThreads(n * spatial), RELU: plan.relu, WRITE_DZ: writeDz },
  );
  // Safe to recycle at once: the shader never touches it, and later dispatches are ordered after.
  if (!writeDz) ctx.rt.pool.release(dz.buffer);
  return { dx, dgamma, dbeta, dresidual: writeDz ? dz : null };
}

// Gradients of parameters that saw no data are zero, not whatever the pool buffer held.
function zeros(ctx: GpuContext, size: number): Storage {
  const s = ctx.alloc(size);
  if (size > 0) fill(ctx.rt, s.buffer, size, 0);
  return s;
}

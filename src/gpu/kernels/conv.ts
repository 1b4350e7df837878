// Convolution kernels. Dense weights: implicit GEMM, one dispatch per product reading x / dy in
// NCHW and W in OIHW (shaders/conv-forward.wgsl, conv-input-grad.wgsl, conv-weight-grad.wgsl).
// im2col (x -> patch matrix) serves RigL's dense weight gradient on the compressed path
// (src/ops/sparse-conv.ts).
import { isSoftwareAdapter } from '../../common/adapter';
import libConvTap from '../../../shaders/lib-conv-tap.wgsl?raw';
import convForwardSource from '../../../shaders/conv-forward.wgsl?raw';
import convInputGradSource from '../../../shaders/conv-input-grad.wgsl?raw';
import convWeightGradSource from '../../../shaders/conv-weight-grad.wgsl?raw';
import im2colSource from '../../../shaders/im2col.wgsl?raw';
import type { Conv2dPlan, ConvProductPlan, ConvForwardArgs, Storage } from '../../tensor/backend';
import type { GpuContext } from '../context';
import { ceilDiv, defineKernel, grid1d, type ParamType } from '../kernel';
import type { GpuRuntime } from '../runtime';
import { buf, type BufferRef } from '../storage';
import { matmulSplitKReduceKernel } from './matmul';

const WG = 256;

const convParams: readonly (readonly [string, ParamType])[] = [
  ['total', 'u32'],
  ['channels', 'u32'],
  ['in_h', 'u32'],
  ['in_w', 'u32'],
  ['kernel_h', 'u32'],
  ['kernel_w', 'u32'],
  ['stride_h', 'u32'],
  ['stride_w', 'u32'],
  ['pad_h', 'u32'],
  ['pad_w', 'u32'],
  ['out_h', 'u32'],
  ['out_w', 'u32'],
];

export const im2colKernel = defineKernel({
  name: 'im2col',
  source: im2colSource,
  entryPoint: 'im2col',
  bindings: ['read', 'write'],
  params: convParams,
});

function paramsOf(plan: Conv2dPlan, total: number): Record<string, number> {
  return {
    total,
    channels: plan.inChannels,
    in_h: plan.inHeight,
    in_w: plan.inWidth,
    kernel_h: plan.kernelH,
    kernel_w: plan.kernelW,
    stride_h: plan.strideH,
    stride_w: plan.strideW,
    pad_h: plan.padH,
    pad_w: plan.padW,
    out_h: plan.outHeight,
    out_w: plan.outWidth,
  };
}

/** x (N, C, H, W) -> cols (N * OH * OW, C * KH * KW); zeros where a window covers padding. */
export function im2col(ctx: GpuContext, x: Storage, plan: Conv2dPlan): Storage {
  const total =
    plan.batch * plan.outHeight * plan.outWidth * plan.inChannels * plan.kernelH * plan.kernelW;
  const out = ctx.alloc(total, 'im2col');
  ctx.rt.dispatch(
    im2colKernel,
    [buf(x), out.buffer],
    paramsOf(plan, total),
    grid1d(ceilDiv(total, WG)),
  );
  return out;
}

const productParams: readonly (readonly [string, ParamType])[] = [
  ['batch', 'u32'],
  ['in_c', 'u32'],
  ['in_h', 'u32'],
  ['in_w', 'u32'],
  ['out_c', 'u32'],
  ['out_h', 'u32'],
  ['out_w', 'u32'],
  ['k_h', 'u32'],
  ['k_w', 'u32'],
  ['stride_h', 'u32'],
  ['stride_w', 'u32'],
  ['pad_h', 'u32'],
  ['pad_w', 'u32'],
];

export const convForwardKernel = defineKernel({
  name: 'conv_forward',
  source: convForwardSource,
  entryPoint: 'conv_forward',
  bindings: ['read', 'read', 'read', 'write'],
  params: productParams,
});

export const convInputGradKernel = defineKernel({
  name: 'conv_input_grad',
  source: convInputGradSource,
  entryPoint: 'conv_input_grad',
  bindings: ['read', 'read', 'write'],
  params: productParams,
});

export const convWeightGradKernel = defineKernel({
  name: 'conv_weight_grad',
  source: libConvTap + convWeightGradSource,
  entryPoint: 'conv_weight_grad',
  bindings: ['read', 'read', 'write'],
  params: [...productParams, ['n_chunk', 'u32']],
});

/** Threads per workgroup of the three products; each thread computes a 4 x 4 block. */
const PRODUCT_WG = 64;

function productValues(p: ConvProductPlan): Record<string, number> {
  return {
    batch: p.batch,
    in_c: p.inChannels,
    in_h: p.inHeight,
    in_w: p.inWidth,
    out_c: p.outChannels,
    out_h: p.outHeight,
    out_w: p.outWidth,
    k_h: p.kernelH,
    k_w: p.kernelW,
    stride_h: p.strideH,
    stride_w: p.strideW,
    pad_h: p.padH,
    pad_w: p.padW,
  };
}

/**
 * Channel quads per thread of the three products (the kernels' CHANNEL_QUADS): 2 on software
 * adapters (each loaded pixel value feeds 8 multiply-adds; forward 1.4x faster on SwiftShader at
 * resnet-mini shapes), 1 elsewhere (fewer registers per GPU thread; not measured on a GPU).
 */
export type ChannelQuads = 1 | 2;
const channelQuadsFor = (rt: GpuRuntime): ChannelQuads =>
  isSoftwareAdapter(rt.adapterName) ? 2 : 1;

/** y (N, O, OH, OW) = conv2d(x, W) + bias, in one dispatch (bias added at the store). */
export function convForward(ctx: GpuContext, args: ConvForwardArgs, p: ConvProductPlan): Storage {
  const y = ctx.alloc(p.batch * p.outChannels * p.outHeight * p.outWidth, 'conv.forward');
  convForwardWith(ctx.rt, args, y, p, channelQuadsFor(ctx.rt));
  return y;
}

/** convForward into `y` with a given number of output-channel quads per thread. */
export function convForwardWith(
  rt: GpuRuntime,
  args: ConvForwardArgs,
  y: Storage,
  p: ConvProductPlan,
  channelQuads: ChannelQuads,
): void {
  const threads =
    p.batch * ceilDiv(p.outChannels, 4 * channelQuads) * ceilDiv(p.outHeight * p.outWidth, 4);
  rt.dispatch(
    convForwardKernel,
    // Without a bias the kernel never reads that binding; W stands in for it.
    [buf(args.x), buf(args.weight), buf(args.bias ?? args.weight), buf(y)],
    productValues(p),
    grid1d(ceilDiv(threads, PRODUCT_WG)),
    { WG: PRODUCT_WG, HAS_BIAS: args.bias !== null, CHANNEL_QUADS: channelQuads },
  );
}

/** dx (N, C, H, W) = the adjoint of convForward's product applied to dy, in one dispatch. */
export function convInputGrad(
  ctx: GpuContext,
  dy: Storage,
  weight: Storage,
  p: ConvProductPlan,
): Storage {
  const dx = ctx.alloc(p.batch * p.inChannels * p.inHeight * p.inWidth, 'conv.input-grad');
  convInputGradWith(ctx.rt, dy, weight, dx, p, channelQuadsFor(ctx.rt));
  return dx;
}

/** convInputGrad into `dx` with a given number of input-channel quads per thread. */
export function convInputGradWith(
  rt: GpuRuntime,
  dy: Storage,
  weight: Storage,
  dx: Storage,
  p: ConvProductPlan,
  channelQuads: ChannelQuads,
): void {
  const threads =
    p.batch * ceilDiv(p.inChannels, 4 * channelQuads) * ceilDiv(p.inHeight * p.inWidth, 4);
  rt.dispatch(
    convInputGradKernel,
    [buf(dy), buf(weight), buf(dx)],
    productValues(p),
    grid1d(ceilDiv(threads, PRODUCT_WG)),
    { WG: PRODUCT_WG, CHANNEL_QUADS: channelQuads },
  );
}

/** Below this many workgroups a GPU has idle cores (as the matmul's split-K). */
const SPLIT_TARGET_WORKGROUPS = 256;
const MAX_SPLITS = 32;

/** How the weight gradient runs: sample ranges its sum is split into, and its thread block. */
export interface WeightGradLaunch {
  splits: number;
  channelQuads: ChannelQuads;
}

/**
 * One sample range on software adapters (their few cores are busy anyway and the reduce pass
 * would be pure cost); elsewhere enough ranges for SPLIT_TARGET_WORKGROUPS workgroups, at most
 * one per sample. Not tuned on a GPU (none at hand).
 */
export function convWeightGradLaunch(rt: GpuRuntime, p: ConvProductPlan): WeightGradLaunch {
  const channelQuads = channelQuadsFor(rt);
  if (isSoftwareAdapter(rt.adapterName)) return { splits: 1, channelQuads };
  const cols = p.inChannels * p.kernelH * p.kernelW;
  const groups = ceilDiv(ceilDiv(p.outChannels, 4 * channelQuads) * ceilDiv(cols, 4), PRODUCT_WG);
  const splits = Math.min(p.batch, MAX_SPLITS, Math.floor(SPLIT_TARGET_WORKGROUPS / groups));
  return { splits: Math.max(1, splits), channelQuads };
}

/**
 * dW (O, C, KH, KW) = sum over samples and output pixels of dy x_patch, with the sample range
 * split `launch.splits` ways (then one more dispatch adds the slices in a fixed order).
 */
export function convWeightGradWith(
  rt: GpuRuntime,
  dy: Storage,
  x: Storage,
  dw: Storage,
  p: ConvProductPlan,
  { splits, channelQuads }: WeightGradLaunch,
): void {
  const size = p.outChannels * p.inChannels * p.kernelH * p.kernelW;
  const nChunk = ceilDiv(p.batch, splits);
  const used = ceilDiv(p.batch, nChunk);
  const threads =
    used *
    ceilDiv(p.outChannels, 4 * channelQuads) *
    ceilDiv(p.inChannels * p.kernelH * p.kernelW, 4);
  const run = (out: BufferRef): void =>
    rt.dispatch(
      convWeightGradKernel,
      [buf(dy), buf(x), out],
      { ...productValues(p), n_chunk: nChunk },
      grid1d(ceilDiv(threads, PRODUCT_WG)),
      { WG: PRODUCT_WG, SPLITS: used, CHANNEL_QUADS: channelQuads },
    );
  if (used === 1) {
    run(buf(dw));
    return;
  }
  const partial = rt.pool.acquire(used * size * 4, 'conv.weight-grad.split');
  run(partial);
  rt.dispatch(
    matmulSplitKReduceKernel,
    [partial, buf(dw)],
    { size, total: size, splits: used },
    grid1d(ceilDiv(size, 256)),
  );
  // Dispatches run in order, so a later op may reuse the scratch buffer within the same submit.
  rt.pool.release(partial);
}

/** dW (O, C, KH, KW) of conv2d from dy and x, one dispatch on software adapters. */
export function convWeightGrad(
  ctx: GpuContext,
  dy: Storage,
  x: Storage,
  p: ConvProductPlan,
): Storage {
  const dw = ctx.alloc(p.outChannels * p.inChannels * p.kernelH * p.kernelW, 'conv.weight-grad');
  convWeightGradWith(ctx.rt, dy, x, dw, p, convWeightGradLaunch(ctx.rt, p));
  return dw;
}

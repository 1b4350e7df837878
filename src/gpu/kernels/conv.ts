// Convolution helpers: im2col (x -> patch matrix) and its adjoint col2im, the two halves that
// turn conv2d into one matmul forward and two backward (src/ops/conv.ts).
import im2colSource from '../../../shaders/im2col.wgsl?raw';
import col2imSource from '../../../shaders/col2im.wgsl?raw';
import type { Conv2dPlan, Storage } from '../../tensor/backend';
import type { GpuContext } from '../context';
import { ceilDiv, defineKernel, grid1d, type ParamType } from '../kernel';
import { buf } from '../storage';

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

export const col2imKernel = defineKernel({
  name: 'col2im',
  source: col2imSource,
  entryPoint: 'col2im',
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

/** cols (N * OH * OW, C * KH * KW) -> dx (N, C, H, W), summing overlapping windows (gather, no atomics). */
export function col2im(ctx: GpuContext, cols: Storage, plan: Conv2dPlan): Storage {
  const total = plan.batch * plan.inChannels * plan.inHeight * plan.inWidth;
  const out = ctx.alloc(total, 'col2im');
  ctx.rt.dispatch(
    col2imKernel,
    [buf(cols), out.buffer],
    paramsOf(plan, total),
    grid1d(ceilDiv(total, WG)),
  );
  return out;
}

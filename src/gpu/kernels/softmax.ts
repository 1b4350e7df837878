// Row-wise softmax and fused softmax-cross-entropy kernels over the last axis of (rows, cols):
// one workgroup per row with a shared-memory tree reduction, so rows of any length (a GPT
// vocabulary of ~50k included) take one dispatch.
import softmaxSource from '../../../shaders/softmax.wgsl?raw';
import softmaxBackwardSource from '../../../shaders/softmax-backward.wgsl?raw';
import crossEntropySource from '../../../shaders/cross-entropy.wgsl?raw';
import crossEntropyBackwardSource from '../../../shaders/cross-entropy-backward.wgsl?raw';
import libRowSoftmax from '../../../shaders/lib-row-softmax.wgsl?raw';
import libWorkgroupReduce from '../../../shaders/lib-workgroup-reduce.wgsl?raw';
import type { Storage, CrossEntropyBackwardArgs } from '../../tensor/backend';
import type { GpuContext } from '../context';
import { defineKernel, grid1d, reductionThreads } from '../kernel';
import { buf } from '../storage';

const rowParams = [
  ['rows', 'u32'],
  ['cols', 'u32'],
] as const;

export const softmaxForwardKernel = defineKernel({
  name: 'softmax_forward',
  source: libWorkgroupReduce + libRowSoftmax + softmaxSource,
  entryPoint: 'softmax_forward',
  bindings: ['read', 'write'],
  params: rowParams,
});

export const softmaxBackwardKernel = defineKernel({
  name: 'softmax_backward',
  source: libWorkgroupReduce + softmaxBackwardSource,
  entryPoint: 'softmax_backward',
  bindings: ['read', 'read', 'write'],
  params: rowParams,
});

export const crossEntropyForwardKernel = defineKernel({
  name: 'cross_entropy_forward',
  source: libWorkgroupReduce + libRowSoftmax + crossEntropySource,
  entryPoint: 'cross_entropy_forward',
  bindings: ['read', 'read', 'write'],
  params: rowParams,
});

export const crossEntropyBackwardKernel = defineKernel({
  name: 'cross_entropy_backward',
  source: libWorkgroupReduce + libRowSoftmax + crossEntropyBackwardSource,
  entryPoint: 'cross_entropy_backward',
  bindings: ['read', 'read', 'read', 'write'],
  params: rowParams,
});

/** y = softmax(x) over the last axis; x, y: (rows, cols). */
export function softmax(ctx: GpuContext, x: Storage, rows: number, cols: number): Storage {
  const y = ctx.alloc(rows * cols);
  if (rows * cols > 0) {
    ctx.rt.dispatch(softmaxForwardKernel, [buf(x), y.buffer], { rows, cols }, grid1d(rows), {
      WG: reductionThreads(cols),
    });
  }
  return y;
}

/** dx = y * (dy - sum(dy * y)) per row; y (the forward output), dy, dx: (rows, cols). */
export function softmaxBackward(
  ctx: GpuContext,
  y: Storage,
  dy: Storage,
  rows: number,
  cols: number,
): Storage {
  const dx = ctx.alloc(rows * cols);
  if (rows * cols > 0) {
    ctx.rt.dispatch(
      softmaxBackwardKernel,
      [buf(y), buf(dy), dx.buffer],
      { rows, cols },
      grid1d(rows),
      { WG: reductionThreads(cols) },
    );
  }
  return dx;
}

/** loss[row] = logsumexp(logits[row]) - logits[row, labels[row]]; logits (rows, cols) -> (rows). */
export function crossEntropy(
  ctx: GpuContext,
  logits: Storage,
  labels: Storage,
  rows: number,
  cols: number,
): Storage {
  const loss = ctx.alloc(rows);
  if (rows * cols > 0) {
    ctx.rt.dispatch(
      crossEntropyForwardKernel,
      [buf(logits), buf(labels), loss.buffer],
      { rows, cols },
      grid1d(rows),
      { WG: reductionThreads(cols) },
    );
  }
  return loss;
}

/** dlogits = (softmax(logits) - onehot(labels)) * dloss[row]; logits (rows, cols), dloss (rows). */
export function crossEntropyBackward(
  ctx: GpuContext,
  { logits, labels, dloss }: CrossEntropyBackwardArgs,
  rows: number,
  cols: number,
): Storage {
  const dlogits = ctx.alloc(rows * cols);
  if (rows * cols > 0) {
    ctx.rt.dispatch(
      crossEntropyBackwardKernel,
      [buf(logits), buf(labels), buf(dloss), dlogits.buffer],
      { rows, cols },
      grid1d(rows),
      { WG: reductionThreads(cols) },
    );
  }
  return dlogits;
}

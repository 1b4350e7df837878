// Tiled batched matmul with optional transposes (shaders/matmul.wgsl).
import source from '../../../shaders/matmul.wgsl?raw';
import type { MatmulPlan } from '../../tensor/backend';
import { ceilDiv, defineKernel } from '../kernel';
import type { GpuRuntime } from '../runtime';

const TILE = 64;

export const matmulKernel = defineKernel({
  name: 'matmul',
  source,
  entryPoint: 'matmul_tiled',
  bindings: ['read', 'read', 'write'],
  params: [
    ['m', 'u32'],
    ['n', 'u32'],
    ['k', 'u32'],
    ['a_batch_stride', 'u32'],
    ['b_batch_stride', 'u32'],
  ],
});

export function matmul(rt: GpuRuntime, a: GPUBuffer, b: GPUBuffer, c: GPUBuffer, p: MatmulPlan): void {
  rt.dispatch(
    matmulKernel,
    [a, b, c],
    { m: p.m, n: p.n, k: p.k, a_batch_stride: p.aBatchStride, b_batch_stride: p.bBatchStride },
    [ceilDiv(p.n, TILE), ceilDiv(p.m, TILE), p.batch],
    { TRANS_A: p.transA, TRANS_B: p.transB },
  );
}

// In-place masking by one or two masks (shaders/mask-retain.wgsl): weights, gradients and
// optimiser state after a step or a regrowth.
import source from '../../../shaders/mask-retain.wgsl?raw';
import { ceilDiv, defineKernel, grid1d } from '../kernel';
import type { GpuRuntime } from '../runtime';
import type { BufferRef } from '../storage';

export const maskRetainKernel = defineKernel({
  name: 'mask_retain',
  source,
  entryPoint: 'mask_retain',
  bindings: ['write', 'read', 'read'],
  params: [['n', 'u32']],
});

/** In place: x (n) = keepA && keepB ? x : 0 (keepA and keepB may be the same buffer). */
export function maskRetain(
  rt: GpuRuntime,
  x: BufferRef,
  keepA: BufferRef,
  keepB: BufferRef,
  n: number,
): void {
  rt.dispatch(maskRetainKernel, [x, keepA, keepB], { n }, grid1d(ceilDiv(n, 256)));
}

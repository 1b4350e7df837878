// out = mask ? x : 0 (shaders/mask-apply.wgsl): the masked weight of the masked-dense path.
import source from '../../../shaders/mask-apply.wgsl?raw';
import { ceilDiv, defineKernel, grid1d } from '../kernel';
import type { GpuRuntime } from '../runtime';
import type { BufferRef } from '../storage';

export const maskApplyKernel = defineKernel({
  name: 'mask_apply',
  source,
  entryPoint: 'mask_apply',
  bindings: ['read', 'read', 'write'],
  params: [['n', 'u32']],
});

/** out (n) = mask > 0.5 ? x : 0. */
export function maskApply(
  rt: GpuRuntime,
  x: BufferRef,
  mask: BufferRef,
  out: BufferRef,
  n: number,
): void {
  rt.dispatch(maskApplyKernel, [x, mask, out], { n }, grid1d(ceilDiv(n, 256)));
}

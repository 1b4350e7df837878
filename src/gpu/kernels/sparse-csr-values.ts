// Refresh compressed values from the dense weight (shaders/sparse-csr-values.wgsl).
import source from '../../../shaders/sparse-csr-values.wgsl?raw';
import { ceilDiv, defineKernel, grid1d } from '../kernel';
import type { GpuRuntime } from '../runtime';
import type { BufferRef } from '../storage';

export const csrGatherValuesKernel = defineKernel({
  name: 'csr_gather_values',
  source,
  entryPoint: 'csr_gather_values',
  bindings: ['read', 'read', 'write'],
  params: [['nnz', 'u32']],
});

/** values[s] = w[flat[s]] for s < nnz. */
export function csrGatherValues(
  rt: GpuRuntime,
  flat: BufferRef,
  w: BufferRef,
  values: BufferRef,
  nnz: number,
): void {
  rt.dispatch(csrGatherValuesKernel, [flat, w, values], { nnz }, grid1d(ceilDiv(nnz, 256)));
}

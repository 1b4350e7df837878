// Masked weight gradient at the mask's nonzeros only (shaders/sddmm.wgsl).
import source from '../../../shaders/sddmm.wgsl?raw';
import { ceilDiv, defineKernel, grid1d } from '../kernel';
import type { GpuRuntime } from '../runtime';
import { fill } from './elementwise';
import { quadsOf } from './sparse-transpose';
import type { BufferRef } from '../storage';

export const sddmmKernel = defineKernel({
  name: 'sddmm_csr',
  source,
  entryPoint: 'sddmm_csr',
  bindings: ['read', 'read', 'read', 'read', 'write'],
  params: [
    ['nnz', 'u32'],
    ['cols', 'u32'],
    ['quads', 'u32'],
  ],
});

/**
 * dw (rows, cols) = (dy^T x) at the nonzeros (colIdx, flat) and 0 elsewhere; dyT (rows, 4 * quads)
 * and xT (cols, 4 * quads) come from transposePad4.
 */
export function sddmm(
  rt: GpuRuntime,
  colIdx: BufferRef,
  flat: BufferRef,
  dyT: BufferRef,
  xT: BufferRef,
  dw: BufferRef,
  rows: number,
  cols: number,
  nnz: number,
  batch: number,
): void {
  fill(rt, dw, rows * cols, 0);
  rt.dispatch(
    sddmmKernel,
    [colIdx, flat, dyT, xT, dw],
    { nnz, cols, quads: quadsOf(batch) },
    grid1d(ceilDiv(nnz, 64)),
  );
}

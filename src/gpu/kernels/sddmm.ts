// Masked weight gradient at the mask's nonzeros only (shaders/sddmm.wgsl).
import source from '../../../shaders/sddmm.wgsl?raw';
import { ceilDiv, defineKernel, grid1d } from '../kernel';
import type { GpuRuntime } from '../runtime';
import { quadsOf } from './sparse-transpose';
import type { BufferRef } from '../storage';

export const sddmmKernel = defineKernel({
  name: 'sddmm_csr',
  source,
  entryPoint: 'sddmm_csr',
  bindings: ['read', 'read', 'read', 'read', 'read', 'write'],
  params: [
    ['nnz', 'u32'],
    ['cols', 'u32'],
    ['quads', 'u32'],
    ['nz_groups', 'u32'],
    ['size', 'u32'],
  ],
});

/** One SDDMM: dw (rows, cols) from dyT (rows, 4 * quads) and xT (cols, 4 * quads) of transposePad4. */
export interface SddmmPlan {
  /** The by-rows index of the mask: colIdx and flat (nnz). */
  colIdx: BufferRef;
  flat: BufferRef;
  mask: BufferRef;
  dyT: BufferRef;
  xT: BufferRef;
  dw: BufferRef;
  rows: number;
  cols: number;
  nnz: number;
  batch: number;
}

const WG = 64;

/** dw = (dy^T x) at the nonzeros and 0 elsewhere, in one dispatch. */
export function sddmm(rt: GpuRuntime, p: SddmmPlan): void {
  const nzGroups = ceilDiv(p.nnz, WG);
  const size = p.rows * p.cols;
  rt.dispatch(
    sddmmKernel,
    [p.colIdx, p.flat, p.dyT, p.xT, p.mask, p.dw],
    { nnz: p.nnz, cols: p.cols, quads: quadsOf(p.batch), nz_groups: nzGroups, size },
    grid1d(nzGroups + ceilDiv(size, WG)),
  );
}

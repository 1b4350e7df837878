// Compressed index of a mask, built on the GPU (shaders/sparse-csr-build.wgsl): count, scan, scatter.
import source from '../../../shaders/sparse-csr-build.wgsl?raw';
import { ceilDiv, defineKernel, grid1d, type Kernel } from '../kernel';
import type { GpuRuntime } from '../runtime';
import type { BufferRef } from '../storage';

const params = [
  ['rows', 'u32'],
  ['cols', 'u32'],
  ['row_stride', 'u32'],
  ['col_stride', 'u32'],
] as const;

const entry = (name: string): Kernel =>
  defineKernel({
    name,
    source,
    entryPoint: name,
    bindings: ['read', 'write', 'write', 'write'],
    params,
  });

export const csrCountRowsKernel = entry('csr_count_rows');
export const csrScanRowsKernel = entry('csr_scan_rows');
export const csrScatterRowsKernel = entry('csr_scatter_rows');

/** Buffers of one orientation: rowPtr (rows + 1), colIdx (nnz), flat (nnz), all u32. */
export interface CsrIndexBuffers {
  rowPtr: BufferRef;
  colIdx: BufferRef;
  flat: BufferRef;
}

/**
 * Index the ones of `mask`, whose element (r, c) is at r * rowStride + c * colStride, row by row
 * with columns ascending. colIdx and flat must hold the mask's active count.
 */
export function csrBuildIndex(
  rt: GpuRuntime,
  mask: BufferRef,
  out: CsrIndexBuffers,
  rows: number,
  cols: number,
  rowStride: number,
  colStride: number,
): void {
  const bufs = [mask, out.rowPtr, out.colIdx, out.flat];
  const p = { rows, cols, row_stride: rowStride, col_stride: colStride };
  const grid = grid1d(ceilDiv(rows, 64));
  rt.dispatch(csrCountRowsKernel, bufs, p, grid);
  rt.dispatch(csrScanRowsKernel, bufs, p, [1, 1, 1]);
  rt.dispatch(csrScatterRowsKernel, bufs, p, grid);
}

// Batch-minor activations for the sparse kernels (shaders/sparse-transpose.wgsl).
import source from '../../../shaders/sparse-transpose.wgsl?raw';
import type { GpuContext } from '../context';
import { ceilDiv, defineKernel, grid1d } from '../kernel';
import type { GpuStorage } from '../storage';
import type { BufferRef } from '../storage';

export const transposePad4Kernel = defineKernel({
  name: 'transpose_pad4',
  source,
  entryPoint: 'transpose_pad4',
  bindings: ['read', 'write'],
  params: [
    ['rows', 'u32'],
    ['cols', 'u32'],
    ['rows_padded', 'u32'],
  ],
});

/** Batch rows rounded up to whole vec4 quads. */
export const quadsOf = (rows: number): number => ceilDiv(rows, 4);

/** in (rows, cols) -> (cols, 4 * quads) with zero padding: a fresh buffer the caller releases. */
export function transposePad4(
  ctx: GpuContext,
  inp: BufferRef,
  rows: number,
  cols: number,
): GpuStorage {
  const rowsPadded = 4 * quadsOf(rows);
  const out = ctx.alloc(cols * rowsPadded, 'sparse.transposed');
  ctx.rt.dispatch(
    transposePad4Kernel,
    [inp, out.buffer],
    { rows, cols, rows_padded: rowsPadded },
    grid1d(ceilDiv(cols * rowsPadded, 256)),
  );
  return out;
}

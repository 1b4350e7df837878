// Zero-skipping product out = in @ S^T with S compressed by rows (shaders/sparse-matmul-csr.wgsl).
import source from '../../../shaders/sparse-matmul-csr.wgsl?raw';
import { defineKernel, grid1d } from '../kernel';
import type { GpuRuntime } from '../runtime';
import { quadsOf } from './sparse-transpose';
import type { BufferRef } from '../storage';

/** Threads per workgroup and batch quads per thread: the kernel's two override constants. */
export interface CsrMatmulShape {
  WG: number;
  QUADS_PER_THREAD: 1 | 2 | 4;
}

/**
 * Measured on SwiftShader (B = 128, 256 and 512 features, densities 1..0.1): 8 threads x 4 quads
 * was about 2x faster than 32 x 1 (each loaded index and value feeds 16 multiply-adds).
 */
export const SOFTWARE_CSR_MATMUL: CsrMatmulShape = { WG: 8, QUADS_PER_THREAD: 4 };
/**
 * Not measured (no hardware GPU was available): 32 threads x 1 quad keeps a warp's vec4 loads
 * contiguous and gives batch 128 one full warp per row.
 */
export const HARDWARE_CSR_MATMUL: CsrMatmulShape = { WG: 32, QUADS_PER_THREAD: 1 };

/** Batch quads per workgroup: one workgroup covers batch 1024, larger batches add workgroups. */
const CHUNK_QUADS = 256;

export const csrMatmulRowsKernel = defineKernel({
  name: 'csr_matmul_rows',
  source,
  entryPoint: 'csr_matmul_rows',
  bindings: ['read', 'read', 'read', 'read', 'write'],
  params: [
    ['rows', 'u32'],
    ['batch', 'u32'],
    ['quads', 'u32'],
    ['chunk_quads', 'u32'],
    ['w_row_stride', 'u32'],
    ['w_col_stride', 'u32'],
  ],
});

/**
 * One product out (batch, rows) = in (batch, cols) @ S^T: S is given by rowPtr/colIdx with its
 * values read from w at row * wStrides[0] + col * wStrides[1], and the input comes as
 * inT (cols, 4 * quads) from transposePad4.
 */
export interface CsrMatmulPlan {
  rowPtr: BufferRef;
  colIdx: BufferRef;
  w: BufferRef;
  wStrides: readonly [number, number];
  inT: BufferRef;
  out: BufferRef;
  rows: number;
  batch: number;
}

export function csrMatmulRows(
  rt: GpuRuntime,
  p: CsrMatmulPlan,
  shape: CsrMatmulShape = SOFTWARE_CSR_MATMUL,
): void {
  const quads = quadsOf(p.batch);
  const chunks = Math.ceil(quads / CHUNK_QUADS);
  rt.dispatch(
    csrMatmulRowsKernel,
    [p.rowPtr, p.colIdx, p.w, p.inT, p.out],
    {
      rows: p.rows,
      batch: p.batch,
      quads,
      chunk_quads: CHUNK_QUADS,
      w_row_stride: p.wStrides[0],
      w_col_stride: p.wStrides[1],
    },
    grid1d(p.rows * chunks),
    { WG: shape.WG, QUADS_PER_THREAD: shape.QUADS_PER_THREAD },
  );
}

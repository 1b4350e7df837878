// Embedding gather and its deterministic scatter-add adjoint (shaders/embedding.wgsl).
import source from '../../../shaders/embedding.wgsl?raw';
import type { Storage } from '../../tensor/backend';
import type { GpuContext } from '../context';
import { ceilDiv, defineKernel, grid1d } from '../kernel';
import { buf } from '../storage';

const WG = 256;
/** Columns per scatter_add_rows workgroup, and indices staged per step (CHUNK in the shader). */
const CHUNK = 64;

const params = [
  ['count', 'u32'],
  ['rows', 'u32'],
  ['dim', 'u32'],
] as const;

export const gatherRowsKernel = defineKernel({
  name: 'gather_rows',
  source,
  entryPoint: 'gather_rows',
  bindings: ['read', 'read', 'write'],
  params,
});

export const scatterAddRowsKernel = defineKernel({
  name: 'scatter_add_rows',
  source,
  entryPoint: 'scatter_add_rows',
  bindings: ['read', 'read', 'write'],
  params,
});

/** table (rows, dim), indices (count) -> (count, dim); out-of-range indices give zero rows. */
export function gatherRows(
  ctx: GpuContext,
  table: Storage,
  indices: Storage,
  count: number,
  dim: number,
): Storage {
  const out = ctx.alloc(count * dim);
  const rows = dim > 0 ? table.size / dim : 0;
  ctx.rt.dispatch(
    gatherRowsKernel,
    [buf(table), buf(indices), out.buffer],
    { count, rows, dim },
    grid1d(ceilDiv(count * dim, WG)),
  );
  return out;
}

/**
 * grad (count, dim), indices (count) -> dtable (rows, dim) with dtable[indices[i]] += grad[i].
 * Deterministic and atomic-free: each output element gathers its matches (see the shader for
 * the O(rows * count) index-scan cost).
 */
export function scatterAddRows(
  ctx: GpuContext,
  grad: Storage,
  indices: Storage,
  count: number,
  rows: number,
  dim: number,
): Storage {
  const out = ctx.alloc(rows * dim);
  ctx.rt.dispatch(
    scatterAddRowsKernel,
    [buf(grad), buf(indices), out.buffer],
    { count, rows, dim },
    grid1d(rows * ceilDiv(dim, CHUNK)),
  );
  return out;
}

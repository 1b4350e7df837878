// CPU reference for embedding rows, in float64: gather by index and the scatter-add adjoint.
import type { Storage } from '../tensor/backend';
import { cpu, wrap } from './storage';

function rowIndex(v: number, rows: number): number {
  if (!Number.isInteger(v) || v < 0 || v >= rows) {
    throw new Error(`embedding index ${v} is not a row of a ${rows}-row table`);
  }
  return v;
}

export function gatherRows(table: Storage, indices: Storage, count: number, dim: number): Storage {
  const t = cpu(table);
  const idx = cpu(indices);
  const rows = dim > 0 ? t.length / dim : Infinity; // with dim 0 no row is read
  const out = new Float64Array(count * dim);
  for (let i = 0; i < count; i++) {
    const r = rowIndex(idx[i], rows);
    out.set(t.subarray(r * dim, (r + 1) * dim), i * dim);
  }
  return wrap(out);
}

export function scatterAddRows(
  grad: Storage,
  indices: Storage,
  count: number,
  rows: number,
  dim: number,
): Storage {
  const g = cpu(grad);
  const idx = cpu(indices);
  const out = new Float64Array(rows * dim);
  for (let i = 0; i < count; i++) {
    const r = rowIndex(idx[i], rows);
    for (let c = 0; c < dim; c++) out[r * dim + c] += g[i * dim + c];
  }
  return wrap(out);
}

// Reductions over the middle axis of (outer, size, inner) and row argmax
// (shaders/reduce.wgsl, shaders/argmax.wgsl).
import reduceSource from '../../../shaders/reduce.wgsl?raw';
import argmaxSource from '../../../shaders/argmax.wgsl?raw';
import { assert } from '../../common/assert';
import type { ReduceOp, Storage } from '../../tensor/backend';
import type { GpuContext } from '../context';
import { ceilDiv, defineKernel, grid1d } from '../kernel';
import { buf } from '../storage';
import { fill } from './elementwise';

const REDUCE_CODES: Record<ReduceOp, number> = { sum: 0, max: 1 };
/** Columns per reduce_strided workgroup (its x size). */
const STRIDED_TILE = 16;

const reduceParams = [
  ['outer', 'u32'],
  ['size', 'u32'],
  ['inner', 'u32'],
] as const;

export const reduceRowsKernel = defineKernel({
  name: 'reduce_rows',
  source: reduceSource,
  entryPoint: 'reduce_rows',
  bindings: ['read', 'write'],
  params: reduceParams,
});

export const reduceStridedKernel = defineKernel({
  name: 'reduce_strided',
  source: reduceSource,
  entryPoint: 'reduce_strided',
  bindings: ['read', 'write'],
  params: reduceParams,
});

export const argmaxKernel = defineKernel({
  name: 'argmax_rows',
  source: argmaxSource,
  entryPoint: 'argmax_rows',
  bindings: ['read', 'write'],
  params: [
    ['rows', 'u32'],
    ['cols', 'u32'],
  ],
});

/**
 * x (outer, size, inner) -> (outer, inner), summing or taking the max over the middle axis.
 * inner == 1 uses a workgroup tree per row; inner > 1 a 16 x 16 tile per 16 columns that splits
 * the axis over 16 lanes. An empty axis sums to 0 and has no max.
 */
export function reduce(
  ctx: GpuContext,
  op: ReduceOp,
  x: Storage,
  outer: number,
  size: number,
  inner: number,
): Storage {
  const n = outer * inner;
  const out = ctx.alloc(n);
  if (n === 0) return out;
  if (size === 0) {
    assert(op === 'sum', 'reduce max over an empty axis');
    fill(ctx.rt, out.buffer, n, 0);
    return out;
  }
  const constants = { OP: REDUCE_CODES[op] };
  if (inner === 1) {
    ctx.rt.dispatch(
      reduceRowsKernel,
      [buf(x), out.buffer],
      { outer, size, inner },
      grid1d(outer),
      constants,
    );
  } else {
    const groups = outer * ceilDiv(inner, STRIDED_TILE);
    ctx.rt.dispatch(
      reduceStridedKernel,
      [buf(x), out.buffer],
      { outer, size, inner },
      grid1d(groups),
      constants,
    );
  }
  return out;
}

/** x (rows, cols) -> (rows) float indices of each row's maximum, lowest index on ties. */
export function argmax(ctx: GpuContext, x: Storage, rows: number, cols: number): Storage {
  assert(cols > 0 || rows === 0, 'argmax over an empty axis');
  const out = ctx.alloc(rows);
  if (rows > 0) ctx.rt.dispatch(argmaxKernel, [buf(x), out.buffer], { rows, cols }, grid1d(rows));
  return out;
}

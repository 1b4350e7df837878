// Reductions over axes (sum, mean, max), forward and backward together. Each run of adjacent
// axes is one backend reduce over the middle axis of (outer, size, inner).
import type { ReduceOp, Storage } from '../tensor/backend';
import { broadcastPlan, broadcastStrides, normAxis, type Shape, sizeOf } from '../tensor/shape';
import { record } from '../tensor/tape';
import { Tensor } from '../tensor/tensor';
import { scale } from './elementwise';

/** Axes to reduce: all when undefined; sorted, without repeats. */
export type Axes = number | readonly number[] | undefined;

function normAxes(axes: Axes, rank: number): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  return [...new Set(list.map((a) => normAxis(a, rank)))].sort((a, b) => a - b);
}

// x reduced over `axes` (sorted) with those dims kept as 1s.
function reduceKept(op: ReduceOp, x: Tensor, axes: readonly number[]): Tensor {
  const b = x.backend;
  const shape = [...x.shape];
  let cur: Tensor | null = null;
  for (let i = 0; i < axes.length;) {
    let j = i;
    while (j + 1 < axes.length && axes[j + 1] === axes[j] + 1) j++;
    const [lo, hi] = [axes[i], axes[j]];
    const outer = sizeOf(shape.slice(0, lo));
    const size = sizeOf(shape.slice(lo, hi + 1));
    const inner = sizeOf(shape.slice(hi + 1));
    shape.fill(1, lo, hi + 1);
    cur = new Tensor(b, b.reduce(op, (cur ?? x).storage, outer, size, inner), shape);
    i = j + 1;
  }
  // No axes (a scalar, or axes = []): still a new tensor, since an op must not return its input.
  return cur ?? new Tensor(b, b.reduce(op, x.storage, x.size, 1, 1), x.shape);
}

const dropAxes = (shape: Shape, axes: readonly number[]) =>
  shape.filter((_, i) => !axes.includes(i));

// g with the reduced shape `kept` (1s at the reduced axes) copied out to `shape`.
function expand(g: Tensor, kept: Shape, shape: Shape): Tensor {
  const view = { shape, strides: broadcastStrides(kept, shape), offset: 0 };
  return new Tensor(g.backend, g.backend.gatherStrided(g.storage, view), shape);
}

/** Sum over `axes` (all by default): x (...) -> x's shape without them, or with 1s if keepDims. */
export function sum(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  const ax = normAxes(axes, x.rank);
  const kept = reduceKept('sum', x, ax);
  const out = keepDims ? kept : kept.view(dropAxes(kept.shape, ax));
  return record(out, 'sum', [x], (g) => [expand(g, kept.shape, x.shape)]);
}

/** Mean over `axes` (all by default), shaped as sum. */
export function mean(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  const ax = normAxes(axes, x.rank);
  const count = sizeOf(ax.map((a) => x.shape[a]));
  return scale(sum(x, ax, keepDims), 1 / count);
}

/**
 * Maximum over `axes` (all by default), shaped as sum. Backward splits the gradient evenly among
 * the elements equal to the maximum (PyTorch's amax rule, and tinygrad's), so a unique maximum
 * takes all of it and tied ones share it; the result is a valid subgradient either way.
 */
export function max(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  const ax = normAxes(axes, x.rank);
  const kept = reduceKept('max', x, ax);
  const out = keepDims ? kept : kept.view(dropAxes(kept.shape, ax));
  return record(out, 'max', [x], (g) => {
    const b = x.backend;
    const t = (s: Storage, shape: Shape) => new Tensor(b, s, shape);
    // max - x is > 0 exactly below the max: distinct floats never subtract to 0 (except when a
    // GPU flushes a subnormal difference, i.e. for values within 1e-38 of each other).
    const below = t(
      b.binary('sub', out.storage, x.storage, broadcastPlan(kept.shape, x.shape)),
      x.shape,
    );
    const zeros = t(b.zeros(x.size), x.shape);
    const ones = t(b.fill(x.size, 1), x.shape);
    const isMax = t(b.select(below.storage, zeros.storage, ones.storage), x.shape);
    const ties = reduceKept('sum', isMax, ax);
    const share = t(
      b.binary('div', g.storage, ties.storage, broadcastPlan(kept.shape, kept.shape)),
      kept.shape,
    );
    return [
      t(b.binary('mul', isMax.storage, share.storage, broadcastPlan(x.shape, kept.shape)), x.shape),
    ];
  });
}

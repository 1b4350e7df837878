// Shape and layout ops, forward and backward together. reshape is a view (no copy); the others
// copy through gatherStrided, and their adjoints are the inverse gather or a scatter-add of the
// gradient into zeros through the same view.
import { assert } from '../common/assert';
import type { StridedView } from '../tensor/backend';
import {
  broadcastShapes,
  broadcastStrides,
  contiguousStrides,
  normAxis,
  sameShape,
  type Shape,
  sizeOf,
} from '../tensor/shape';
import { record } from '../tensor/tape';
import { Tensor } from '../tensor/tensor';
import { sumToShape } from './broadcast';

const describe = (shape: Shape) => `[${shape.join(', ')}]`;

function gather(x: Tensor, view: StridedView): Tensor {
  return new Tensor(x.backend, x.backend.gatherStrided(x.storage, view), view.shape);
}

function resolveShape(shape: Shape, size: number): number[] {
  const free = shape.indexOf(-1);
  assert(
    shape.lastIndexOf(-1) === free,
    `reshape: more than one -1 in ${describe(shape)}`,
    'SHAPE_MISMATCH',
  );
  const known = sizeOf(shape.filter((d) => d !== -1));
  const out = [...shape];
  if (free >= 0 && known > 0) out[free] = size / known;
  assert(
    sizeOf(out) === size && out.every((d) => Number.isInteger(d) && d >= 0),
    `reshape: ${size} values do not fit ${describe(shape)}`,
    'SHAPE_MISMATCH',
  );
  return out;
}

/** x (...) -> `shape` (one dim may be -1), sharing x's memory. */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const out = x.view(resolveShape(shape, x.size));
  return record(out, 'reshape', [x], (g) => [g.view(x.shape)]);
}

/** x with its axes reordered: out.shape[i] = x.shape[dims[i]]. */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  const axes = dims.map((d) => normAxis(d, x.rank));
  assert(
    axes.length === x.rank && new Set(axes).size === x.rank,
    `permute: [${dims.join(', ')}] is not a permutation of ${x.rank} axes`,
  );
  const strides = contiguousStrides(x.shape);
  const out = gather(x, {
    shape: axes.map((a) => x.shape[a]),
    strides: axes.map((a) => strides[a]),
    offset: 0,
  });
  return record(out, 'permute', [x], (g) => {
    const inverse = new Array<number>(axes.length);
    axes.forEach((a, i) => (inverse[a] = i));
    return [permute(g, inverse)];
  });
}

/** x with axes a and b swapped. */
export function transpose(x: Tensor, a: number, b: number): Tensor {
  const dims = x.shape.map((_, i) => i);
  const [i, j] = [normAxis(a, x.rank), normAxis(b, x.rank)];
  [dims[i], dims[j]] = [dims[j], dims[i]];
  return permute(x, dims);
}

/**
 * x[starts[0]:ends[0], starts[1]:ends[1], ...]; axes past starts.length are kept whole and
 * negative bounds count from the end, as in Python (but out-of-range bounds are errors, not clamped).
 */
export function slice(x: Tensor, starts: readonly number[], ends: readonly number[]): Tensor {
  assert(
    starts.length === ends.length && starts.length <= x.rank,
    'slice: starts and ends must match, at most rank long',
  );
  const strides = contiguousStrides(x.shape);
  const shape = [...x.shape];
  let offset = 0;
  starts.forEach((start, d) => {
    const dim = x.shape[d];
    const s = start < 0 ? start + dim : start;
    const e = ends[d] < 0 ? ends[d] + dim : ends[d];
    assert(
      0 <= s && s <= e && e <= dim,
      `slice: [${start}, ${ends[d]}) does not fit axis ${d} of size ${dim}`,
    );
    shape[d] = e - s;
    offset += s * strides[d];
  });
  const view: StridedView = { shape, strides, offset };
  const out = gather(x, view);
  return record(out, 'slice', [x], (g) => {
    const dx = new Tensor(x.backend, x.backend.zeros(x.size), x.shape);
    x.backend.scatterAddStrided(dx.storage, g.storage, view);
    return [dx];
  });
}

/** Join tensors along `axis`; every other dim must agree. */
export function concat(xs: readonly Tensor[], axis: number): Tensor {
  assert(xs.length > 0, 'concat of no tensors');
  const first = xs[0];
  const ax = normAxis(axis, first.rank);
  for (const x of xs) {
    assert(
      x.rank === first.rank && x.shape.every((d, i) => i === ax || d === first.shape[i]),
      `concat on axis ${ax}: ${describe(x.shape)} does not fit ${describe(first.shape)}`,
      'SHAPE_MISMATCH',
    );
  }
  const shape = [...first.shape];
  shape[ax] = xs.reduce((n, x) => n + x.shape[ax], 0);
  const b = first.backend;
  if (sizeOf(shape.slice(0, ax)) === 1) {
    // Every piece is one contiguous block of the output: buffer copies, no kernel.
    const out = new Tensor(b, b.concatFlat(xs.map((x) => x.storage)), shape);
    const offsets: number[] = [];
    xs.reduce((at, x) => (offsets.push(at), at + x.size), 0);
    return record(out, 'concat', xs, (g) =>
      xs.map((x, i) =>
        x.requiresGrad ? new Tensor(b, b.sliceFlat(g.storage, offsets[i], x.size), x.shape) : null,
      ),
    );
  }
  const strides = contiguousStrides(shape);
  let start = 0;
  const views: StridedView[] = xs.map((x) => {
    const view = { shape: x.shape, strides, offset: start * strides[ax] };
    start += x.shape[ax];
    return view;
  });
  // Each piece lands in its own region of a zeroed output, so the scatter-add is a plain copy.
  const out = new Tensor(b, b.zeros(sizeOf(shape)), shape);
  xs.forEach((x, i) => b.scatterAddStrided(out.storage, x.storage, views[i]));
  return record(out, 'concat', xs, (g) =>
    xs.map((x, i) => (x.requiresGrad ? gather(g, views[i]) : null)),
  );
}

/** x broadcast to `shape` with NumPy rules (a copy); backward sums over the broadcast dims. */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  assert(
    sameShape(broadcastShapes(x.shape, shape), shape),
    `broadcastTo: ${describe(x.shape)} does not broadcast to ${describe(shape)}`,
    'SHAPE_MISMATCH',
  );
  const out = gather(x, { shape, strides: broadcastStrides(x.shape, shape), offset: 0 });
  return record(out, 'broadcastTo', [x], (g) => [sumToShape(g, x.shape)]);
}

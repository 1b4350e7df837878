// Shape arithmetic: sizes, contiguous strides, NumPy broadcasting.
import { SiftError } from '../common/errors';
import type { BroadcastPlan } from './backend';

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function broadcastShapes(a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new SiftError(
        'SHAPE_MISMATCH',
        `cannot broadcast shapes [${a.join(', ')}] and [${b.join(', ')}]`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides that read `shape` as if it were broadcast to `outShape` (0 on broadcast dims). */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const strides = contiguousStrides(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((_d, i) => {
    const j = i - offset;
    if (j < 0 || shape[j] === 1) return 0;
    return strides[j];
  });
}

/**
 * A broadcast plan with adjacent dims merged where both inputs stay contiguous together, so the
 * GPU kernel loops over as few dims as possible (a rank of at most 6 is supported).
 */
export function broadcastPlan(a: Shape, b: Shape): BroadcastPlan {
  const outShape = broadcastShapes(a, b);
  const as = broadcastStrides(a, outShape);
  const bs = broadcastStrides(b, outShape);
  const shape: number[] = [];
  const sa: number[] = [];
  const sb: number[] = [];
  for (let i = 0; i < outShape.length; i++) {
    if (outShape[i] === 1) continue;
    const last = shape.length - 1;
    if (last >= 0 && sa[last] === as[i] * outShape[i] && sb[last] === bs[i] * outShape[i]) {
      shape[last] *= outShape[i];
      sa[last] = as[i];
      sb[last] = bs[i];
    } else {
      shape.push(outShape[i]);
      sa.push(as[i]);
      sb.push(bs[i]);
    }
  }
  if (shape.length === 0) return { outShape: [1], aStrides: [0], bStrides: [0] };
  return { outShape: shape, aStrides: sa, bStrides: sb };
}

/** Normalise a possibly negative axis. */
export function normAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank)
    throw new SiftError('INVALID_ARGUMENT', `axis ${axis} out of range for rank ${rank}`);
  return a;
}

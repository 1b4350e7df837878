// CPU reference for reductions over the middle axis of (outer, size, inner) and row argmax, in float64.
import type { ReduceOp, Storage } from '../tensor/backend';
import { cpu, wrap } from './storage';

export function reduce(
  op: ReduceOp,
  x: Storage,
  outer: number,
  size: number,
  inner: number,
): Storage {
  if (op === 'max' && size === 0 && outer * inner > 0)
    throw new Error('reduce max over an empty axis');
  const xs = cpu(x);
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < inner; c++) {
      let acc = op === 'sum' ? 0 : -Infinity;
      for (let j = 0; j < size; j++) {
        const v = xs[(o * size + j) * inner + c];
        acc = op === 'sum' ? acc + v : Math.max(acc, v);
      }
      out[o * inner + c] = acc;
    }
  }
  return wrap(out);
}

/** Index of each row's maximum; the first one on ties. */
export function argmax(x: Storage, rows: number, cols: number): Storage {
  const xs = cpu(x);
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let j = 1; j < cols; j++) {
      if (xs[r * cols + j] > xs[r * cols + best]) best = j;
    }
    out[r] = best;
  }
  return wrap(out);
}

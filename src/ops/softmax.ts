// Softmax and log-softmax along one axis, forward and backward together. Softmax runs on the
// backend's row primitive over the last axis; another axis is permuted last and back (two copies).
// Log-softmax is composed from reductions and elementwise primitives:
// x - max - log(sum(exp(x - max))).
import type { Storage } from '../tensor/backend';
import { broadcastPlan, normAxis, type Shape, sizeOf } from '../tensor/shape';
import { record } from '../tensor/tape';
import { Tensor } from '../tensor/tensor';
import { permute } from './shape';

// Axis order that moves `axis` last, and its inverse.
function axisLast(rank: number, axis: number): { there: number[]; back: number[] } {
  const there = [...Array.from({ length: rank }, (_, i) => i).filter((i) => i !== axis), axis];
  const back = new Array<number>(rank);
  there.forEach((a, i) => (back[a] = i));
  return { there, back };
}

/** softmax(x) along `axis` (default the last): x (...) -> the same shape, each slice sums to 1. */
export function softmax(x: Tensor, axis = -1): Tensor {
  const ax = normAxis(axis, x.rank);
  if (ax !== x.rank - 1) {
    const { there, back } = axisLast(x.rank, ax);
    return permute(softmax(permute(x, there)), back);
  }
  const b = x.backend;
  const cols = x.shape[ax];
  const rows = sizeOf(x.shape.slice(0, ax));
  const out = new Tensor(b, b.softmax(x.storage, rows, cols), x.shape);
  // The backward needs only the output: dx = y * (dy - sum(dy * y)).
  return record(out, 'softmax', [x], (g) => [
    new Tensor(b, b.softmaxBackward(out.storage, g.storage, rows, cols), x.shape),
  ]);
}

/**
 * log(softmax(x)) along `axis` (default the last), computed as x - max - log(sum(exp(x - max)))
 * so that it stays finite where softmax underflows to 0. x (...) -> the same shape.
 */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const b = x.backend;
  const ax = normAxis(axis, x.rank);
  const outer = sizeOf(x.shape.slice(0, ax));
  const size = x.shape[ax];
  const inner = sizeOf(x.shape.slice(ax + 1));
  const kept: Shape = [outer, 1, inner];
  const full: Shape = [outer, size, inner];
  const temps: Storage[] = [];
  const temp = (s: Storage) => (temps.push(s), s);

  const m = temp(b.reduce('max', x.storage, outer, size, inner));
  const shifted = temp(b.binary('sub', x.storage, m, broadcastPlan(full, kept)));
  const sumExp = temp(b.reduce('sum', temp(b.unary('exp', shifted)), outer, size, inner));
  const out = new Tensor(
    b,
    b.binary('sub', shifted, temp(b.unary('log', sumExp)), broadcastPlan(full, kept)),
    x.shape,
  );
  for (const s of temps) b.release(s);

  // d out_c / d x_k = [c == k] - softmax_k, so dx = dy - softmax * sum(dy), softmax = exp(out).
  return record(out, 'logSoftmax', [x], (g) => {
    const gSum = b.reduce('sum', g.storage, outer, size, inner);
    const probs = b.unary('exp', out.storage);
    const spread = b.binary('mul', probs, gSum, broadcastPlan(full, kept));
    const dx = b.binary('sub', g.storage, spread, broadcastPlan(full, full));
    for (const s of [gSum, probs, spread]) b.release(s);
    return [new Tensor(b, dx, x.shape)];
  });
}

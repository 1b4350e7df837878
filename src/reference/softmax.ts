// CPU reference for softmax and softmax-cross-entropy over the last axis of (rows, cols), float64,
// written from the definitions: softmax(x)_c = exp(x_c) / sum_k exp(x_k), shifted by the row max
// (which leaves the value unchanged) so that exp cannot overflow.
import { checkLabel } from '../common/labels';
import type { Storage, CrossEntropyBackwardArgs } from '../tensor/backend';
import { cpu, wrap } from './storage';

function rowMax(x: Float64Array, base: number, cols: number): number {
  let m = -Infinity;
  for (let c = 0; c < cols; c++) m = Math.max(m, x[base + c]);
  return m;
}

/** log(sum(exp(x))) of one row, as max + log(sum(exp(x - max))). */
function logSumExp(x: Float64Array, base: number, cols: number): number {
  const m = rowMax(x, base, cols);
  let s = 0;
  for (let c = 0; c < cols; c++) s += Math.exp(x[base + c] - m);
  return m + Math.log(s);
}

function labelOf(labels: Float64Array, row: number, cols: number): number {
  return checkLabel(labels[row], row, cols);
}

/** x (rows, cols) -> softmax over each row. */
export function softmax(x: Storage, rows: number, cols: number): Storage {
  const xs = cpu(x);
  const y = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    const lse = logSumExp(xs, base, cols);
    for (let c = 0; c < cols; c++) y[base + c] = Math.exp(xs[base + c] - lse);
  }
  return wrap(y);
}

/** dx_c = sum_k dy_k * (d y_k / d x_c), with d y_k / d x_c = y_k * ([k == c] - y_c). */
export function softmaxBackward(y: Storage, dy: Storage, rows: number, cols: number): Storage {
  const ys = cpu(y);
  const g = cpu(dy);
  const dx = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let dot = 0;
    for (let c = 0; c < cols; c++) dot += g[base + c] * ys[base + c];
    for (let c = 0; c < cols; c++) dx[base + c] = ys[base + c] * (g[base + c] - dot);
  }
  return wrap(dx);
}

/** loss[row] = -log softmax(logits[row])[label] = logsumexp(logits[row]) - logits[row, label]. */
export function crossEntropy(
  logits: Storage,
  labels: Storage,
  rows: number,
  cols: number,
): Storage {
  const x = cpu(logits);
  const ls = cpu(labels);
  const loss = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    loss[r] = logSumExp(x, base, cols) - x[base + labelOf(ls, r, cols)];
  }
  return wrap(loss);
}

/** d loss[row] / d logits[row, c] = softmax_c - [c == label], scaled by dloss[row]. */
export function crossEntropyBackward(
  { logits, labels, dloss }: CrossEntropyBackwardArgs,
  rows: number,
  cols: number,
): Storage {
  const x = cpu(logits);
  const ls = cpu(labels);
  const g = cpu(dloss);
  const dx = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    const lse = logSumExp(x, base, cols);
    const label = labelOf(ls, r, cols);
    for (let c = 0; c < cols; c++) {
      dx[base + c] = (Math.exp(x[base + c] - lse) - (c === label ? 1 : 0)) * g[r];
    }
  }
  return wrap(dx);
}

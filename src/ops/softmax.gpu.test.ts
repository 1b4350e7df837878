// Softmax and softmax-cross-entropy kernels against the float64 CPU reference, on awkward shapes
// (rows 1, 3, 33; cols 1, 7, 65, 1000, 5000), a GPT-sized row, logits thousands apart, and more
// rows than one grid dimension holds; plus the ops softmax, logSoftmax and crossEntropyLoss.
import { describe, expect, it } from 'vitest';
import type { Backend, Storage } from '../tensor/backend';
import { backward } from '../tensor/tape';
import { tensor } from '../tensor/tensor';
import { cpuBackend, gpuBackend } from '../testing/backends';
import { expectClose } from '../testing/expect-close';
import { randomValues } from '../testing/shapes';
import { crossEntropyLoss } from './loss';
import { logSoftmax, softmax } from './softmax';

const rowCounts = [1, 3, 33];
const colCounts = [1, 7, 65, 1000, 5000];

/** Run `f` on the CPU reference and on the GPU with the same inputs; read both results. */
async function onBoth(
  inputs: ArrayLike<number>[],
  f: (b: Backend, xs: Storage[]) => Storage,
): Promise<{ got: Float32Array; want: Float32Array }> {
  const { gpu } = await gpuBackend();
  const want = await cpuBackend.read(
    f(
      cpuBackend,
      inputs.map((v) => cpuBackend.upload(v)),
    ),
  );
  const got = await gpu.read(
    f(
      gpu,
      inputs.map((v) => gpu.upload(v)),
    ),
  );
  return { got, want };
}

function classLabels(rows: number, cols: number, seed: number): Float32Array {
  return randomValues(rows, seed).map((v) => Math.min(cols - 1, Math.floor(((v + 1) / 2) * cols)));
}

// float32 softmax: exp is accurate to a few ulp and each row's sum to about sqrt(cols) ulp, so
// outputs carry a small relative error; atol covers probabilities near 0.
const probTol = { atol: 1e-6, rtol: 1e-4 };

describe('softmax kernels vs CPU reference', () => {
  for (const rows of rowCounts) {
    for (const cols of colCounts) {
      it(`softmax forward and backward, rows=${rows} cols=${cols}`, async () => {
        const x = randomValues(rows * cols, rows * 7 + cols).map((v) => 4 * v);
        const y = await onBoth([x], (b, [xs]) => b.softmax(xs, rows, cols));
        expectClose(y.got, y.want, { ...probTol, label: `softmax ${rows}x${cols}` });

        // Both backends get the same y, so the check isolates the backward kernel.
        const dy = randomValues(rows * cols, cols + 3);
        const dx = await onBoth([y.want, dy], (b, [ys, dys]) =>
          b.softmaxBackward(ys, dys, rows, cols),
        );
        expectClose(dx.got, dx.want, {
          atol: 1e-6,
          rtol: 1e-4,
          label: `softmaxBackward ${rows}x${cols}`,
        });
      });
    }
  }

  it('softmax of a GPT-2-vocabulary row (cols = 50257) sums to 1', async () => {
    const cols = 50257;
    const x = randomValues(cols, 5).map((v) => 8 * v);
    const { got, want } = await onBoth([x], (b, [xs]) => b.softmax(xs, 1, cols));
    expectClose(got, want, { ...probTol, label: 'softmax 1x50257' });
    expect(got.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 4);
  });

  it('softmax of logits 2000 apart: no overflow, exact 0 and 1 where due', async () => {
    const rows = 3;
    const cols = 65;
    const x = randomValues(rows * cols, 9).map((v) => 1000 * v);
    const { got, want } = await onBoth([x], (b, [xs]) => b.softmax(xs, rows, cols));
    expect(got.every(Number.isFinite)).toBe(true);
    expectClose(got, want, { ...probTol, label: 'softmax of large logits' });
  });

  it('more rows than one grid dimension holds (65537 rows)', async () => {
    // Short rows keep this cheap on SwiftShader: two threads per workgroup.
    const rows = 65537;
    const cols = 2;
    const x = randomValues(rows * cols, 11).map((v) => 4 * v);
    const { got, want } = await onBoth([x], (b, [xs]) => b.softmax(xs, rows, cols));
    expectClose(got, want, { ...probTol, label: 'softmax 65537x2' });
    const labels = classLabels(rows, cols, 12);
    const loss = await onBoth([x, labels], (b, [xs, ls]) => b.crossEntropy(xs, ls, rows, cols));
    expectClose(loss.got, loss.want, { atol: 1e-5, rtol: 1e-5, label: 'crossEntropy 65537x2' });
  });
});

describe('cross-entropy kernels vs CPU reference', () => {
  for (const rows of rowCounts) {
    for (const cols of colCounts) {
      it(`crossEntropy forward and backward, rows=${rows} cols=${cols}`, async () => {
        const x = randomValues(rows * cols, rows * 13 + cols).map((v) => 4 * v);
        const labels = classLabels(rows, cols, rows + cols);
        const loss = await onBoth([x, labels], (b, [xs, ls]) => b.crossEntropy(xs, ls, rows, cols));
        // The loss is logsumexp - logit: up to ~log(cols) + 8, with float32 rounding of both terms.
        expectClose(loss.got, loss.want, {
          atol: 1e-5,
          rtol: 1e-5,
          label: `crossEntropy ${rows}x${cols}`,
        });
        if (cols === 1) expect(Array.from(loss.got)).toEqual(new Array(rows).fill(0));

        const dloss = randomValues(rows, cols + 5);
        const dx = await onBoth([x, labels, dloss], (b, [xs, ls, dl]) =>
          b.crossEntropyBackward({ logits: xs, labels: ls, dloss: dl }, rows, cols),
        );
        expectClose(dx.got, dx.want, { ...probTol, label: `crossEntropyBackward ${rows}x${cols}` });
      });
    }
  }

  it('logits ~1e3 apart stay finite and exact (cols 1, 7, 1000)', async () => {
    for (const cols of [1, 7, 1000]) {
      const rows = 3;
      const x = randomValues(rows * cols, cols).map((v) => 1500 * v);
      // Include each row's smallest logit as a label: its loss is ~3000, the hardest case.
      const labels = Float32Array.from({ length: rows }, (_, r) => {
        const row = x.subarray(r * cols, (r + 1) * cols);
        return r === 0
          ? row.indexOf(Math.min(...row))
          : r === 1
            ? row.indexOf(Math.max(...row))
            : 0;
      });
      const loss = await onBoth([x, labels], (b, [xs, ls]) => b.crossEntropy(xs, ls, rows, cols));
      expect(loss.got.every(Number.isFinite)).toBe(true);
      // float32 holds a loss of ~3000 to about 2.4e-4.
      expectClose(loss.got, loss.want, {
        atol: 1e-4,
        rtol: 1e-6,
        label: `crossEntropy large logits cols=${cols}`,
      });
      const dloss = new Float32Array(rows).fill(1);
      const dx = await onBoth([x, labels, dloss], (b, [xs, ls, dl]) =>
        b.crossEntropyBackward({ logits: xs, labels: ls, dloss: dl }, rows, cols),
      );
      expectClose(dx.got, dx.want, {
        ...probTol,
        label: `crossEntropyBackward large logits cols=${cols}`,
      });
    }
  });
});

describe('softmax ops on the GPU vs the CPU reference', () => {
  async function runOps(b: Backend, x: Float32Array, labels: Float32Array) {
    const logits = tensor(b, x, [2, 3, 7], { requiresGrad: true });
    const y = tensor(b, labels, [2, 3]);
    const probs = softmax(logits, 1);
    const logProbs = logSoftmax(logits);
    const loss = crossEntropyLoss(logits, y);
    backward(loss);
    return {
      probs: await probs.data(),
      logProbs: await logProbs.data(),
      loss: await loss.data(),
      grad: await logits.grad!.data(),
    };
  }

  it('softmax over an inner axis, logSoftmax, and the mean loss with its gradient', async () => {
    const { gpu } = await gpuBackend();
    const x = randomValues(42, 21).map((v) => 5 * v);
    const labels = classLabels(6, 7, 22);
    const want = await runOps(cpuBackend, x, labels);
    const got = await runOps(gpu, x, labels);
    expectClose(got.probs, want.probs, { ...probTol, label: 'softmax axis 1' });
    expectClose(got.logProbs, want.logProbs, { atol: 1e-5, rtol: 1e-5, label: 'logSoftmax' });
    expectClose(got.loss, want.loss, { atol: 1e-5, rtol: 1e-5, label: 'crossEntropyLoss' });
    expectClose(got.grad, want.grad, { atol: 1e-6, rtol: 1e-4, label: 'crossEntropyLoss grad' });
  });
});

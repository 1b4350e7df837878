// Layer norm and batch norm kernels against the float64 CPU reference on awkward shapes (rows 1,
// 3, 33; cols 1, 7, 65, 1000, 5000; 131072 values per channel; more rows or channels than one grid
// dimension holds), and the ops on the GPU: gradients through the tape, and batchNorm2d's running
// statistics updated on the device without a readback.
import { describe, expect, it } from 'vitest';
import type { Backend, BatchNormPlan, Storage } from '../tensor/backend';
import { backward } from '../tensor/tape';
import { tensor, type Tensor } from '../tensor/tensor';
import { cpuBackend, gpuBackend } from '../testing/backends';
import { expectClose } from '../testing/expect-close';
import { fusedBatchNormResults, type FusedCase } from '../testing/fused-batchnorm';
import { randomValues } from '../testing/shapes';
import { batchNorm2d, layerNorm } from './norm';

/** Run `f` on the CPU reference and on the GPU with the same inputs; read every result. */
async function onBoth(
  inputs: ArrayLike<number>[],
  f: (b: Backend, xs: Storage[]) => Storage[],
): Promise<{ got: Float32Array[]; want: Float32Array[] }> {
  const { gpu } = await gpuBackend();
  const readAll = (b: Backend, outs: Storage[]) => Promise.all(outs.map((s) => b.read(s)));
  const want = await readAll(
    cpuBackend,
    f(
      cpuBackend,
      inputs.map((v) => cpuBackend.upload(v)),
    ),
  );
  const got = await readAll(
    gpu,
    f(
      gpu,
      inputs.map((v) => gpu.upload(v)),
    ),
  );
  return { got, want };
}

// Sums over a reduction of length k in float32 carry about sqrt(k) roundings of their size.
const sumTol = (k: number) => ({ atol: 2e-6 * Math.sqrt(k), rtol: 1e-4 });

describe('layer norm kernels vs CPU reference', () => {
  const shapes: [number, number][] = [];
  for (const rows of [1, 3, 33])
    for (const cols of [1, 7, 65, 1000, 5000]) shapes.push([rows, cols]);
  // Column sums of dgamma/dbeta over many rows (and 32-column tiles +- 1); rows past one grid dim.
  shapes.push([300, 33], [257, 31], [65537, 1]);

  for (const [rows, cols] of shapes) {
    it(`layerNorm forward and backward, rows=${rows} cols=${cols}`, async () => {
      const n = rows * cols;
      // A mean offset of 3 checks that the variance survives a large mean.
      const x = randomValues(n, rows + 17 * cols).map((v) => 2 * v + 3);
      const gamma = randomValues(cols, cols + 1).map((v) => v + 1.5);
      const beta = randomValues(cols, cols + 2);
      const eps = 1e-5;
      const fwd = await onBoth([x, gamma, beta], (b, [xs, g, bt]) => {
        const s = b.layerNorm({ x: xs, gamma: g, beta: bt }, { rows, cols, eps });
        return [s.out, s.mean, s.rstd];
      });
      const [out, mean, rstd] = fwd.want;
      expectClose(fwd.got[0], out, {
        atol: 1e-5,
        rtol: 1e-4,
        label: `layerNorm out ${rows}x${cols}`,
      });
      expectClose(fwd.got[1], mean, { atol: 1e-5, rtol: 1e-5, label: 'layerNorm mean' });
      // cols = 1: variance 0, so rstd = 1/sqrt(eps) ~ 316.
      expectClose(fwd.got[2], rstd, { atol: 1e-5, rtol: 1e-4, label: 'layerNorm rstd' });

      // Both backends get the CPU statistics, so the check isolates the backward kernels.
      const dy = randomValues(n, cols + 3);
      const bwd = await onBoth([x, gamma, dy, mean, rstd], (b, [xs, g, d, m, r]) => {
        const grads = b.layerNormBackward({ x: xs, gamma: g, dy: d, mean: m, rstd: r }, rows, cols);
        return [grads.dx, grads.dgamma, grads.dbeta];
      });
      expectClose(bwd.got[0], bwd.want[0], { atol: 1e-5, rtol: 1e-4, label: 'layerNorm dx' });
      expectClose(bwd.got[1], bwd.want[1], { ...sumTol(rows), label: 'layerNorm dgamma' });
      expectClose(bwd.got[2], bwd.want[2], { ...sumTol(rows), label: 'layerNorm dbeta' });
    });
  }
});

describe('batch norm kernels vs CPU reference', () => {
  // (n, channels, spatial): single values, (N, C) inputs, odd sizes, 128 x 32 x 32 = 131072 values
  // per channel, and more channels than one grid dimension holds.
  const shapes: [number, number, number][] = [
    [1, 1, 2],
    [2, 3, 1],
    [3, 1, 7],
    [4, 5, 9],
    [33, 3, 65],
    [128, 2, 1024],
    [2, 65537, 1],
  ];
  // Plain, and with the residual add and ReLU fused in (relu alone and residual alone run through
  // the ops test below).
  const fusions = [
    { residual: false, relu: false },
    { residual: true, relu: true },
  ];
  for (const [n, channels, spatial] of shapes)
    for (const fused of fusions) {
      const label = `n=${n} C=${channels} spatial=${spatial}${fused.relu ? ' + residual + relu' : ''}`;
      it(`batchNorm train, apply, backward: ${label}`, async () => {
        const size = n * channels * spatial;
        const count = n * spatial;
        const x = randomValues(size, n + 7 * channels + 31 * spatial).map((v) => 2 * v - 1);
        const gamma = randomValues(channels, channels + 1).map((v) => v + 1.5);
        const beta = randomValues(channels, channels + 2);
        const residual = randomValues(size, size + 3);
        const runningMean = randomValues(channels, channels + 4);
        const runningVar = randomValues(channels, channels + 5).map((v) => v + 1.5);
        const plan: BatchNormPlan = {
          ...{ n, channels, spatial, branches: 1, eps: 1e-5, momentum: 0.1 },
          ...fused,
        };
        const fwd = await onBoth(
          [x, gamma, beta, residual, runningMean, runningVar],
          (b, [xs, g, bt, r, rm, rv]) => {
            const args = { x: xs, gamma: g, beta: bt, residual: fused.residual ? r : null };
            const s = b.batchNormTrain({ ...args, runningMean: rm, runningVar: rv }, plan);
            return [s.out, s.mean, s.rstd, rm, rv];
          },
        );
        const [out, mean, rstd] = fwd.want;
        // x - mean carries a float32 rounding of about 2^-24 * |x|, which rstd * gamma amplifies:
        // up to 316 * 2.5 where a channel's few values nearly coincide (rstd -> 1 / sqrt(eps)).
        const maxAbs = (v: Float32Array) => v.reduce((m, e) => Math.max(m, Math.abs(e)), 0);
        const amplification = maxAbs(rstd) * maxAbs(gamma);
        const maxAbsX = maxAbs(x);
        const normTol = { atol: 1e-5 + 4 * 2 ** -24 * maxAbsX * amplification, rtol: 1e-4 };
        expectClose(fwd.got[0], out, { ...normTol, label: 'batchNorm out' });
        expectClose(fwd.got[1], mean, { atol: 2e-6, rtol: 1e-4, label: 'batchNorm mean' });
        expectClose(fwd.got[2], rstd, { atol: 1e-5, rtol: 1e-4, label: 'batchNorm rstd' });
        expectClose(fwd.got[3], fwd.want[3], { atol: 1e-6, rtol: 1e-4, label: 'running mean' });
        expectClose(fwd.got[4], fwd.want[4], { atol: 1e-6, rtol: 1e-4, label: 'running var' });

        const applied = await onBoth([x, gamma, beta, mean, rstd], (b, [xs, g, bt, m, r]) => [
          b.batchNormApply(
            { x: xs, gamma: g, beta: bt, mean: m, rstd: r },
            { n, channels, spatial },
          ),
        ]);
        if (!fused.relu) {
          expectClose(applied.got[0], applied.want[0], { ...normTol, label: 'batchNormApply' });
        }

        // Both backends get the CPU output (the ReLU's mask) and statistics.
        const dy = randomValues(size, size + 5);
        const bwd = await onBoth([x, gamma, dy, mean, rstd, out], (b, [xs, g, d, m, r, o]) => {
          const args = { x: xs, gamma: g, dy: d, mean: m, rstd: r, out: o };
          const grads = b.batchNormBackward(args, plan);
          return [
            grads.dx,
            grads.dgamma,
            grads.dbeta,
            ...(grads.dresidual ? [grads.dresidual] : []),
          ];
        });
        expect(bwd.got.length).toBe(fused.relu ? 4 : 3);
        expectClose(bwd.got[0], bwd.want[0], { ...normTol, label: 'batchNorm dx' });
        expectClose(bwd.got[1], bwd.want[1], { ...sumTol(count), label: 'batchNorm dgamma' });
        expectClose(bwd.got[2], bwd.want[2], { ...sumTol(count), label: 'batchNorm dbeta' });
        if (fused.relu) {
          expectClose(bwd.got[3], bwd.want[3], { atol: 0, rtol: 0, label: 'dresidual' });
          // The ReLU cut something: the fused path is not the plain one in disguise.
          expect(bwd.want[3].some((v, i) => v === 0 && dy[i] !== 0)).toBe(true);
        }
      });
    }
});

describe('norm ops on the GPU vs the CPU reference', () => {
  it('layerNorm through the tape: output and gradients of x, gamma, beta', async () => {
    const run = async (b: Backend) => {
      const x = tensor(b, randomValues(3 * 4 * 65, 1), [3, 4, 65], { requiresGrad: true });
      const gamma = tensor(
        b,
        randomValues(65, 2).map((v) => v + 1),
        [65],
        { requiresGrad: true },
      );
      const beta = tensor(b, randomValues(65, 3), [65], { requiresGrad: true });
      const out = layerNorm(x, gamma, beta);
      backward(out, tensor(b, randomValues(out.size, 4), out.shape));
      return Promise.all([out, x.grad!, gamma.grad!, beta.grad!].map((t) => t.data()));
    };
    const want = await run(cpuBackend);
    const got = await run((await gpuBackend()).gpu);
    ['out', 'dx', 'dgamma', 'dbeta'].forEach((label, i) =>
      expectClose(got[i], want[i], { atol: 1e-5, rtol: 1e-4, label }),
    );
  });

  it('batchNorm2d fused with residual and ReLU matches the composed ops on the GPU', async () => {
    const { gpu } = await gpuBackend();
    // 7 x 5 spatial and 3 channels: nothing is a multiple of a tile; batch 1 once.
    const cases: FusedCase[] = [
      { shape: [2, 3, 7, 5], residual: true, relu: true, seed: 70 },
      { shape: [1, 5, 3, 3], residual: false, relu: true, seed: 71 },
      { shape: [3, 2, 1, 1], residual: true, relu: false, seed: 72 },
    ];
    for (const c of cases) {
      const fused = await fusedBatchNormResults(gpu, c, true);
      const composed = await fusedBatchNormResults(gpu, c, false);
      const reference = await fusedBatchNormResults(cpuBackend, c, true);
      fused.forEach((v, i) => {
        expectClose(v, composed[i], { atol: 1e-5, rtol: 1e-4, label: `vs composed ${i}` });
        expectClose(v, reference[i], { atol: 1e-5, rtol: 1e-4, label: `vs reference ${i}` });
      });
    }
  });

  it('batchNorm2d over stacked branches (Sparse Parallel) matches the composition and the CPU', async () => {
    const { gpu } = await gpuBackend();
    // n = 1, 2, 10 branches of 1, 3, 17 output channels, batch 1 and 3, odd spatial sizes.
    const cases: FusedCase[] = [
      { shape: [3, 17, 3, 1], branches: 1, residual: true, relu: true, seed: 73 },
      { shape: [1, 6, 5, 3], branches: 2, residual: true, relu: true, seed: 74 },
      { shape: [3, 34, 1, 3], branches: 2, residual: false, relu: true, seed: 75 },
      { shape: [3, 30, 3, 1], branches: 10, residual: true, relu: false, seed: 76 },
      { shape: [1, 10, 3, 3], branches: 10, residual: true, relu: true, seed: 77 },
    ];
    for (const c of cases) {
      const fused = await fusedBatchNormResults(gpu, c, true);
      const composed = await fusedBatchNormResults(gpu, c, false);
      const reference = await fusedBatchNormResults(cpuBackend, c, true);
      fused.forEach((v, i) => {
        const label = `${c.shape.join('x')}/${c.branches}: result ${i}`;
        expectClose(v, composed[i], { atol: 1e-5, rtol: 1e-4, label: `vs composed ${label}` });
        expectClose(v, reference[i], { atol: 1e-5, rtol: 1e-4, label: `vs reference ${label}` });
      });
    }
  });

  it('batchNorm2d: training updates running stats without a readback; eval uses them', async () => {
    const [n, c, h, w] = [4, 3, 5, 5];
    const xValues = randomValues(n * c * h * w, 5).map((v) => 3 * v + 1);
    const run = async (b: Backend, countReadbacks: () => number) => {
      const x = tensor(b, xValues, [n, c, h, w], { requiresGrad: true });
      const gamma = tensor(b, [0.5, 1, 2], [c], { requiresGrad: true });
      const beta = tensor(b, [0, 0.1, -0.2], [c], { requiresGrad: true });
      const runningMean = tensor(b, [0.1, 0.2, 0.3], [c]);
      const runningVar = tensor(b, [1, 2, 0.5], [c]);
      const readsBefore = countReadbacks();
      let train: Tensor | null = null;
      for (let step = 0; step < 2; step++) {
        train = batchNorm2d(x, gamma, beta, runningMean, runningVar, {
          training: true,
          momentum: 0.2,
        });
      }
      backward(train!, tensor(b, randomValues(train!.size, 6), train!.shape));
      const evalOut = batchNorm2d(x, gamma, beta, runningMean, runningVar, { training: false });
      const readsDuring = countReadbacks() - readsBefore;
      const values = await Promise.all(
        [train!, runningMean, runningVar, evalOut, x.grad!, gamma.grad!, beta.grad!].map((t) =>
          t.data(),
        ),
      );
      return { values, readsDuring };
    };
    const want = await run(cpuBackend, () => 0);
    const { rt, gpu } = await gpuBackend();
    const got = await run(gpu, () => rt.counters.readbacks);
    expect(got.readsDuring).toBe(0);
    const labels = ['train out', 'runningMean', 'runningVar', 'eval out', 'dx', 'dgamma', 'dbeta'];
    labels.forEach((label, i) =>
      expectClose(got.values[i], want.values[i], { atol: 1e-5, rtol: 1e-4, label }),
    );
    // The running statistics moved: two updates with momentum 0.2 from the initial values.
    expect(Math.abs(want.values[1][0] - 0.1)).toBeGreaterThan(1e-3);
  });
});

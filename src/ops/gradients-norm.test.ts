// Softmax, cross-entropy, layer norm and batch norm: tape gradients against central finite
// differences in float64 on the CPU reference, plus the reference primitives and the running
// statistics on small cases worked out by hand.
import { describe, expect, it } from 'vitest';
import { isSiftError } from '../common/errors';
import { CpuBackend } from '../reference/backend';
import { backward } from '../tensor/tape';
import { tensor, type Tensor } from '../tensor/tensor';
import { expectClose } from '../testing/expect-close';
import { gradcheck, type GradcheckInput } from '../testing/gradcheck';
import { fusedBatchNormResults, type FusedCase } from '../testing/fused-batchnorm';
import { randomValues } from '../testing/shapes';
import { crossEntropy, crossEntropyLoss } from './loss';
import { batchNorm2d, layerNorm } from './norm';
import { logSoftmax, softmax } from './softmax';

const cpu = new CpuBackend();

function input(
  shape: number[],
  seed: number,
  map: (v: number) => number = (v) => v,
): GradcheckInput {
  const n = shape.reduce((p, d) => p * d, 1);
  return { values: Array.from(randomValues(n, seed), map), shape };
}

// Integer class indices in [0, classes), not differentiated.
function labels(shape: number[], classes: number, seed: number): GradcheckInput {
  const n = shape.reduce((p, d) => p * d, 1);
  const values = Array.from(randomValues(n, seed), (v) =>
    Math.min(classes - 1, Math.floor(((v + 1) / 2) * classes)),
  );
  return { values, shape, differentiable: false };
}

function expectGradOk(f: (xs: Tensor[]) => Tensor, inputs: GradcheckInput[], tol = 1e-6): void {
  const r = gradcheck(f, inputs);
  expect(r.checked).toBeGreaterThan(0);
  expect(r.maxAbsError).toBeLessThan(tol);
}

const read = (t: Tensor) => cpu.readF64(t.storage);
const positive = (v: number) => Math.abs(v) + 0.5;

describe('softmax and cross-entropy gradients match finite differences', () => {
  it('softmax over the last axis and over inner axes', () => {
    expectGradOk(([x]) => softmax(x), [input([3, 5], 1, (v) => 3 * v)]);
    expectGradOk(([x]) => softmax(x, 0), [input([4, 3], 2, (v) => 3 * v)]);
    expectGradOk(([x]) => softmax(x, 1), [input([2, 3, 4], 3, (v) => 3 * v)]);
  });

  it('logSoftmax over the last axis and an inner axis', () => {
    expectGradOk(([x]) => logSoftmax(x), [input([3, 5], 4, (v) => 3 * v)]);
    expectGradOk(([x]) => logSoftmax(x, 1), [input([2, 3, 4], 5, (v) => 3 * v)]);
  });

  it('per-row cross-entropy w.r.t. the logits, with a single class and many', () => {
    expectGradOk(
      ([x, y]) => crossEntropy(x, y),
      [input([4, 6], 6, (v) => 3 * v), labels([4], 6, 7)],
    );
    expectGradOk(([x, y]) => crossEntropy(x, y), [input([3, 1], 8), labels([3], 1, 9)]);
  });

  it('mean cross-entropy loss over (B, T, V) logits', () => {
    expectGradOk(
      ([x, y]) => crossEntropyLoss(x, y),
      [input([2, 3, 5], 10, (v) => 3 * v), labels([2, 3], 5, 11)],
    );
  });
});

describe('norm gradients match finite differences', () => {
  it('layerNorm w.r.t. x, gamma and beta', () => {
    expectGradOk(
      ([x, g, b]) => layerNorm(x, g, b),
      [input([4, 6], 12, (v) => 2 * v + 1), input([6], 13, positive), input([6], 14)],
    );
    expectGradOk(
      ([x, g, b]) => layerNorm(x, g, b, 1e-3),
      [input([2, 3, 5], 15), input([5], 16, positive), input([5], 17)],
    );
  });

  it('batchNorm2d in training mode w.r.t. x, gamma and beta, NCHW and (N, C)', () => {
    const f =
      (channels: number) =>
      ([x, g, b]: Tensor[]) =>
        batchNorm2d(
          x,
          g,
          b,
          tensor(cpu, new Float64Array(channels), [channels]),
          tensor(cpu, new Float64Array(channels).fill(1), [channels]),
          { training: true },
        );
    expectGradOk(f(2), [
      input([3, 2, 2, 3], 18, (v) => 2 * v + 1),
      input([2], 19, positive),
      input([2], 20),
    ]);
    expectGradOk(f(3), [input([5, 3], 21), input([3], 22, positive), input([3], 23)]);
  });

  it('batchNorm2d fused with a residual add and ReLU w.r.t. x, gamma, beta and the residual', () => {
    const stats = () => [tensor(cpu, [0.1, -0.2], [2]), tensor(cpu, [1, 2], [2])];
    for (const [residual, relu] of [
      [true, true],
      [false, true],
      [true, false],
    ]) {
      expectGradOk(
        ([x, g, b, r]) => {
          const [runningMean, runningVar] = stats();
          return batchNorm2d(x, g, b, runningMean, runningVar, {
            training: true,
            residual: residual ? r : null,
            relu,
          });
        },
        [
          input([3, 2, 2, 3], 40, (v) => 2 * v + 1),
          input([2], 41, positive),
          input([2], 42),
          { ...input([3, 2, 2, 3], 43), differentiable: residual },
        ],
      );
    }
  });

  it('batchNorm2d in eval mode w.r.t. x, gamma and beta', () => {
    const runningMean = tensor(cpu, [0.3, -0.2], [2]);
    const runningVar = tensor(cpu, [0.5, 2], [2]);
    expectGradOk(
      ([x, g, b]) => batchNorm2d(x, g, b, runningMean, runningVar, { training: false }),
      [input([3, 2, 2, 2], 24), input([2], 25, positive), input([2], 26)],
    );
  });
});

describe('reference primitives and ops on hand-worked cases', () => {
  it('softmax and cross-entropy, including logits 2000 apart', () => {
    expectClose(
      read(softmax(tensor(cpu, [0, Math.log(2), 0, Math.log(3)], [2, 2]))),
      [1 / 3, 2 / 3, 1 / 4, 3 / 4],
      { atol: 1e-12 },
    );
    const logits = tensor(cpu, [0, Math.log(3), 1000, -1000], [2, 2]);
    const rows = read(crossEntropy(logits, tensor(cpu, [0, 1], [2])));
    // Row 2: logsumexp = 1000 + log(1 + e^-2000) = 1000, minus the label's logit -1000.
    expectClose(rows, [Math.log(4), 2000], { atol: 1e-12 });
    expect(read(crossEntropyLoss(logits, tensor(cpu, [0, 1], [2])))[0]).toBeCloseTo(
      (Math.log(4) + 2000) / 2,
      12,
    );
    expectClose(read(logSoftmax(tensor(cpu, [1000, -1000], [1, 2]))), [0, -2000], { atol: 1e-12 });
  });

  it('cross-entropy rejects a label outside [0, classes)', () => {
    const logits = tensor(cpu, [0, 1, 2], [1, 3]);
    for (const bad of [3, -1, 0.5]) {
      expect(() => crossEntropy(logits, tensor(cpu, [bad], [1]))).toThrow(/not a class/);
    }
  });

  it('layerNorm of [1, 2, 3] and its statistics', () => {
    const stats = cpu.layerNorm(
      { x: cpu.upload([1, 2, 3]), gamma: cpu.upload([2, 2, 2]), beta: cpu.upload([1, 1, 1]) },
      { rows: 1, cols: 3, eps: 0 },
    );
    const s = Math.sqrt(1.5); // rstd of [1, 2, 3]: biased variance 2/3
    expectClose(cpu.readF64(stats.out), [1 - 2 * s, 1, 1 + 2 * s], { atol: 1e-12 });
    expectClose(cpu.readF64(stats.mean), [2], { atol: 1e-12 });
    expectClose(cpu.readF64(stats.rstd), [s], { atol: 1e-12 });
  });

  it('layerNorm gradients of a sum: dx = 0, dgamma = sum xhat = 0, dbeta = rows', () => {
    const x = tensor(cpu, [1, 2, 3, 5, 7, 9], [2, 3], { requiresGrad: true });
    const g = tensor(cpu, [1, 1, 1], [3], { requiresGrad: true });
    const b = tensor(cpu, [0, 0, 0], [3], { requiresGrad: true });
    backward(layerNorm(x, g, b));
    expectClose(read(x.grad!), [0, 0, 0, 0, 0, 0], { atol: 1e-9 });
    // xhat of each row is [-1, 0, 1] * (row spacing) * rstd, with the default eps = 1e-5.
    const xhatEnd = 1 / Math.sqrt(2 / 3 + 1e-5) + 2 / Math.sqrt(8 / 3 + 1e-5);
    expectClose(read(g.grad!), [-xhatEnd, 0, xhatEnd], { atol: 1e-12 });
    expectClose(read(b.grad!), [2, 2, 2], { atol: 1e-12 });
  });

  it('batchNorm2d training: batch statistics and the PyTorch running update', () => {
    // One channel, values 1, 2 (sample 0) and 3, 4 (sample 1): mean 2.5, biased variance 1.25,
    // unbiased 5/3.
    const x = tensor(cpu, [1, 2, 3, 4], [2, 1, 2]);
    const runningMean = tensor(cpu, [1], [1]);
    const runningVar = tensor(cpu, [2], [1]);
    const out = batchNorm2d(
      x,
      tensor(cpu, [1], [1]),
      tensor(cpu, [0], [1]),
      runningMean,
      runningVar,
      {
        training: true,
        momentum: 0.25,
        eps: 0,
      },
    );
    const r = 1 / Math.sqrt(1.25);
    expectClose(read(out), [-1.5 * r, -0.5 * r, 0.5 * r, 1.5 * r], { atol: 1e-12 });
    expectClose(read(runningMean), [0.75 * 1 + 0.25 * 2.5], { atol: 1e-12 });
    expectClose(read(runningVar), [0.75 * 2 + 0.25 * (5 / 3)], { atol: 1e-12 });
  });

  it('batchNorm2d fused with residual and ReLU equals the composed ops, in training and eval', async () => {
    for (const [residual, relu] of [
      [true, true],
      [false, true],
      [true, false],
    ]) {
      const c: FusedCase = { shape: [3, 4, 3, 5], residual, relu, seed: 50 };
      const fused = await fusedBatchNormResults(cpu, c, true);
      const composed = await fusedBatchNormResults(cpu, c, false);
      expect(fused.length).toBe(residual ? 7 : 6);
      fused.forEach((v, i) => expectClose(v, composed[i], { atol: 1e-12, label: `result ${i}` }));
    }
    const x = tensor(cpu, randomValues(24, 60), [2, 3, 2, 2]);
    const r = tensor(cpu, randomValues(24, 61), [2, 3, 2, 2]);
    const [g, b] = [tensor(cpu, [1, 2, 0.5], [3]), tensor(cpu, [0, 0.1, -0.1], [3])];
    const [rm, rv] = [tensor(cpu, [0.1, 0, -0.1], [3]), tensor(cpu, [1, 2, 3], [3])];
    const evalFused = batchNorm2d(x, g, b, rm, rv, { training: false, residual: r, relu: true });
    const evalComposed = batchNorm2d(x, g, b, rm, rv, { training: false });
    const want = read(evalComposed).map((v, i) => Math.max(0, v + read(r)[i]));
    expectClose(read(evalFused), want, { atol: 1e-12 });
  });

  it('batchNorm2d over stacked branches (Sparse Parallel) equals BN, branch sum, add, ReLU', async () => {
    // n = 1, 2, 10 branches of 1, 3, 17 output channels, batch 1 and 3.
    const cases: FusedCase[] = [
      { shape: [3, 3, 2, 3], branches: 1, residual: true, relu: true, seed: 80 },
      { shape: [1, 2, 3, 3], branches: 2, residual: true, relu: true, seed: 81 },
      { shape: [3, 34, 2, 1], branches: 2, residual: false, relu: true, seed: 82 },
      { shape: [3, 30, 1, 2], branches: 10, residual: true, relu: false, seed: 83 },
      { shape: [1, 10, 2, 2], branches: 10, residual: false, relu: false, seed: 84 },
    ];
    for (const c of cases) {
      const fused = await fusedBatchNormResults(cpu, c, true);
      const composed = await fusedBatchNormResults(cpu, c, false);
      expect(fused.length).toBe(c.residual ? 7 : 6);
      fused.forEach((v, i) => expectClose(v, composed[i], { atol: 1e-12, label: `result ${i}` }));
    }
    // Eval mode composes the same sum from the running statistics.
    const x = tensor(cpu, randomValues(24, 62), [2, 6, 2, 1]);
    const r = tensor(cpu, randomValues(12, 63), [2, 3, 2, 1]);
    const [g, b] = [tensor(cpu, randomValues(6, 64), [6]), tensor(cpu, randomValues(6, 65), [6])];
    const [rm, rv] = [tensor(cpu, randomValues(6, 66), [6]), tensor(cpu, [1, 2, 3, 1, 2, 3], [6])];
    const grouped = batchNorm2d(x, g, b, rm, rv, {
      training: false,
      residual: r,
      relu: true,
      branches: 2,
    });
    const plain = read(batchNorm2d(x, g, b, rm, rv, { training: false }));
    const want = Array.from(read(r), (rv, i) => {
      const [sample, rest] = [Math.floor(i / 6), i % 6];
      return Math.max(0, plain[sample * 12 + rest] + plain[sample * 12 + 6 + rest] + rv);
    });
    expect(grouped.shape).toEqual([2, 3, 2, 1]);
    expectClose(read(grouped), want, { atol: 1e-12 });
  });

  it('batchNorm2d over stacked branches: gradient check of x, gamma, beta, residual', () => {
    for (const [branches, relu] of [
      [3, true],
      [2, false],
    ] as const) {
      const [n, out, h, w] = [3, 2, 2, 1];
      const c = branches * out;
      expectGradOk(
        ([x, g, b, r]) =>
          batchNorm2d(
            x,
            g,
            b,
            tensor(cpu, Array(c).fill(0), [c]),
            tensor(cpu, Array(c).fill(1), [c]),
            {
              training: true,
              residual: r,
              relu,
              branches,
            },
          ),
        [
          input([n, c, h, w], 90 + branches),
          input([c], 91, positive),
          input([c], 92),
          // Offset so that no output sits at the ReLU's kink.
          input([n, out, h, w], 93, (v) => v + 0.37),
        ],
      );
    }
  });

  it('batchNorm2d refuses channels that do not split into the branches', () => {
    const x = tensor(cpu, randomValues(10, 1), [1, 5, 2, 1]);
    const p = tensor(cpu, randomValues(5, 2), [5]);
    expect(() => batchNorm2d(x, p, p, p, p, { training: true, branches: 2 })).toThrow(/branches/);
  });

  it('batchNorm2d eval: running statistics, nothing updated', () => {
    const runningMean = tensor(cpu, [1, -1], [2]);
    const runningVar = tensor(cpu, [3, 0], [2]);
    const out = batchNorm2d(
      tensor(cpu, [2, 4, 0, 1], [1, 2, 2]),
      tensor(cpu, [2, 1], [2]),
      tensor(cpu, [0.5, 0], [2]),
      runningMean,
      runningVar,
      { training: false, eps: 1 },
    );
    expectClose(read(out), [2 * (1 / 2) + 0.5, 2 * (3 / 2) + 0.5, 1, 2], { atol: 1e-12 });
    expectClose(read(runningMean), [1, -1], { atol: 0 });
    expectClose(read(runningVar), [3, 0], { atol: 0 });
  });

  it('batchNorm2d training refuses one value per channel', () => {
    try {
      batchNorm2d(
        tensor(cpu, [1, 2], [1, 2]),
        tensor(cpu, [1, 1], [2]),
        tensor(cpu, [0, 0], [2]),
        tensor(cpu, [0, 0], [2]),
        tensor(cpu, [1, 1], [2]),
        { training: true },
      );
      expect.unreachable();
    } catch (e) {
      expect(isSiftError(e) && e.code).toBe('INVALID_ARGUMENT');
    }
  });
});

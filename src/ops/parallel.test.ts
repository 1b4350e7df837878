// Sparse Parallel grouped (ops/parallel.ts) against the unfused n-branch composition it replaces,
// sum_j norm_j(W_j x), on the float64 CPU reference: values, every gradient, the running
// statistics, the stacked gradient masking (and RigL's dense request), the compressed stacked
// product against masked dense, and tape gradients against central finite differences.
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../reference/backend';
import { CpuSparseBackend } from '../reference/sparse';
import { Mask } from '../sparse/mask';
import { backward } from '../tensor/tape';
import { tensor, type Tensor } from '../tensor/tensor';
import { expectClose } from '../testing/expect-close';
import { gradcheck, type GradcheckInput } from '../testing/gradcheck';
import { randomValues } from '../testing/shapes';
import { conv2d } from './conv';
import { add } from './elementwise';
import { matmul } from './matmul';
import { batchNorm2d, layerNorm } from './norm';
import { parallelConv2d, parallelLinear, type ParallelBranches } from './parallel';
import type { SparseGroupState } from './sparse';

const cpu = new CpuBackend();
const sparse = new CpuSparseBackend();
const f64 = (t: Tensor) => cpu.readF64(t.storage);
const sizeOf = (shape: number[]) => shape.reduce((p, d) => p * d, 1);

function param(shape: number[], seed: number, map: (v: number) => number = (v) => v): Tensor {
  return tensor(cpu, Array.from(randomValues(sizeOf(shape), seed), map), shape, {
    requiresGrad: true,
  });
}

function constant(shape: number[], seed: number, map: (v: number) => number): Tensor {
  return tensor(cpu, Array.from(randomValues(sizeOf(shape), seed), map), shape);
}

/** A 0/1 mask with exactly `active` ones, seeded. */
function mask(rows: number, cols: number, active: number, seed: number): Mask {
  return new Mask(sparse.maskInitRandom(rows * cols, active, seed), rows, cols, active);
}

function group(masks: Mask[], compressed: boolean, wantDenseGrad = false): SparseGroupState {
  return { sparse, masks, compressed, stacked: null, wantDenseGrad };
}

/** Masked weights, as the training loop keeps them. */
function maskedParam(shape: number[], m: Mask, seed: number): Tensor {
  const w = param(shape, seed);
  sparse.maskRetainInPlace(w.storage, m.storage, m.storage);
  return w;
}

interface ConvCase {
  n: number;
  x: Tensor;
  weights: Tensor[];
  biases: Tensor[] | null;
  gammas: Tensor[];
  betas: Tensor[];
  means: () => Tensor[];
  vars: () => Tensor[];
}

function convCase(n: number, withBias: boolean, masks: Mask[] | null): ConvCase {
  const wShape = [5, 3, 3, 3];
  const seeds = Array.from({ length: n }, (_, j) => j);
  const stats = (seed: number, map: (v: number) => number) => () =>
    seeds.map((j) => constant([5], seed + j, map));
  return {
    n,
    x: param([2, 3, 5, 6], 1),
    weights: seeds.map((j) =>
      masks ? maskedParam(wShape, masks[j], 10 + j) : param(wShape, 10 + j),
    ),
    biases: withBias ? seeds.map((j) => param([5], 20 + j)) : null,
    gammas: seeds.map((j) => param([5], 30 + j, (v) => 1 + 0.5 * v)),
    betas: seeds.map((j) => param([5], 40 + j)),
    means: stats(50, (v) => 0.1 * v),
    vars: stats(60, (v) => 1 + 0.5 * v),
  };
}

function convBranches(
  c: ConvCase,
  means: Tensor[],
  vars: Tensor[],
  g: SparseGroupState | null,
  training = true,
): ParallelBranches {
  return {
    weights: c.weights,
    biases: c.biases,
    norms: {
      kind: 'batchnorm',
      gammas: c.gammas,
      betas: c.betas,
      runningMeans: means,
      runningVars: vars,
      training,
      momentum: 0.1,
      eps: 1e-5,
    },
    group: g,
  };
}

const CONV = { stride: 2, padding: 1 };

/** The composition the grouped op replaces: n convs, n batch norms, n - 1 adds. */
function unfusedConv(c: ConvCase, means: Tensor[], vars: Tensor[], training = true): Tensor {
  let y: Tensor | null = null;
  for (let j = 0; j < c.n; j++) {
    const conv = conv2d(c.x, c.weights[j], c.biases?.[j] ?? null, CONV);
    const bn = batchNorm2d(conv, c.gammas[j], c.betas[j], means[j], vars[j], {
      training,
      momentum: 0.1,
      eps: 1e-5,
    });
    y = y ? add(y, bn) : bn;
  }
  return y!;
}

/** Every gradient of a case, after backward of sum(out * weights). */
function gradsAfter(out: Tensor, inputs: Tensor[], seed: number): Float64Array[] {
  for (const t of inputs) t.grad = null;
  backward(
    out,
    constant([...out.shape], seed, (v) => v),
  );
  return inputs.map((t) => (t.grad ? Float64Array.from(f64(t.grad)) : new Float64Array(t.size)));
}

const trainables = (c: ConvCase) => [
  c.x,
  ...c.weights,
  ...(c.biases ?? []),
  ...c.gammas,
  ...c.betas,
];

describe('Sparse Parallel grouped against the unfused n-branch composition', () => {
  it.each([
    [3, true],
    [1, false],
    [4, false],
  ])('conv + BN, n = %i, bias %s: values, gradients and running statistics', (n, withBias) => {
    const c = convCase(n, withBias, null);
    const [m1, v1, m2, v2] = [c.means(), c.vars(), c.means(), c.vars()];
    const grouped = parallelConv2d(c.x, convBranches(c, m1, v1, null), CONV);
    const gGrouped = gradsAfter(grouped, trainables(c), 99);
    const plain = unfusedConv(c, m2, v2);
    const gPlain = gradsAfter(plain, trainables(c), 99);
    expect(grouped.shape).toEqual([2, 5, 3, 3]);
    expectClose(f64(grouped), f64(plain), { atol: 1e-12, label: 'y' });
    gGrouped.forEach((g, i) => expectClose(g, gPlain[i], { atol: 1e-12, label: `grad ${i}` }));
    for (let j = 0; j < n; j++) {
      expectClose(f64(m1[j]), f64(m2[j]), { atol: 1e-14, label: `running mean ${j}` });
      expectClose(f64(v1[j]), f64(v2[j]), { atol: 1e-14, label: `running var ${j}` });
    }
    // The update really happened (the statistics moved away from their start).
    expect(Math.abs(f64(m1[0])[0] - f64(c.means()[0])[0])).toBeGreaterThan(1e-6);
  });

  it('conv + BN in eval mode uses and keeps the running statistics', () => {
    const c = convCase(3, false, null);
    const [m1, v1, m2, v2] = [c.means(), c.vars(), c.means(), c.vars()];
    const grouped = parallelConv2d(c.x, convBranches(c, m1, v1, null, false), CONV);
    const plain = unfusedConv(c, m2, v2, false);
    expectClose(f64(grouped), f64(plain), { atol: 1e-12 });
    expectClose(f64(m1[1]), f64(c.means()[1]), { atol: 0 });
  });

  it('linear + LN with bias on (batch, time, features) input', () => {
    const n = 3;
    const x = param([2, 3, 7], 1);
    const weights = [0, 1, 2].map((j) => param([4, 7], 10 + j));
    const biases = [0, 1, 2].map((j) => param([4], 20 + j));
    const gammas = [0, 1, 2].map((j) => param([4], 30 + j, (v) => 1 + 0.5 * v));
    const betas = [0, 1, 2].map((j) => param([4], 40 + j));
    const all = [x, ...weights, ...biases, ...gammas, ...betas];
    const grouped = parallelLinear(x, {
      weights,
      biases,
      norms: { kind: 'layernorm', gammas, betas, eps: 1e-5 },
      group: null,
    });
    const gGrouped = gradsAfter(grouped, all, 5);
    let plain: Tensor | null = null;
    for (let j = 0; j < n; j++) {
      const y = add(matmul(x, weights[j], { transB: true }), biases[j]);
      const ln = layerNorm(y, gammas[j], betas[j], 1e-5);
      plain = plain ? add(plain, ln) : ln;
    }
    const gPlain = gradsAfter(plain!, all, 5);
    expect(grouped.shape).toEqual([2, 3, 4]);
    expectClose(f64(grouped), f64(plain!), { atol: 1e-12 });
    gGrouped.forEach((g, i) => expectClose(g, gPlain[i], { atol: 1e-12, label: `grad ${i}` }));
  });

  it('masks the stacked weight gradient per branch, and leaves it dense when RigL asks', () => {
    const masks = [0, 1, 2].map((j) => mask(5, 27, 9, 70 + j));
    const c = convCase(3, false, masks);
    const dense = (() => {
      const out = unfusedConv(c, c.means(), c.vars());
      return gradsAfter(out, c.weights, 3);
    })();
    for (const wantDense of [false, true]) {
      const out = parallelConv2d(
        c.x,
        convBranches(c, c.means(), c.vars(), group(masks, false, wantDense)),
        CONV,
      );
      const grads = gradsAfter(out, c.weights, 3);
      grads.forEach((g, j) => {
        const m = f64({ storage: masks[j].storage } as Tensor);
        const want = wantDense ? dense[j] : dense[j].map((v, i) => (m[i] > 0.5 ? v : 0));
        expectClose(g, want, { atol: 1e-12, label: `branch ${j} dense=${wantDense}` });
      });
      // Masking matters here: the dense gradient is nonzero outside the masks.
      expect(
        dense[0].some((v, i) => v !== 0 && f64({ storage: masks[0].storage } as Tensor)[i] < 0.5),
      ).toBe(true);
    }
  });

  it('the compressed stacked product matches masked dense, also after a mask changes', () => {
    const masks = [0, 1, 2, 3].map((j) => mask(5, 27, 4, 80 + j));
    const c = convCase(4, true, masks);
    const masked = group(masks, false);
    const compressed = group(masks, true);
    const run = (g: SparseGroupState) => {
      const out = parallelConv2d(c.x, convBranches(c, c.means(), c.vars(), g), CONV);
      return { y: Float64Array.from(f64(out)), grads: gradsAfter(out, trainables(c), 4) };
    };
    for (let round = 0; round < 3; round++) {
      const a = run(masked);
      const b = run(compressed);
      expectClose(b.y, a.y, { atol: 1e-12, label: `y, round ${round}` });
      b.grads.forEach((g, i) => expectClose(g, a.grads[i], { atol: 1e-12, label: `grad ${i}` }));
      expect(compressed.stacked!.csr!.csr!.nnz).toBe(16);
      if (round === 2) break;
      // A regrowth of branch 2: the stacked mask and the compressed index must follow it.
      const m = masks[2];
      const next = sparse.regrow({
        weight: c.weights[2].storage,
        mask: m.storage,
        activeCount: 4,
        dropCount: 2,
        grow: { kind: 'random', seed: 5 },
      });
      sparse.maskRetainInPlace(c.weights[2].storage, m.storage, next);
      m.replace(next, 4);
    }
    const stacked = compressed.stacked!;
    expect(stacked.versions[2]).toBe(2);
    expect(stacked.mask.version).toBe(2);
    expect(stacked.csr!.builtForVersion).toBe(2);
  });
});

describe('Sparse Parallel grouped: float64 gradient checks', () => {
  const gamma = (seed: number): GradcheckInput => ({
    values: Array.from(randomValues(4, seed), (v) => 1 + 0.5 * v),
    shape: [4],
  });
  const values = (shape: number[], seed: number): GradcheckInput => ({
    values: Array.from(randomValues(sizeOf(shape), seed)),
    shape,
  });

  it('conv + BN (training), every input', () => {
    const r = gradcheck(
      ([x, w0, w1, b0, b1, g0, g1, be0, be1]) =>
        parallelConv2d(
          x,
          {
            weights: [w0, w1],
            biases: [b0, b1],
            norms: {
              kind: 'batchnorm',
              gammas: [g0, g1],
              betas: [be0, be1],
              runningMeans: [0, 1].map(() => tensor(cpu, new Float64Array(4), [4])),
              runningVars: [0, 1].map(() => tensor(cpu, new Float64Array(4).fill(1), [4])),
              training: true,
              momentum: 0.1,
              eps: 1e-5,
            },
            group: null,
          },
          { stride: 1, padding: 1 },
        ),
      [
        values([2, 2, 3, 4], 1),
        values([4, 2, 3, 3], 2),
        values([4, 2, 3, 3], 3),
        values([4], 4),
        values([4], 5),
        gamma(6),
        gamma(7),
        values([4], 8),
        values([4], 9),
      ],
    );
    expect(r.checked).toBeGreaterThan(0);
    expect(r.maxAbsError).toBeLessThan(1e-6);
  });

  it('linear + LN with masked gradients, every input', () => {
    const masks = [0, 1, 2].map((j) => mask(4, 5, 8, 90 + j));
    const masked = (seed: number, j: number): GradcheckInput => {
      const v = Array.from(randomValues(20, seed));
      const m = cpu.readF64(masks[j].storage);
      return { values: v.map((x, i) => (m[i] > 0.5 ? x : 0)), shape: [4, 5] };
    };
    const g = group(masks, false, true);
    const r = gradcheck(
      ([x, w0, w1, w2, g0, g1, g2, b0, b1, b2]) =>
        parallelLinear(x, {
          weights: [w0, w1, w2],
          biases: null,
          norms: { kind: 'layernorm', gammas: [g0, g1, g2], betas: [b0, b1, b2], eps: 1e-5 },
          // Dense gradients requested, so the finite differences see the plain function.
          group: g,
        }),
      [
        values([3, 5], 1),
        masked(2, 0),
        masked(3, 1),
        masked(4, 2),
        gamma(5),
        gamma(6),
        gamma(7),
        values([4], 8),
        values([4], 9),
        values([4], 10),
      ],
    );
    expect(r.checked).toBeGreaterThan(0);
    expect(r.maxAbsError).toBeLessThan(1e-6);
  });
});

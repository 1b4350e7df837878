// Pooling on the GPU against the float64 CPU reference: the four primitives on windows that
// overlap, skip pixels, overhang into padding and leave ragged edges, with ties in the max; then
// the ops' forward and backward, including the global average pool on square and oblong maps.
import { describe, expect, it } from 'vitest';
import type { Backend, Pool2dPlan } from '../tensor/backend';
import { backward } from '../tensor/tape';
import { scope } from '../tensor/scope';
import { type Tensor, tensor } from '../tensor/tensor';
import { cpuBackend, gpuBackend } from '../testing/backends';
import { expectClose } from '../testing/expect-close';
import { randomValues } from '../testing/shapes';
import { avgPool2d, globalAvgPool2d, maxPool2d, pool2dPlan, type Pool2dOptions } from './pool';

interface Case {
  name: string;
  x: [number, number, number, number];
  options: Pool2dOptions;
}

const cases: Case[] = [
  { name: 'k1 on a single pixel', x: [1, 1, 1, 1], options: { kernel: 1 } },
  { name: 'k2 s2 even map', x: [2, 3, 8, 8], options: { kernel: 2 } },
  { name: 'k2 s2 odd map (last row/col dropped)', x: [1, 3, 7, 5], options: { kernel: 2 } },
  {
    name: 'k3 s2 p1 odd map (ResNet stem pool)',
    x: [3, 2, 9, 7],
    options: { kernel: 3, stride: 2, padding: 1 },
  },
  {
    name: 'k3 s1 p1 (heavy overlap)',
    x: [1, 3, 5, 6],
    options: { kernel: 3, stride: 1, padding: 1 },
  },
  { name: 'k2 s1 (overlap, no padding)', x: [2, 1, 4, 7], options: { kernel: 2, stride: 1 } },
  { name: 'k3 s3 ragged leftover', x: [1, 2, 10, 11], options: { kernel: 3 } },
  {
    name: 'k2 s3 (stride > kernel skips pixels)',
    x: [1, 2, 8, 9],
    options: { kernel: 2, stride: 3 },
  },
  {
    name: 'k5 s2 p2 over 300+ planes',
    x: [3, 111, 5, 5],
    options: { kernel: 5, stride: 2, padding: 2 },
  },
];

const count = (shape: readonly number[]): number => shape.reduce((a, d) => a * d, 1);

// Values on a coarse grid so that windows hold ties; all negative in half the planes so a zero
// padding would win if it were taken as a value.
function poolInput(shape: readonly number[], seed: number): number[] {
  const plane = shape[2] * shape[3];
  return Array.from(randomValues(count(shape), seed), (v, i) => {
    const q = Math.round(v * 4) / 4;
    return Math.floor(i / plane) % 2 === 0 ? q : -Math.abs(q) - 0.25;
  });
}

async function primitives(be: Backend, plan: Pool2dPlan, x: number[], dy: number[]) {
  const { out, argmax } = be.maxPool(be.upload(x), plan);
  const dxMax = be.maxPoolBackward(be.upload(dy), argmax, plan);
  const avg = be.avgPool(be.upload(x), plan);
  const dxAvg = be.avgPoolBackward(be.upload(dy), plan);
  return Promise.all([out, argmax, dxMax, avg, dxAvg].map((s) => be.read(s)));
}

describe('pool primitives vs CPU reference', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const { gpu } = await gpuBackend();
      const plan = pool2dPlan(c.x, c.options);
      const x = poolInput(c.x, 3);
      const dy = Array.from(randomValues(plan.planes * plan.outHeight * plan.outWidth, 4));
      const want = await primitives(cpuBackend, plan, x, dy);
      const got = await primitives(gpu, plan, x, dy);
      const labels = ['max out', 'argmax', 'max dx', 'avg out', 'avg dx'];
      // Max, argmax and the routed max gradient are exact choices; averages are sums of k^2 terms.
      const tolerances = [0, 0, 1e-6, 1e-6, 1e-6];
      got.forEach((g, i) =>
        expectClose(g, want[i], {
          atol: tolerances[i],
          rtol: tolerances[i] && 1e-5,
          label: labels[i],
        }),
      );
    });
  }

  it('max pool: first maximum wins a tie, and padding never wins', async () => {
    const { gpu } = await gpuBackend();
    // One 2x3 plane of equal negative values; k3 s1 p1 windows all overhang the padding.
    const x = [-1, -1, -1, -1, -1, -1];
    const plan = pool2dPlan([1, 1, 2, 3], { kernel: 3, stride: 1, padding: 1 });
    for (const be of [cpuBackend, gpu] as Backend[]) {
      const { out, argmax } = be.maxPool(be.upload(x), plan);
      expect(Array.from(await be.read(out))).toEqual([-1, -1, -1, -1, -1, -1]);
      // Each window's first in-range cell in row-major order.
      expect(Array.from(await be.read(argmax))).toEqual([0, 0, 1, 0, 0, 1]);
    }
  });
});

async function runOp(be: Backend, shape: number[], f: (x: Tensor) => Tensor) {
  const { y, dx } = scope(() => {
    const x = tensor(be, poolInput(shape, 9), shape, { requiresGrad: true });
    const out = f(x);
    backward(out, tensor(be, randomValues(out.size, 10), out.shape));
    return { y: out, dx: x.grad! };
  });
  return { shape: y.shape, y: await y.data(), dx: await dx.data() };
}

describe('pool ops forward and backward vs CPU reference', () => {
  const ops: [string, number[], (x: Tensor) => Tensor][] = [
    ['maxPool2d k3 s2 p1', [2, 3, 7, 9], (x) => maxPool2d(x, { kernel: 3, stride: 2, padding: 1 })],
    ['avgPool2d k2', [2, 3, 7, 9], (x) => avgPool2d(x, { kernel: 2 })],
    ['globalAvgPool2d square 7x7', [3, 5, 7, 7], globalAvgPool2d],
    ['globalAvgPool2d oblong 3x5', [3, 5, 3, 5], globalAvgPool2d],
    ['globalAvgPool2d 1x1', [2, 3, 1, 1], globalAvgPool2d],
  ];
  for (const [name, shape, f] of ops) {
    it(name, async () => {
      const { gpu } = await gpuBackend();
      const want = await runOp(cpuBackend, shape, f);
      const got = await runOp(gpu, shape, f);
      expect(got.shape).toEqual(want.shape);
      expectClose(got.y, want.y, { atol: 1e-6, label: `${name} y` });
      expectClose(got.dx, want.dx, { atol: 1e-6, label: `${name} dx` });
    });
  }

  it('globalAvgPool2d is the mean over H and W, shaped (N, C)', async () => {
    const { gpu } = await gpuBackend();
    for (const shape of [
      [1, 2, 2, 2],
      [1, 2, 1, 3],
    ]) {
      const values = Array.from({ length: count(shape) }, (_, i) => i);
      const y = globalAvgPool2d(tensor(gpu, values, shape));
      expect(y.shape).toEqual([1, 2]);
      const spatial = shape[2] * shape[3];
      const mean = (p: number) =>
        values.slice(p * spatial, (p + 1) * spatial).reduce((a, b) => a + b) / spatial;
      expectClose(await y.data(), [mean(0), mean(1)], { label: `mean ${shape}` });
    }
  });

  it('rejects padding over half the window', () => {
    expect(() => pool2dPlan([1, 1, 4, 4], { kernel: 2, padding: 2 })).toThrow(/padding/);
  });
});

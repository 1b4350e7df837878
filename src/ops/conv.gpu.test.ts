// conv2d on the GPU against the float64 CPU reference: the im2col primitive on its own,
// then the whole op forward and backward, over kernel sizes, strides and paddings that leave
// ragged edges (odd H and W, windows that overhang, strides that skip pixels).
import { describe, expect, it } from 'vitest';
import type { Backend } from '../tensor/backend';
import { backward } from '../tensor/tape';
import { scope } from '../tensor/scope';
import { tensor } from '../tensor/tensor';
import { cpuBackend, gpuBackend } from '../testing/backends';
import { expectClose } from '../testing/expect-close';
import { randomValues } from '../testing/shapes';
import { conv2d, conv2dPlan, type Conv2dOptions } from './conv';

interface Case {
  name: string;
  x: [number, number, number, number];
  w: [number, number, number, number];
  options: Conv2dOptions;
}

const cases: Case[] = [
  { name: '1x1 on a single pixel', x: [1, 1, 1, 1], w: [1, 1, 1, 1], options: {} },
  { name: '1x1, C=3, odd H/W, batch 3', x: [3, 3, 5, 7], w: [4, 3, 1, 1], options: {} },
  { name: '1x1 stride 2 (skips pixels)', x: [1, 3, 5, 6], w: [2, 3, 1, 1], options: { stride: 2 } },
  {
    name: '3x3 stride 2 pad 1, C=3',
    x: [1, 3, 7, 5],
    w: [5, 3, 3, 3],
    options: { stride: 2, padding: 1 },
  },
  {
    name: '3x3 stride 1 pad 1, batch 3',
    x: [3, 2, 6, 5],
    w: [3, 2, 3, 3],
    options: { padding: 1 },
  },
  { name: '5x5 pad 2, C=3', x: [3, 3, 9, 8], w: [2, 3, 5, 5], options: { padding: 2 } },
  {
    name: '7x7 stride 2 pad 3 (ResNet stem)',
    x: [1, 3, 11, 13],
    w: [4, 3, 7, 7],
    options: { stride: 2, padding: 3 },
  },
  {
    name: '2x3 kernel, stride [2, 1], pad [0, 1]',
    x: [3, 3, 7, 6],
    w: [3, 3, 2, 3],
    options: { stride: [2, 1], padding: [0, 1] },
  },
  {
    name: '3x3 stride 3 on 8x8 (ragged leftover)',
    x: [1, 2, 8, 8],
    w: [2, 2, 3, 3],
    options: { stride: 3 },
  },
];

const count = (shape: readonly number[]): number => shape.reduce((a, d) => a * d, 1);

describe('im2col vs CPU reference', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const { gpu } = await gpuBackend();
      const plan = conv2dPlan(c.x, c.w, c.options);
      const x = randomValues(count(c.x), 3);
      const want = await cpuBackend.read(cpuBackend.im2col(cpuBackend.upload(x), plan));
      const got = await gpu.read(gpu.im2col(gpu.upload(x), plan));
      expect(got.length).toBe(
        plan.batch * plan.outHeight * plan.outWidth * c.w[1] * c.w[2] * c.w[3],
      );
      // A pure copy with zeros in the padding: exact.
      expectClose(got, want, { atol: 0, rtol: 0, label: 'im2col' });
    });
  }
});

async function runConv(be: Backend, c: Case, withBias: boolean) {
  const outShape = [
    c.x[0],
    c.w[0],
    ...(() => {
      const p = conv2dPlan(c.x, c.w, c.options);
      return [p.outHeight, p.outWidth];
    })(),
  ];
  const { out, grads } = scope(() => {
    const x = tensor(be, randomValues(count(c.x), 11), c.x, { requiresGrad: true });
    const w = tensor(be, randomValues(count(c.w), 12), c.w, { requiresGrad: true });
    const b = withBias
      ? tensor(be, randomValues(c.w[0], 13), [c.w[0]], { requiresGrad: true })
      : null;
    const y = conv2d(x, w, b, c.options);
    expect(y.shape).toEqual(outShape);
    backward(y, tensor(be, randomValues(count(outShape), 14), outShape));
    return { out: y, grads: [x.grad!, w.grad!, ...(b ? [b.grad!] : [])] };
  });
  return {
    out: await out.data(),
    grads: await Promise.all(grads.map((g) => g.data())),
  };
}

describe('conv2d op forward and backward vs CPU reference', () => {
  for (const c of cases) {
    for (const withBias of [true, false]) {
      it(`${c.name}${withBias ? ' + bias' : ''}`, async () => {
        const { gpu } = await gpuBackend();
        const want = await runConv(cpuBackend, c, withBias);
        const got = await runConv(gpu, c, withBias);
        const k = c.w[1] * c.w[2] * c.w[3];
        expectClose(got.out, want.out, { atol: 1e-6 * Math.sqrt(k) * 4, rtol: 1e-4, label: 'y' });
        const names = ['dx', 'dW', 'dbias'];
        // dW and dbias sum over N * OH * OW products; dx over O * KH * KW.
        const rows = want.out.length / c.w[0];
        got.grads.forEach((g, i) => {
          expectClose(g, want.grads[i], {
            atol: 1e-6 * Math.sqrt(Math.max(rows, k)) * 8,
            rtol: 1e-4,
            label: names[i],
          });
        });
      });
    }
  }
});

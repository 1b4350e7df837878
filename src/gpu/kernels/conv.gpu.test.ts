// The implicit-GEMM conv kernels (forward with and without bias, input gradient, weight gradient
// unsplit and split over samples) against the float64 CPU reference on awkward shapes
// (src/testing/conv-cases.ts; the reference is checked against the im2col composition in
// src/reference/conv.test.ts).
import { describe, expect, it } from 'vitest';
import type { Storage } from '../../tensor/backend';
import { cpuBackend, gpuBackend } from '../../testing/backends';
import { convProductCases, convProductPlan } from '../../testing/conv-cases';
import { expectClose } from '../../testing/expect-close';
import { randomValues } from '../../testing/shapes';
import { convForwardWith, convInputGradWith, convWeightGradWith } from './conv';

const count = (shape: readonly number[]): number => shape.reduce((a, d) => a * d, 1);

describe('implicit-GEMM conv kernels vs CPU reference', () => {
  for (const c of convProductCases) {
    it(c.name, async () => {
      const { gpu, rt } = await gpuBackend();
      const p = convProductPlan(c);
      const P = p.outHeight * p.outWidth;
      const K = count(c.w.slice(1));
      const O = p.outChannels;
      const values = {
        x: randomValues(count(c.x), 3),
        w: randomValues(count(c.w), 4),
        bias: randomValues(O, 5),
        dy: randomValues(p.batch * O * P, 6),
      };
      const on = (be: typeof cpuBackend | typeof gpu) => ({
        x: be.upload(values.x),
        w: be.upload(values.w),
        bias: be.upload(values.bias),
        dy: be.upload(values.dy),
      });
      const cpu = on(cpuBackend);
      const dev = on(gpu);
      const both = async (
        run: (be: typeof cpuBackend | typeof gpu, s: typeof cpu) => Storage,
      ): Promise<[Float32Array | Float64Array, Float32Array | Float64Array]> => [
        await gpu.read(run(gpu, dev)),
        await cpuBackend.read(run(cpuBackend, cpu)),
      ];
      // Sums of K (forward), O * KH * KW (dx) and N * P (dW) products of values in [-1, 1].
      const tol = (terms: number) => ({ atol: 1e-6 * Math.sqrt(terms) * 4, rtol: 1e-4 });

      const [y, wantY] = await both((be, s) =>
        be.convForward({ x: s.x, weight: s.w, bias: s.bias }, p),
      );
      expectClose(y, wantY, { ...tol(K), label: 'y + bias' });
      const [y0, wantY0] = await both((be, s) =>
        be.convForward({ x: s.x, weight: s.w, bias: null }, p),
      );
      expectClose(y0, wantY0, { ...tol(K), label: 'y' });
      // Both thread blocks, whichever this adapter picks by default.
      for (const quads of [1, 2] as const) {
        const yq = gpu.ctx.alloc(wantY.length, 'test.y');
        convForwardWith(rt, { x: dev.x, weight: dev.w, bias: dev.bias }, yq, p, quads);
        expectClose(await gpu.read(yq), wantY, { ...tol(K), label: `y/${quads} quads` });
      }

      const [dx, wantDx] = await both((be, s) => be.convInputGrad(s.dy, s.w, p));
      expect(dx.length).toBe(count(c.x));
      expectClose(dx, wantDx, { ...tol(O * c.w[2] * c.w[3]), label: 'dx' });
      for (const quads of [1, 2] as const) {
        const dxq = gpu.ctx.alloc(wantDx.length, 'test.dx');
        convInputGradWith(rt, dev.dy, dev.w, dxq, p, quads);
        expectClose(await gpu.read(dxq), wantDx, {
          ...tol(O * c.w[2] * c.w[3]),
          label: `dx/${quads} quads`,
        });
      }

      const [dw, wantDw] = await both((be, s) => be.convWeightGrad(s.dy, s.x, p));
      expectClose(dw, wantDw, { ...tol(p.batch * P), label: 'dW' });
      // Both thread blocks, and the split path a hardware GPU takes: partial sums over sample
      // ranges, then the reduce.
      for (const splits of [1, 2, 3]) {
        for (const channelQuads of [1, 2] as const) {
          const split = gpu.ctx.alloc(O * K, 'test.dw');
          convWeightGradWith(rt, dev.dy, dev.x, split, p, { splits, channelQuads });
          expectClose(await gpu.read(split), wantDw, {
            ...tol(p.batch * P),
            label: `dW/${splits} splits/${channelQuads} quads`,
          });
        }
      }
    });
  }
});

// The CPU reference's implicit-GEMM conv products (one loop nest over the conv's terms) against
// the im2col + matmul + col2im composition they replace, computed with the same CPU backend.
import { describe, expect, it } from 'vitest';
import { cpuBackend as be } from '../testing/backends';
import { col2im } from './conv';
import { convProductCases, convProductPlan } from '../testing/conv-cases';
import { expectClose } from '../testing/expect-close';
import { randomValues } from '../testing/shapes';

const count = (shape: readonly number[]): number => shape.reduce((a, d) => a * d, 1);

describe('conv products vs the im2col composition (CPU)', () => {
  for (const c of convProductCases) {
    it(c.name, async () => {
      const p = convProductPlan(c);
      const P = p.outHeight * p.outWidth;
      const K = count(c.w.slice(1));
      const O = p.outChannels;
      const N = p.batch;
      const x = be.upload(randomValues(count(c.x), 3));
      const w = be.upload(randomValues(count(c.w), 4));
      const bias = be.upload(randomValues(O, 5));
      const dy = be.upload(randomValues(N * O * P, 6));
      const cols = be.im2col(x, p);

      const y = await be.read(be.convForward({ x, weight: w, bias }, p));
      const yNoBias = await be.read(be.convForward({ x, weight: w, bias: null }, p));
      const product = await be.read(
        be.matmul(w, cols, {
          ...{ batch: N, m: O, n: P, k: K, transA: false, transB: true },
          ...{ aBatchStride: 0, bBatchStride: P * K },
        }),
      );
      const b = await be.read(bias);
      expectClose(yNoBias, product, { atol: 1e-9, label: 'y' });
      expectClose(
        y,
        product.map((v, i) => v + b[Math.floor(i / P) % O]),
        { atol: 1e-9, label: 'y + bias' },
      );

      const dcols = be.matmul(dy, w, {
        ...{ batch: N, m: P, n: K, k: O, transA: true, transB: false },
        ...{ aBatchStride: O * P, bBatchStride: 0 },
      });
      const dx = await be.read(be.convInputGrad(dy, w, p));
      expectClose(dx, await be.read(col2im(dcols, p)), { atol: 1e-9, label: 'dx' });

      const perSample = await be.read(
        be.matmul(dy, cols, {
          ...{ batch: N, m: O, n: K, k: P, transA: false, transB: false },
          ...{ aBatchStride: O * P, bBatchStride: P * K },
        }),
      );
      const dw = await be.read(be.convWeightGrad(dy, x, p));
      expect(dw.length).toBe(O * K);
      const summed = new Float64Array(O * K);
      perSample.forEach((v, i) => (summed[i % (O * K)] += v));
      expectClose(dw, summed, { atol: 1e-9, label: 'dW' });
    });
  }
});

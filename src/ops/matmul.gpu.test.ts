import { describe, it } from 'vitest';
import type { MatmulPlan } from '../tensor/backend';
import { cpuBackend, gpuBackend } from '../testing/backends';
import { expectClose } from '../testing/expect-close';
import { matmulShapes, randomValues } from '../testing/shapes';

describe('matmul kernel vs CPU reference', () => {
  for (const { m, n, k, batch } of matmulShapes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const broadcastB of batch > 1 ? [false, true] : [false]) {
          it(`m=${m} n=${n} k=${k} batch=${batch} transA=${transA} transB=${transB}${broadcastB ? ' shared B' : ''}`, async () => {
            const { gpu } = await gpuBackend();
            const plan: MatmulPlan = {
              batch, m, n, k, transA, transB,
              aBatchStride: m * k,
              bBatchStride: broadcastB ? 0 : k * n,
            };
            const a = randomValues(batch * m * k, m + k);
            const b = randomValues((broadcastB ? 1 : batch) * k * n, n + 7);
            const want = await cpuBackend.read(cpuBackend.matmul(cpuBackend.upload(a), cpuBackend.upload(b), plan));
            const got = await gpu.read(gpu.matmul(gpu.upload(a), gpu.upload(b), plan));
            // float32 sums of K products of values in [-1, 1): error grows like sqrt(K) * eps.
            expectClose(got, want, { atol: 2e-6 * Math.sqrt(k) * 4, rtol: 1e-4, label: 'matmul' });
          });
        }
      }
    }
  }
});

import { afterAll, describe, it } from 'vitest';
import { MATMUL_VARIANTS, matmulVariant, setMatmulVariant } from '../gpu/kernels/matmul';
import type { MatmulPlan } from '../tensor/backend';
import { cpuBackend, gpuBackend } from '../testing/backends';
import { expectClose } from '../testing/expect-close';
import { matmulShapes, randomValues } from '../testing/shapes';

// Every kernel variant runs every shape: each device uses only one, chosen at runtime.
// The extra shape spans several workgroups of either variant in both dimensions.
const shapes = [...matmulShapes, { m: 300, n: 200, k: 19, batch: 1 }];

describe.each(MATMUL_VARIANTS)('matmul kernel vs CPU reference (%s)', (variant) => {
  let restore: (() => void) | null = null;
  afterAll(() => restore?.());
  for (const { m, n, k, batch } of shapes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const broadcastB of batch > 1 ? [false, true] : [false]) {
          it(`m=${m} n=${n} k=${k} batch=${batch} transA=${transA} transB=${transB}${broadcastB ? ' shared B' : ''}`, async () => {
            const { rt, gpu } = await gpuBackend();
            if (!restore) {
              const before = matmulVariant(rt);
              restore = () => setMatmulVariant(rt, before);
            }
            setMatmulVariant(rt, variant);
            const plan: MatmulPlan = {
              batch,
              m,
              n,
              k,
              transA,
              transB,
              aBatchStride: m * k,
              bBatchStride: broadcastB ? 0 : k * n,
            };
            const a = randomValues(batch * m * k, m + k);
            const b = randomValues((broadcastB ? 1 : batch) * k * n, n + 7);
            const want = await cpuBackend.read(
              cpuBackend.matmul(cpuBackend.upload(a), cpuBackend.upload(b), plan),
            );
            const got = await gpu.read(gpu.matmul(gpu.upload(a), gpu.upload(b), plan));
            // float32 sums of K products of values in [-1, 1): error grows like sqrt(K) * eps.
            expectClose(got, want, {
              atol: 2e-6 * Math.sqrt(k) * 4,
              rtol: 1e-4,
              label: `matmul ${variant}`,
            });
          });
        }
      }
    }
  }
});

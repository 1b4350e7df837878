import { afterAll, describe, it } from 'vitest';
import {
  MATMUL_VARIANTS,
  matmulTuning,
  setMatmulTuning,
  type MatmulTuning,
} from '../gpu/kernels/matmul';
import type { MatmulPlan } from '../tensor/backend';
import { cpuBackend, gpuBackend } from '../testing/backends';
import { expectClose } from '../testing/expect-close';
import { matmulShapes, randomValues } from '../testing/shapes';

// Every kernel variant runs every shape: each device uses only one, chosen at runtime. The extra
// shapes: several workgroups of every tile in both dimensions; multiples of 4 (the vec4 load and
// store paths) beside odd sizes (the scalar paths); 1, 17, 33, 65, 129 edges.
const shapes = [
  ...matmulShapes,
  { m: 300, n: 200, k: 19, batch: 1 },
  { m: 17, n: 33, k: 65, batch: 1 },
  { m: 132, n: 68, k: 36, batch: 2 },
  { m: 129, n: 130, k: 9, batch: 1 },
];

/** Each variant on its own, then the tiled ones with K split into slices (split-K forced on). */
const tunings: { label: string; tuning: MatmulTuning }[] = [
  ...MATMUL_VARIANTS.map((v) => ({
    label: v,
    tuning: { small: v, large: v, splitK: false },
  })),
  {
    label: 'tile64x64 split-K x3',
    tuning: { small: 'tile64x64', large: 'tile64x64', splitK: true, forceSplits: 3 },
  },
  {
    label: 'tile128x128 split-K x2',
    tuning: { small: 'tile128x128', large: 'tile128x128', splitK: true, forceSplits: 2 },
  },
];

describe.each(tunings)('matmul kernel vs CPU reference ($label)', ({ label, tuning }) => {
  let restore: (() => void) | null = null;
  afterAll(() => restore?.());
  for (const { m, n, k, batch } of shapes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const shared = batch > 1 ? (['', 'A', 'B'] as const) : (['' as const] as const);
        for (const sharedOperand of shared) {
          it(`m=${m} n=${n} k=${k} batch=${batch} transA=${transA} transB=${transB}${sharedOperand ? ` shared ${sharedOperand}` : ''}`, async () => {
            const { rt, gpu } = await gpuBackend();
            if (!restore) {
              const before = matmulTuning(rt);
              restore = () => setMatmulTuning(rt, before);
            }
            setMatmulTuning(rt, tuning);
            const plan: MatmulPlan = {
              batch,
              m,
              n,
              k,
              transA,
              transB,
              aBatchStride: sharedOperand === 'A' ? 0 : m * k,
              bBatchStride: sharedOperand === 'B' ? 0 : k * n,
            };
            const a = randomValues((sharedOperand === 'A' ? 1 : batch) * m * k, m + k);
            const b = randomValues((sharedOperand === 'B' ? 1 : batch) * k * n, n + 7);
            const want = await cpuBackend.read(
              cpuBackend.matmul(cpuBackend.upload(a), cpuBackend.upload(b), plan),
            );
            const got = await gpu.read(gpu.matmul(gpu.upload(a), gpu.upload(b), plan));
            // float32 sums of K products of values in [-1, 1): error grows like sqrt(K) * eps.
            expectClose(got, want, {
              atol: 2e-6 * Math.sqrt(k) * 4,
              rtol: 1e-4,
              label: `matmul ${label}`,
            });
          });
        }
      }
    }
  }
});

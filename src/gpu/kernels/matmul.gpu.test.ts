import { afterAll, expect, it } from 'vitest';
import { gpuBackend } from '../../testing/backends';
import { autotuneMatmul, MATMUL_VARIANTS, matmulVariant, setMatmulVariant } from './matmul';

let restore: (() => void) | null = null;
afterAll(() => restore?.());

it('autotuneMatmul times every variant and adopts the fastest', async () => {
  const { rt } = await gpuBackend();
  const before = matmulVariant(rt);
  restore = () => setMatmulVariant(rt, before);
  const { variant, ms } = await autotuneMatmul(rt, 64);
  for (const v of MATMUL_VARIANTS) expect(ms[v]).toBeGreaterThan(0);
  expect(Math.min(...MATMUL_VARIANTS.map((v) => ms[v]))).toBe(ms[variant]);
  expect(matmulVariant(rt)).toBe(variant);
  expect(rt.stats().liveBuffers).toBe(0);
});

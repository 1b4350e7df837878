// Dropout: the GPU mask equals the CPU reference bit for bit (same counter-based stream, same
// integer threshold), keeps about 1 - p of the elements, and the op routes gradients through it.
import { describe, expect, it } from 'vitest';
import { randomUniform } from '../common/rng';
import { backward } from '../tensor/tape';
import { scope } from '../tensor/scope';
import { tensor } from '../tensor/tensor';
import { cpuBackend, gpuBackend } from '../testing/backends';
import { randomValues } from '../testing/shapes';
import { dropout } from './dropout';

describe('dropoutMask on the GPU vs CPU reference', () => {
  for (const p of [0, 0.1, 0.5, 0.9, 1]) {
    it(`p=${p}: identical masks for several seeds and sizes`, async () => {
      const { gpu } = await gpuBackend();
      for (const seed of [0, 12345, 0xffffffff]) {
        for (const size of [1, 257, 70001]) {
          const got = await gpu.read(gpu.dropoutMask(size, p, seed));
          const want = await cpuBackend.read(cpuBackend.dropoutMask(size, p, seed));
          let differing = 0;
          for (let i = 0; i < size; i++) if (!Object.is(got[i], want[i])) differing++;
          expect(differing, `seed ${seed} size ${size}`).toBe(0);
          const keepValue = p === 1 ? 0 : Math.fround(1 / (1 - p));
          expect(got.every((v) => v === 0 || v === keepValue)).toBe(true);
          if (size === 70001) {
            const kept = got.reduce((a, v) => a + (v !== 0 ? 1 : 0), 0) / size;
            // Binomial: 5 standard deviations of the kept fraction.
            expect(Math.abs(kept - (1 - p))).toBeLessThanOrEqual(
              5 * Math.sqrt((p * (1 - p)) / size) + 1e-12,
            );
          }
        }
      }
    });
  }

  it('keeps element i exactly when randomUniform(seed, i) >= p, even for p between two 24-bit steps', async () => {
    const { gpu } = await gpuBackend();
    const seed = 77;
    const n = 4096;
    // p exactly on a uniform's value (kept: >=), and a hair above it (dropped), where an f32
    // comparison would round p back onto the value.
    const u = randomUniform(seed, 5);
    for (const p of [u, u + 1e-12]) {
      const got = await gpu.read(gpu.dropoutMask(n, p, seed));
      for (let i = 0; i < n; i++) {
        expect(got[i] !== 0, `i=${i} p=${p}`).toBe(randomUniform(seed, i) >= p);
      }
    }
  });

  it('different seeds give different masks', async () => {
    const { gpu } = await gpuBackend();
    const a = await gpu.read(gpu.dropoutMask(1000, 0.5, 1));
    const b = await gpu.read(gpu.dropoutMask(1000, 0.5, 2));
    expect(a.some((v, i) => v !== b[i])).toBe(true);
  });
});

describe('dropout op', () => {
  it('training: y = x * mask and dx = dy * mask; eval: identity', async () => {
    const { gpu } = await gpuBackend();
    const n = 1000;
    const xv = randomValues(n, 1);
    const dyv = randomValues(n, 2);
    const p = 0.3;
    const seed = 42;
    const mask = await cpuBackend.read(cpuBackend.dropoutMask(n, p, seed));
    const { y, dx } = scope(() => {
      const x = tensor(gpu, xv, [10, 100], { requiresGrad: true });
      const out = dropout(x, p, seed, true);
      backward(out, tensor(gpu, dyv, [10, 100]));
      return { y: out, dx: x.grad! };
    });
    const yv = await y.data();
    const dxv = await dx.data();
    for (let i = 0; i < n; i++) {
      expect(yv[i]).toBe(Math.fround(xv[i] * mask[i]));
      expect(dxv[i]).toBe(Math.fround(dyv[i] * mask[i]));
    }
    const x = tensor(gpu, xv, [n]);
    expect(dropout(x, p, seed, false)).toBe(x);
    expect(() => dropout(x, 1.5, seed, true)).toThrow(/probability/);
  });
});

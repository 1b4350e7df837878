// Embedding gather and deterministic scatter-add kernels against the CPU reference: repeated
// indices, rows no index hits, dims around the 64-column tile, counts around the 64-index chunk;
// plus the embedding op forward and backward.
import { describe, expect, it } from 'vitest';
import type { Backend } from '../tensor/backend';
import { backward } from '../tensor/tape';
import { tensor } from '../tensor/tensor';
import { cpuBackend, gpuBackend } from '../testing/backends';
import { expectClose } from '../testing/expect-close';
import { randomValues } from '../testing/shapes';
import { embedding } from './embedding';

// [rows, dim, count]
const cases: [number, number, number][] = [
  [1, 1, 1],
  [1, 3, 65],
  [7, 1, 63],
  [7, 64, 64],
  [50, 65, 37],
  [13, 130, 300],
  [100, 33, 4096],
];

// Indices drawn from the lower 3/4 of the table, so the top rows are never hit.
const indicesFor = (rows: number, count: number, seed: number) =>
  randomValues(count, seed).map((v) =>
    Math.floor(((v + 1) / 2) * Math.max(1, Math.floor(rows * 0.75))),
  );

describe('embedding kernels vs CPU reference', () => {
  it('gatherRows', async () => {
    const { gpu } = await gpuBackend();
    for (const [rows, dim, count] of cases) {
      const table = randomValues(rows * dim, dim);
      const idx = indicesFor(rows, count, count);
      const run = async (b: Backend) =>
        b.read(b.gatherRows(b.upload(table), b.upload(idx), count, dim));
      expectClose(await run(gpu), await run(cpuBackend), {
        atol: 0,
        rtol: 0,
        label: `gather (${rows}, ${dim}) x ${count}`,
      });
    }
  });

  it('scatterAddRows sums repeated indices and zeroes rows that no index hits', async () => {
    const { gpu } = await gpuBackend();
    for (const [rows, dim, count] of cases) {
      const grad = randomValues(count * dim, dim + 1);
      const idx = indicesFor(rows, count, count + 1);
      const run = async (b: Backend) =>
        b.read(b.scatterAddRows(b.upload(grad), b.upload(idx), count, rows, dim));
      const got = await run(gpu);
      // float32 sums of up to `count` values in [-1, 1).
      expectClose(got, await run(cpuBackend), {
        atol: 1e-6 * Math.sqrt(count) * 4,
        label: `scatter (${rows}, ${dim}) x ${count}`,
      });
      if (rows > 4) expect(got.subarray((rows - 1) * dim).every((v) => v === 0)).toBe(true);
    }
  });

  it('scatterAddRows adds in increasing index order, bit for bit (deterministic)', async () => {
    const { gpu } = await gpuBackend();
    const [rows, dim, count] = [100, 33, 4096];
    const grad = randomValues(count * dim, 1);
    const idx = indicesFor(rows, count, 2);
    const want = new Float32Array(rows * dim);
    for (let i = 0; i < count; i++) {
      for (let c = 0; c < dim; c++)
        want[idx[i] * dim + c] = Math.fround(want[idx[i] * dim + c] + grad[i * dim + c]);
    }
    const got = await gpu.read(
      gpu.scatterAddRows(gpu.upload(grad), gpu.upload(idx), count, rows, dim),
    );
    expectClose(got, want, { atol: 0, rtol: 0, label: 'scatter order' });
  });

  it('gatherRows reads an out-of-range index as a zero row on the GPU', async () => {
    const { gpu } = await gpuBackend();
    const out = await gpu.read(
      gpu.gatherRows(gpu.upload([1, 2, 3, 4]), gpu.upload([1, 2, -1]), 3, 2),
    );
    expect(Array.from(out)).toEqual([3, 4, 0, 0, 0, 0]);
  });

  it('embedding op forward and backward on (2, 3) indices', async () => {
    const { gpu } = await gpuBackend();
    const run = async (b: Backend) => {
      const table = tensor(b, randomValues(11 * 5, 3), [11, 5], { requiresGrad: true });
      const out = embedding(table, tensor(b, [3, 0, 3, 10, 3, 1], [2, 3]));
      expect(out.shape).toEqual([2, 3, 5]);
      backward(out, tensor(b, randomValues(out.size, 4), out.shape));
      return [await out.data(), await table.grad!.data()];
    };
    const [got, want] = [await run(gpu), await run(cpuBackend)];
    expectClose(got[0], want[0], { label: 'embedding output' });
    expectClose(got[1], want[1], { atol: 1e-6, label: 'embedding grad' });
  });
});

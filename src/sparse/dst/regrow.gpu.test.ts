// A whole DST update on the GPU (regrow + zeroing of weights and optimiser state) against the
// same update on the CPU reference: identical masks, weights and state, exact counts.
import { describe, expect, it } from 'vitest';
import { WebGpuSparseBackend } from '../../gpu/sparse-backend';
import { CpuSparseBackend } from '../../reference/sparse';
import type { Backend, Storage } from '../../tensor/backend';
import type { SparseBackend } from '../../tensor/sparse-backend';
import { cpuBackend, gpuBackend } from '../../testing/backends';
import { randomValues } from '../../testing/shapes';
import { createRandomMask } from '../mask';
import type { SparseParam } from './regrow';
import { rigLUpdate } from './rigl';
import { setSeed, setUpdate } from './set';

async function runUpdate(
  backend: Backend,
  sparse: SparseBackend,
  method: 'rigl' | 'set',
  rows: number,
  cols: number,
  active: number,
) {
  const n = rows * cols;
  const mask = createRandomMask(sparse, rows, cols, active, 3);
  // Masked weights and state, as after an optimiser step; quantised magnitudes make ties.
  const q = (v: Float32Array) => v.map((x) => Math.round(x * 8) / 8);
  const weight = sparse.maskApply(backend.upload(q(randomValues(n, 1))), mask.storage);
  const state = [sparse.maskApply(backend.upload(randomValues(n, 2)), mask.storage)];
  const p: SparseParam = { weight, mask, optimizerState: state };
  const grad = backend.upload(q(randomValues(n, 4)));
  const result =
    method === 'rigl'
      ? rigLUpdate(sparse, p, 0.3, grad)
      : setUpdate(sparse, p, 0.3, setSeed(9, 2, 100));
  const read = (s: Storage) => backend.read(s);
  return {
    result,
    mask: await read(mask.storage),
    weight: await read(weight),
    state: await read(state[0]),
    activeCount: mask.activeCount,
  };
}

describe('DST update stays on the GPU', () => {
  it('regrowth and the index rebuild read nothing back and upload nothing', async () => {
    const { gpu, rt } = await gpuBackend();
    const sparse = new WebGpuSparseBackend(gpu.ctx);
    const mask = createRandomMask(sparse, 40, 50, 400, 1);
    const weight = sparse.maskApply(gpu.upload(randomValues(2000, 1)), mask.storage);
    const state = [gpu.upload(randomValues(2000, 2))];
    const grad = gpu.upload(randomValues(2000, 3));
    const before = rt.stats();
    rigLUpdate(sparse, { weight, mask, optimizerState: state }, 0.3, grad);
    setUpdate(sparse, { weight, mask, optimizerState: state }, 0.3, 5);
    const csr = sparse.csrBuild({ mask: mask.storage, rows: 40, cols: 50, nnz: mask.activeCount });
    await rt.sync();
    const after = rt.stats();
    expect(after.readbacks - before.readbacks).toBe(0);
    expect(after.uploads - before.uploads).toBe(0);
    expect(mask.version).toBe(2);
    sparse.csrRelease(csr);
  });
});

describe('DST update, GPU vs CPU reference', () => {
  for (const method of ['rigl', 'set'] as const) {
    for (const [rows, cols, active] of [
      [3, 5, 7],
      [64, 100, 640],
      [300, 301, 27090],
    ] as const) {
      it(`${method} ${rows}x${cols} active ${active}`, async () => {
        const { gpu } = await gpuBackend();
        const g = await runUpdate(
          gpu,
          new WebGpuSparseBackend(gpu.ctx),
          method,
          rows,
          cols,
          active,
        );
        const c = await runUpdate(cpuBackend, new CpuSparseBackend(), method, rows, cols, active);
        expect(g.result).toEqual({ dropped: Math.floor(0.3 * active) });
        expect(g.activeCount).toBe(active);
        expect(g.mask.reduce((a, b) => a + b, 0)).toBe(active);
        expect(Array.from(g.mask)).toEqual(Array.from(c.mask));
        expect(Array.from(g.weight)).toEqual(Array.from(c.weight));
        expect(Array.from(g.state)).toEqual(Array.from(c.state));
        // Weights and state are zero wherever the new mask is off.
        expect(g.weight.every((v, i) => g.mask[i] === 1 || v === 0)).toBe(true);
        expect(g.state.every((v, i) => g.mask[i] === 1 || v === 0)).toBe(true);
      });
    }
  }
});

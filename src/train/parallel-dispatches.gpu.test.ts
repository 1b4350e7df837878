// Sparse Parallel's grouped step (issue #10): at s = 0.9 (10 branches per layer) a resnet-mini
// training step on the masked-dense path issues at most 1.5x the dispatches of the dense step
// measured in the same test (the target), and so does the compressed path: each sparse
// conv is three implicit kernels over the mask's index (ops/sparse-conv.ts), no im2col,
// transpose, layout gather or value refresh (105 dispatches against dense 106 when written, 193
// before). Both: one submit, no readback and no new buffer per step. Also the copy primitives
// the grouping runs on, GPU against CPU.
import { describe, expect, it } from 'vitest';
import { nodeDataFiles } from '../data/builtin-node';
import { webGpuRunParts } from '../gpu/run-parts';
import { concat } from '../ops/shape';
import type { KernelProfile } from '../sparse/kernel-choice';
import { defaultRunConfig, parseRunConfig, type RunConfig } from '../spec/run-config';
import { backward } from '../tensor/tape';
import { tensor } from '../tensor/tensor';
import { cpuBackend, gpuBackend } from '../testing/backends';
import { expectClose } from '../testing/expect-close';
import { randomValues } from '../testing/shapes';
import { loadData, prepareRun } from './setup';

const profile = (csrMaxDensity: number): KernelProfile => ({
  source: 'test: path forced',
  measured: true,
  csrMaxDensity,
});

/** Runtime counts of one step after warm-up (the counts are deterministic). */
async function stepCosts(overrides: Partial<RunConfig>, kernelProfile: KernelProfile) {
  const { gpu, rt } = await gpuBackend();
  const config = parseRunConfig({
    ...defaultRunConfig,
    model: 'resnet-mini',
    optimizer: 'sgd',
    method: 'rigl',
    batchSize: 2,
    steps: 100,
    ...overrides,
  });
  const data = await loadData(config, { read: nodeDataFiles() });
  const run = prepareRun({
    ...webGpuRunParts(gpu),
    config,
    data,
    evalSamples: 2,
    kernelProfile,
  });
  for (let i = 0; i < 2; i++) run.session.trainOneStep();
  await rt.sync();
  const before = rt.stats();
  run.session.trainOneStep();
  rt.flush();
  await rt.sync();
  const after = rt.stats();
  const paths = run.sparsity?.paths().map((p) => p.path) ?? [];
  run.dispose();
  const per = (k: 'dispatches' | 'submits' | 'readbacks' | 'createdBuffers' | 'copies') =>
    after[k] - before[k];
  return {
    dispatches: per('dispatches'),
    submits: per('submits'),
    readbacks: per('readbacks'),
    createdBuffers: per('createdBuffers'),
    copies: per('copies'),
    paths: new Set(paths),
  };
}

describe('Sparse Parallel step dispatches against the dense step', () => {
  it.each([
    ['masked dense', 0, 1.5],
    ['compressed', 1, 1.5],
  ])(
    's = 0.9 on the %s path: <= %sx dense dispatches, 1 submit, no readback, no new buffer',
    async (path, csrMaxDensity, maxRatio) => {
      const dense = await stepCosts({ transform: 'dense', sparsity: 0 }, profile(0));
      const parallel = await stepCosts(
        { transform: 'sparse-parallel', sparsity: 0.9 },
        profile(csrMaxDensity),
      );
      console.log(`resnet-mini step, dense:`, dense, `\nSparse Parallel s=0.9 ${path}:`, parallel);
      expect(parallel.paths).toEqual(new Set([csrMaxDensity ? 'csr' : 'masked-dense']));
      expect(parallel.submits).toBe(1);
      expect(parallel.readbacks).toBe(0);
      expect(parallel.createdBuffers).toBe(0);
      expect(parallel.dispatches).toBeLessThanOrEqual(maxRatio * dense.dispatches);
    },
    900_000,
  );
});

describe('the copy primitives of the grouping, GPU against CPU', () => {
  it('concat on a leading axis (buffer copies) and its backward, awkward sizes', async () => {
    const { gpu } = await gpuBackend();
    const shapes = [
      [1, 3, 5],
      [4, 3, 5],
      [7, 3, 5],
    ];
    for (const [be, label] of [
      [gpu, 'gpu'],
      [cpuBackend, 'cpu'],
    ] as const) {
      {
        const xs = shapes.map((s, i) =>
          tensor(be, randomValues(s[0] * 15, i + 1), s, { requiresGrad: true }),
        );
        const y = concat(xs, 0);
        const seed = randomValues(y.size, 9);
        backward(y, tensor(be, seed, y.shape));
        const want = shapes.flatMap((s, i) => [...randomValues(s[0] * 15, i + 1)]);
        expectClose(await y.data(), want, { atol: 0, label: `${label} y` });
        let at = 0;
        for (const x of xs) {
          expectClose(await x.grad!.data(), seed.slice(at, at + x.size), {
            atol: 0,
            label: `${label} grad`,
          });
          at += x.size;
        }
        for (const t of [y, ...xs]) {
          t.grad?.dispose();
          t.dispose();
        }
      }
    }
  });

  it('copyRange writes only its range', async () => {
    const { gpu } = await gpuBackend();
    const dst = gpu.upload([0, 0, 0, 0, 0, 0, 0]);
    const src = gpu.upload([1, 2, 3, 4, 5]);
    gpu.copyRange(dst, 2, src, 1, 3);
    expect([...(await gpu.read(dst))]).toEqual([0, 0, 2, 3, 4, 0, 0]);
    gpu.release(dst);
    gpu.release(src);
  });
});

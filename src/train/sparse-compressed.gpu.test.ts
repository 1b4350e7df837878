// Training forced onto the compressed (CSR) path, RigL updates included (issue #14): every sparse
// weight runs compressed, the index is rebuilt after each regrowth, RigL's dense gradient flows
// through the compressed backward, each layer (each Parallel branch) keeps its exact active
// count, weights stay zero off their masks, the loss stays finite and nothing leaks per step.
import { describe, expect, it } from 'vitest';
import { nodeDataFiles } from '../data/builtin-node';
import { webGpuRunParts } from '../gpu/run-parts';
import { exportRun, importInto } from '../io/checkpoint';
import { defaultRunConfig, parseRunConfig, type RunConfig } from '../spec/run-config';
import { gpuBackend } from '../testing/backends';
import { loadData, prepareRun } from './setup';

async function compressedRun(overrides: Partial<RunConfig>) {
  const { gpu, rt } = await gpuBackend();
  const config = parseRunConfig({
    ...defaultRunConfig,
    model: 'resnet-mini',
    method: 'rigl',
    updateInterval: 2,
    endFraction: 1,
    steps: 4,
    batchSize: 2,
    evalEvery: 4,
    metricsEvery: 1,
    seed: 12,
    ...overrides,
  });
  const data = await loadData(config, { read: nodeDataFiles() });
  const live: number[] = [];
  const losses: number[] = [];
  const make = () =>
    prepareRun({
      ...webGpuRunParts(gpu),
      config,
      data,
      evalSamples: 4,
      kernelProfile: { source: 'test: compressed forced', measured: true, csrMaxDensity: 1 },
      events: {
        onMetrics: (points) => {
          live.push(rt.stats().liveBuffers);
          for (const p of points) if (p.trainLoss !== undefined) losses.push(p.trainLoss);
        },
      },
    });
  return { make, live, losses };
}

describe('training on the compressed path with RigL', () => {
  it.each([
    ['sparse-parallel', 0.5],
    ['sparse-wide', 0.75],
  ] as const)(
    '%s at s = %f',
    async (transform, sparsity) => {
      const { make, live, losses } = await compressedRun({ transform, sparsity });
      const run = make();
      const controller = run.sparsity!;
      expect(controller.paths().every((p) => p.path === 'csr')).toBe(true);
      const counts = controller.stats().map((s) => s.active);
      const first = await Promise.all(
        controller.entries.map((e) => run.backend.read(e.mask.storage)),
      );
      await run.session.run();
      expect(controller.stats().map((s) => s.active)).toEqual(counts);
      let moved = 0;
      for (const [i, e] of controller.entries.entries()) {
        const mask = await run.backend.read(e.mask.storage);
        const w = await e.weight.weight.data();
        expect(w.every((v, k) => mask[k] > 0.5 || v === 0)).toBe(true);
        expect(mask.reduce((n, v) => n + v, 0)).toBe(counts[i]);
        for (let k = 0; k < mask.length; k++) if (mask[k] !== first[i][k]) moved++;
      }
      // Two RigL updates ran (steps 2 and 4) and moved weights.
      expect(moved).toBeGreaterThan(0);
      expect(losses.length).toBeGreaterThan(0);
      expect(losses.every(Number.isFinite)).toBe(true);
      // Metric reads after the first see the same number of live buffers: nothing grows per step.
      expect(live.length).toBeGreaterThan(2);
      expect(new Set(live.slice(1)).size).toBe(1);
      // An export restores the grouped run exactly (per-branch names, masks and statistics).
      const evA = await run.session.evaluate();
      const file = await exportRun(run, true);
      const again = make();
      importInto(again, file.safetensors);
      const evB = await again.session.evaluate();
      expect(evB.loss).toBeCloseTo(evA.loss, 5);
      again.dispose();
      run.dispose();
    },
    900_000,
  );
});

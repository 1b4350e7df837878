// What one training step costs the runtime, held as targets (issue #10): dispatches, submits,
// readbacks and buffer creations per step after warm-up, deterministic on any adapter. Add a
// case per model/transform target to STEP_TARGETS.
import { describe, expect, it } from 'vitest';
import { nodeDataFiles } from '../data/builtin-node';
import { webGpuRunParts } from '../gpu/run-parts';
import { defaultRunConfig, parseRunConfig, type RunConfig } from '../spec/run-config';
import { gpuBackend } from '../testing/backends';
import { loadData, prepareRun } from './setup';

interface StepTarget {
  label: string;
  config: Partial<RunConfig>;
  maxDispatches: number;
  /** Each buffer copy ends a compute pass; on a GPU every pass boundary is a barrier. */
  maxComputePasses: number;
}

const STEP_TARGETS: StepTarget[] = [
  {
    label: 'dense resnet-mini, SGD',
    config: { model: 'resnet-mini', transform: 'dense', sparsity: 0, optimizer: 'sgd' },
    maxDispatches: 120,
    maxComputePasses: 2,
  },
];

/** Per-kernel dispatch counts of `steps` steps, divided by `steps`, largest first. */
function histogram(before: Map<string, number>, after: Map<string, number>, steps: number) {
  return [...after]
    .map(([name, n]) => [name, (n - (before.get(name) ?? 0)) / steps] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
}

describe('dispatches per training step', () => {
  for (const target of STEP_TARGETS) {
    it(`${target.label}: <= ${target.maxDispatches} dispatches, 1 submit, no readback, no new buffer`, async () => {
      const { gpu, rt } = await gpuBackend();
      const config = parseRunConfig({
        ...defaultRunConfig,
        batchSize: 4,
        steps: 100,
        ...target.config,
      });
      const data = await loadData(config, { read: nodeDataFiles() });
      const run = prepareRun({
        ...webGpuRunParts(gpu),
        config,
        data,
        evalSamples: 4,
      });
      const steps = 2;
      for (let i = 0; i < 2; i++) run.session.trainOneStep();
      await rt.sync();
      const before = rt.stats();
      const byKernel = new Map(rt.dispatchesByKernel);
      for (let i = 0; i < steps; i++) {
        run.session.trainOneStep();
        rt.flush();
      }
      await rt.sync();
      const after = rt.stats();
      const perStep = (
        k: 'dispatches' | 'submits' | 'readbacks' | 'createdBuffers' | 'computePasses',
      ) => (after[k] - before[k]) / steps;
      console.log(
        `${target.label}: ${perStep('dispatches')} dispatches, ${perStep('computePasses')} compute passes per step`,
        histogram(byKernel, rt.dispatchesByKernel, steps),
      );
      expect(perStep('dispatches')).toBeLessThanOrEqual(target.maxDispatches);
      expect(perStep('computePasses')).toBeLessThanOrEqual(target.maxComputePasses);
      expect(perStep('submits')).toBe(1);
      expect(perStep('readbacks')).toBe(0);
      expect(perStep('createdBuffers')).toBe(0);
      run.dispose();
    });
  }
});

// End to end on Node's WebGPU: resnet-mini learns the built-in digits well above chance, gpt-tiny
// lowers its validation loss on the built-in text, and an export restores the run exactly.
import { describe, expect, it } from 'vitest';
import { nodeDataFiles } from '../data/builtin-node';
import { webGpuRunParts } from '../gpu/run-parts';
import { exportRun, exportSnapshot, importInto, snapshotRun } from '../io/checkpoint';
import { defaultRunConfig, parseRunConfig, type RunConfig } from '../spec/run-config';
import { gpuBackend } from '../testing/backends';
import type { SessionEvents } from './session';
import { loadData, prepareRun } from './setup';

async function prepared(overrides: Partial<RunConfig>, evalSamples: number) {
  const { gpu, rt } = await gpuBackend();
  const config = parseRunConfig({ ...defaultRunConfig, ...overrides });
  const data = await loadData(config, { read: nodeDataFiles() });
  const make = (events: SessionEvents = {}) =>
    prepareRun({
      ...webGpuRunParts(gpu),
      config,
      data,
      evalSamples,
      events,
    });
  return { gpu, rt, config, make };
}

describe('training on built-in data', () => {
  it('resnet-mini beats chance clearly on held-out digits', async () => {
    const { make } = await prepared(
      {
        model: 'resnet-mini',
        transform: 'dense',
        sparsity: 0,
        // PyTorch with the same model, data and recipe reaches 55-60% here (closing note of #4).
        optimizer: 'adamw',
        lr: 3e-3,
        weightDecay: 0.01,
        steps: 50,
        batchSize: 16,
        schedule: 'constant',
        evalEvery: 50,
        metricsEvery: 10,
        seed: 3,
      },
      200,
    );
    const run = make();
    await run.session.run();
    // Ten digit classes: chance is 10%.
    expect(run.session.lastEvaluation!.accuracy).toBeGreaterThan(0.3);
    expect(run.session.trainingFlops).toBeGreaterThan(0);
    run.dispose();
  }, 900_000);

  it('Sparse Wide + RigL keeps exact per-layer counts, changes masks, and does not leak', async () => {
    const { rt, make } = await prepared(
      {
        model: 'resnet-mini',
        transform: 'sparse-wide',
        sparsity: 0.75,
        method: 'rigl',
        updateInterval: 2,
        endFraction: 1,
        steps: 8,
        batchSize: 4,
        evalEvery: 8,
        metricsEvery: 2,
        seed: 4,
      },
      8,
    );
    const live: number[] = [];
    const run = make({ onMetrics: () => live.push(rt.stats().liveBuffers) });
    const sparsity = run.sparsity!;
    const before = sparsity.stats().map((s) => s.active);
    const firstMask = await run.backend.read(sparsity.entries[1].mask.storage);
    await run.session.run();
    expect(sparsity.stats().map((s) => s.active)).toEqual(before);
    const lastMask = await run.backend.read(sparsity.entries[1].mask.storage);
    let moved = 0;
    for (let i = 0; i < firstMask.length; i++) if (firstMask[i] !== lastMask[i]) moved++;
    expect(moved).toBeGreaterThan(0);
    // Weights are exactly zero outside their masks after training.
    const w = await sparsity.entries[1].weight.weight.data();
    expect(w.every((v, i) => lastMask[i] > 0.5 || v === 0)).toBe(true);
    // Metric reads at steps 2..8 see the same number of live buffers: nothing grows per step.
    expect(new Set(live.slice(1)).size).toBe(1);
    run.dispose();
  }, 600_000);

  it('gpt-tiny lowers its validation loss on the built-in text', async () => {
    const { make } = await prepared(
      {
        model: 'gpt-tiny',
        dataset: 'builtin-text',
        transform: 'dense',
        sparsity: 0,
        optimizer: 'adamw',
        lr: 3e-3,
        weightDecay: 0.1,
        gradClip: 1,
        schedule: 'constant',
        steps: 30,
        batchSize: 8,
        evalEvery: 30,
        metricsEvery: 10,
        seed: 5,
      },
      32,
    );
    const run = make();
    const before = await run.session.evaluate();
    await run.session.run();
    const after = run.session.lastEvaluation!;
    expect(before.loss).toBeGreaterThan(4); // ~ln(92) for an untrained model
    expect(after.loss).toBeLessThan(before.loss - 0.8);
    run.dispose();
  }, 600_000);

  it('an export restores the run exactly: same eval loss after import', async () => {
    const { make } = await prepared(
      {
        model: 'resnet-mini',
        transform: 'sparse-doped',
        sparsity: 0.75,
        method: 'set',
        updateInterval: 2,
        steps: 4,
        batchSize: 4,
        evalEvery: 4,
        seed: 9,
      },
      16,
    );
    const a = make();
    await a.session.run();
    const evA = await a.session.evaluate();
    const { safetensors } = await exportRun(a, true);
    // The worker's recovery checkpoint: copies taken now, read back after another step has
    // changed every weight, still give the file of step 4.
    const snapshot = snapshotRun(a, true);
    a.session.trainOneStep();
    const recovery = await exportSnapshot(a.backend, snapshot);
    expect(recovery.config.step).toBe(4);
    expect(recovery.safetensors).toEqual(safetensors);
    expect((await exportRun(a, true)).safetensors).not.toEqual(safetensors);
    a.dispose();
    const b = make();
    const restored = importInto(b, safetensors);
    expect(restored.step).toBe(4);
    const evB = await b.session.evaluate();
    expect(evB.loss).toBeCloseTo(evA.loss, 5);
    expect(evB.accuracy).toBe(evA.accuracy);
    b.dispose();
  });
});

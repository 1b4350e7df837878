// End to end on Node's WebGPU: resnet-mini learns the built-in digits well above chance, gpt-tiny
// lowers its validation loss on the built-in text, and an export restores the run exactly.
import { describe, expect, it } from 'vitest';
import { nodeDataFiles } from '../data/builtin-node';
import { WebGpuSparseBackend } from '../gpu/sparse-backend';
import { exportRun, importInto } from '../io/checkpoint';
import { defaultRunConfig, parseRunConfig, type RunConfig } from '../spec/run-config';
import { gpuBackend } from '../testing/backends';
import type { SessionEvents } from './session';
import { loadData, prepareRun } from './setup';

async function prepared(overrides: Partial<RunConfig>, evalSamples: number) {
  const { gpu, rt } = await gpuBackend();
  const config = parseRunConfig({ ...defaultRunConfig, ...overrides });
  const data = await loadData(config, { read: nodeDataFiles() });
  const make = (events: SessionEvents = {}) =>
    prepareRun({ backend: gpu, sparse: new WebGpuSparseBackend(gpu.ctx), adapterName: rt.adapterName, config, data, sync: () => rt.sync(), evalSamples, events });
  return { gpu, rt, config, make };
}

describe('training on built-in data', () => {
  it('resnet-mini (Sparse Wide, RigL) beats chance on held-out digits; memory stays flat', async () => {
    const { rt, make } = await prepared(
      {
        model: 'resnet-mini',
        transform: 'sparse-wide',
        sparsity: 0.5,
        method: 'rigl',
        updateInterval: 10,
        steps: 40,
        batchSize: 16,
        lr: 0.05,
        evalEvery: 40,
        metricsEvery: 10,
        seed: 3,
      },
      200,
    );
    const live: number[] = [];
    const run = make({ onMetrics: () => live.push(rt.stats().liveBuffers) });
    const masksBefore = run.sparsity!.stats().map((s) => s.active);
    await run.session.run();
    const ev = run.session.lastEvaluation!;
    // Ten digit classes: chance is 10%.
    expect(ev.accuracy).toBeGreaterThan(0.4);
    expect(run.session.trainingFlops).toBeGreaterThan(0);
    // RigL kept every layer's exact active count through its updates.
    expect(run.sparsity!.stats().map((s) => s.active)).toEqual(masksBefore);
    // Live buffers after metric reads at steps 20, 30 equal the one at step 10 (no per-step leak).
    expect(new Set(live.slice(0, 3)).size).toBe(1);
    run.dispose();
  });

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
  });

  it('an export restores the run exactly: same eval loss after import', async () => {
    const { make } = await prepared(
      { model: 'resnet-mini', transform: 'sparse-doped', sparsity: 0.75, method: 'set', updateInterval: 2, steps: 4, batchSize: 4, evalEvery: 4, seed: 9 },
      16,
    );
    const a = make();
    await a.session.run();
    const evA = await a.session.evaluate();
    const { safetensors } = await exportRun(a, true);
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

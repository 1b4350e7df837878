// The session's stops on the CPU reference with a one-layer model: a loss that grows past the
// divergence bound, a non-finite loss, and an out-of-range label, each named and each keeping the
// metrics recorded before it.
import { describe, expect, it } from 'vitest';
import { Rng } from '../common/rng';
import { Linear } from '../nn/linear';
import { constant } from '../nn/optim/schedule';
import { SGD } from '../nn/optim/sgd';
import { scale } from '../ops/elementwise';
import { defaultRunConfig, type RunConfig } from '../spec/run-config';
import { cpuBackend } from '../testing/backends';
import { DivergenceMonitor, divergenceRuleProblems } from './divergence';
import { TrainingSession, type SessionParts } from './session';
import type { BatchSource, HostBatch, TrainableModel } from './types';

const classes = 3;

function batch(label: number): HostBatch {
  return {
    inputs: Float32Array.from({ length: 8 }, (_, i) => ((i * 7) % 5) / 5 - 0.4),
    inputShape: [2, 4],
    targets: Float32Array.from([label, (label + 1) % classes]),
  };
}

/** A linear classifier whose logits are multiplied by `gain(step)`, to make the loss grow on cue. */
function session(opts: {
  gain: (forwardCall: number) => number;
  steps: number;
  label?: number;
  divergence?: SessionParts['divergence'];
}) {
  const backend = cpuBackend;
  const layer = new Linear(backend, 4, classes, new Rng(1));
  let calls = 0;
  const model: TrainableModel = {
    task: 'classify',
    module: layer,
    forward: (x) => scale(layer.forward(x), opts.gain(++calls)),
  };
  const data: BatchSource = {
    nextTrain: () => batch(opts.label ?? 1),
    evalBatches: () => [batch(2)],
  };
  const config: RunConfig = {
    ...defaultRunConfig,
    steps: opts.steps,
    metricsEvery: 1,
    evalEvery: 1000,
  };
  const zero = { theoretical: 0, executed: 0 };
  return new TrainingSession({
    backend,
    config,
    model,
    data,
    // A learning rate this small keeps the weights (and so the loss) where the gain puts them.
    optimizer: new SGD(layer.parameters(), { lr: 1e-9 }),
    schedule: constant(1e-9),
    cost: { regular: zero, update: zero },
    sparsity: null,
    sync: () => Promise.resolve(),
    yieldNow: () => Promise.resolve(),
    divergence: opts.divergence,
  });
}

describe('divergence detection', () => {
  it('stops with DIVERGED after K consecutive reads above factor x the first loss', async () => {
    // Logits x1 for 4 steps, then x1e4: the loss jumps by orders of magnitude but stays finite.
    const s = session({ gain: (c) => (c <= 4 ? 1 : 1e4), steps: 50 });
    await expect(s.run()).rejects.toMatchObject({ code: 'DIVERGED' });
    // 4 normal points, then 3 over the bound (all recorded), then the stop.
    expect(s.history.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(s.step).toBe(7);
  });

  it('leaves a run alone when the spike is shorter than K reads, or the bound is off', async () => {
    const spike = session({ gain: (c) => (c === 3 || c === 4 ? 1e4 : 1), steps: 8 });
    await spike.run();
    expect(spike.step).toBe(8);
    const off = session({
      gain: (c) => (c <= 2 ? 1 : 1e4),
      steps: 8,
      divergence: { factor: 0, checks: 1 },
    });
    await off.run();
    expect(off.step).toBe(8);
  });

  it('stops at once with NAN_LOSS on a non-finite loss, keeping the earlier points', async () => {
    const s = session({ gain: (c) => (c <= 2 ? 1 : Infinity), steps: 10 });
    await expect(s.run()).rejects.toMatchObject({ code: 'NAN_LOSS' });
    expect(s.history.map((p) => p.step)).toEqual([1, 2]);
  });

  it('checks its rule and names the series and step', () => {
    expect(divergenceRuleProblems({ factor: 1, checks: 3 })).toHaveLength(1);
    expect(divergenceRuleProblems({ factor: 10, checks: 0.5 })).toHaveLength(1);
    expect(divergenceRuleProblems({ factor: 0, checks: 1 })).toEqual([]);
    const m = new DivergenceMonitor({ factor: 10, checks: 2 });
    m.observe('eval', 2, 10);
    m.observe('eval', 25, 20);
    expect(() => m.observe('eval', 6e6, 30)).toThrow(/evaluation loss was 6\.00e\+6 at step 30/);
  });
});

describe('labels on the training path', () => {
  it('an out-of-range label is named before upload, as the CPU reference names it', async () => {
    const s = session({ gain: () => 1, steps: 3, label: 5 });
    await expect(s.run()).rejects.toMatchObject({
      code: 'LABEL_OUT_OF_RANGE',
      message: expect.stringContaining('label 5 of row 0 is not a class in [0, 3)'),
    });
    expect(s.step).toBe(0);
  });
});

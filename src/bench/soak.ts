// A long soak of the training loop on the GPU backend: a two-layer MLP small enough that 10,000
// steps take a minute or two on SwiftShader, trained by the real TrainingSession (metric reads,
// evaluations, divergence checks) with a recovery snapshot (device copies, then readback) at
// every evaluation, as the worker takes them. Samples the runtime's counters every `sampleEvery`
// steps; live buffers and bytes must stay flat after the first sample, and no buffers, bind
// groups or pipelines may be created after warm-up.
import { Rng } from '../common/rng';
import type { WebGpuBackend } from '../gpu/backend';
import { readSnapshot, takeSnapshot, type SnapshotSource } from '../io/snapshot';
import { Linear } from '../nn/linear';
import { Module } from '../nn/module';
import { SGD } from '../nn/optim/sgd';
import { constant } from '../nn/optim/schedule';
import { relu } from '../ops/elementwise';
import { defaultRunConfig } from '../spec/run-config';
import type { Tensor } from '../tensor/tensor';
import { TrainingSession } from '../train/session';
import type { HostBatch } from '../train/types';

export interface SoakSample {
  step: number;
  liveBuffers: number;
  liveBytes: number;
  freeBuffers: number;
  createdBuffers: number;
  bindGroupsCreated: number;
  pipelines: number;
  /** Mean wall time per step since the previous sample. */
  msPerStep: number;
  trainLoss: number;
}

export interface SoakResult {
  steps: number;
  samples: SoakSample[];
  snapshots: number;
  /** Largest minus smallest live-buffer count over the samples after the first. */
  liveBufferDrift: number;
  liveBytesDrift: number;
  /** Buffers, bind groups and pipelines created after the first sample. */
  createdAfterWarmup: { buffers: number; bindGroups: number; pipelines: number };
}

class Mlp extends Module {
  readonly fc1: Linear;
  readonly fc2: Linear;
  constructor(backend: WebGpuBackend, rng: Rng) {
    super();
    this.fc1 = this.addModule('fc1', new Linear(backend, 16, 32, rng));
    this.fc2 = this.addModule('fc2', new Linear(backend, 32, 4, rng));
  }
  forward(x: Tensor): Tensor {
    return this.fc2.forward(relu(this.fc1.forward(x)));
  }
}

/** A fixed synthetic task: the class is the quadrant of (x0, x1); 16 features, batch 8. */
function batches(seed: number, count: number): HostBatch[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => {
    const inputs = Float32Array.from({ length: 8 * 16 }, () => rng.next() * 2 - 1);
    const targets = Float32Array.from({ length: 8 }, (_, r) => {
      const x0 = inputs[r * 16];
      const x1 = inputs[r * 16 + 1];
      return (x0 > 0 ? 1 : 0) + (x1 > 0 ? 2 : 0);
    });
    return { inputs, inputShape: [8, 16], targets };
  });
}

export async function soak(
  gpu: WebGpuBackend,
  { steps, sampleEvery, log }: { steps: number; sampleEvery: number; log: (line: string) => void },
): Promise<SoakResult> {
  const model = new Mlp(gpu, new Rng(1));
  const optimizer = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const train = batches(1, 64);
  const evalSet = batches(2, 4);
  let next = 0;
  const evalEvery = 500;
  const samples: SoakSample[] = [];
  let snapshots = 0;
  let pendingSnapshot: Promise<unknown> = Promise.resolve();
  let last = { at: performance.now(), step: 0 };
  const sources = (): SnapshotSource[] => [
    ...[...model.namedParameters()].map(([name, p]) => ({
      name,
      dtype: 'F32' as const,
      shape: p.shape,
      storage: p.storage,
    })),
    ...[...model.namedParameters()].flatMap(([name, p]) =>
      optimizer.stateOf(p).map((t) => ({
        name: `optimizer.${name}.momentum_buffer`,
        dtype: 'F32' as const,
        shape: t.shape,
        storage: t.storage,
      })),
    ),
  ];
  const session = new TrainingSession(
    {
      backend: gpu,
      config: { ...defaultRunConfig, steps, metricsEvery: 10, evalEvery },
      model: { task: 'classify', module: model, forward: (x) => model.forward(x) },
      data: { nextTrain: () => train[next++ % train.length], evalBatches: () => evalSet },
      optimizer,
      schedule: constant(0.05),
      cost: { regular: { theoretical: 0, executed: 0 }, update: { theoretical: 0, executed: 0 } },
      sparsity: null,
      sync: () => gpu.rt.sync(),
      yieldNow: () => Promise.resolve(),
    },
    {
      onMetrics: ([point]) => {
        if (point.step % evalEvery === 0 && point.evalLoss !== undefined) {
          // The worker's recovery checkpoint: copies now, readback overlapping the next steps.
          const snapshot = takeSnapshot(gpu, sources());
          pendingSnapshot = pendingSnapshot
            .then(() => readSnapshot(gpu, snapshot))
            .then(() => snapshots++);
        }
        if (point.step % sampleEvery !== 0 || point.trainLoss === undefined) return;
        const s = gpu.rt.stats();
        const now = performance.now();
        const sample: SoakSample = {
          step: point.step,
          liveBuffers: s.liveBuffers,
          liveBytes: s.liveBytes,
          freeBuffers: s.freeBuffers,
          createdBuffers: s.createdBuffers,
          bindGroupsCreated: s.bindGroupsCreated,
          pipelines: s.pipelines,
          msPerStep: (now - last.at) / (point.step - last.step),
          trainLoss: point.trainLoss,
        };
        last = { at: now, step: point.step };
        samples.push(sample);
        log(
          `step ${sample.step}: live ${sample.liveBuffers} buffers (${sample.liveBytes} B), ` +
            `free ${sample.freeBuffers}, created ${sample.createdBuffers}, bind groups ` +
            `${sample.bindGroupsCreated}, pipelines ${sample.pipelines}, ` +
            `${sample.msPerStep.toFixed(2)} ms/step, loss ${sample.trainLoss.toFixed(4)}`,
        );
      },
    },
  );
  try {
    await session.run();
    await pendingSnapshot;
  } finally {
    session.dispose();
    optimizer.dispose();
    model.dispose();
  }
  const after = samples.slice(1);
  const spread = (f: (s: SoakSample) => number) =>
    after.length === 0 ? 0 : Math.max(...after.map(f)) - Math.min(...after.map(f));
  const first = samples[0];
  const end = samples[samples.length - 1];
  return {
    steps,
    samples,
    snapshots,
    liveBufferDrift: spread((s) => s.liveBuffers),
    liveBytesDrift: spread((s) => s.liveBytes),
    createdAfterWarmup: {
      buffers: end.createdBuffers - first.createdBuffers,
      bindGroups: end.bindGroupsCreated - first.bindGroupsCreated,
      pipelines: end.pipelines - first.pipelines,
    },
  };
}

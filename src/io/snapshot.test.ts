// Recovery checkpoints under a training loop that keeps running (CPU reference): the snapshot is
// taken between two steps and read back only several steps later, as a slow GPU readback would
// be; every tensor in it must still hold the state of the step it was taken at. Reading the live
// tensors at that point (what the worker did before) gives later values, which this would catch.
import { describe, expect, it } from 'vitest';
import { Rng } from '../common/rng';
import { Linear } from '../nn/linear';
import { constant } from '../nn/optim/schedule';
import { SGD } from '../nn/optim/sgd';
import { cpu } from '../reference/storage';
import { defaultRunConfig } from '../spec/run-config';
import { cpuBackend } from '../testing/backends';
import { TrainingSession } from '../train/session';
import { readSnapshot, takeSnapshot, type Snapshot, type SnapshotSource } from './snapshot';

describe('consistent snapshots while training continues', () => {
  it('holds one step of weights and optimiser state, read back three steps later', async () => {
    const backend = cpuBackend;
    const layer = new Linear(backend, 4, 3, new Rng(2));
    const optimizer = new SGD(layer.parameters(), { lr: 0.1, momentum: 0.9 });
    const inputs = Float32Array.from({ length: 8 }, (_, i) => Math.sin(i));
    const session = new TrainingSession(
      {
        backend,
        config: { ...defaultRunConfig, steps: 12, metricsEvery: 1, evalEvery: 1000 },
        model: { task: 'classify', module: layer, forward: (x) => layer.forward(x) },
        data: {
          nextTrain: () => ({ inputs, inputShape: [2, 4], targets: Float32Array.from([0, 2]) }),
          evalBatches: () => [{ inputs, inputShape: [2, 4], targets: Float32Array.from([1, 1]) }],
        },
        optimizer,
        schedule: constant(0.1),
        cost: { regular: { theoretical: 0, executed: 0 }, update: { theoretical: 0, executed: 0 } },
        sparsity: null,
        sync: () => Promise.resolve(),
        yieldNow: () => new Promise((resolve) => setTimeout(resolve, 0)),
      },
      {
        onMetrics: ([point]) => {
          if (point.step === 4) {
            const sources: SnapshotSource[] = [...layer.namedParameters()].flatMap(([name, p]) => [
              { name, dtype: 'F32' as const, shape: p.shape, storage: p.storage },
              ...optimizer.stateOf(p).map((t) => ({
                name: `${name}.momentum`,
                dtype: 'F32' as const,
                shape: t.shape,
                storage: t.storage,
              })),
            ]);
            truth = new Map(sources.map((s) => [s.name, Array.from(cpu(s.storage))]));
            snapshot = takeSnapshot(backend, sources);
            live = sources;
          }
          if (point.step === 7) read = readSnapshot(backend, snapshot!);
        },
      },
    );
    let truth = new Map<string, number[]>();
    let snapshot: Snapshot | undefined;
    let live: SnapshotSource[] = [];
    let read: Promise<Map<string, { data: ArrayLike<number> }>> | undefined;
    await session.run();
    expect(session.step).toBe(12);
    const tensors = await read!;
    expect([...tensors.keys()].sort()).toEqual([...truth.keys()].sort());
    expect(truth.size).toBe(4); // weight, bias and the momentum of each
    for (const [name, values] of truth) {
      const got = Array.from(tensors.get(name)!.data);
      expect(got, name).toEqual(values.map((v) => Math.fround(v)));
    }
    // Training went on: the live tensors moved past the snapshot, so a torn read would show.
    for (const s of live) expect(Array.from(cpu(s.storage))).not.toEqual(truth.get(s.name));
  });
});

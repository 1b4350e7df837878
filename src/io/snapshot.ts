// Consistent recovery checkpoints of a run that keeps training: between two steps, every tensor
// (weights, buffers, masks, optimiser state) is copied on the device in submission order, so
// the copies hold one step's state; the slow readback of the copies can then overlap the next
// steps without mixing them. Reading the live tensors one by one instead would take weights,
// masks and optimiser state from different steps.
import type { Backend, Storage } from '../tensor/backend';
import type { PreparedRun } from '../train/setup';
import {
  adamStepCounts,
  CHECKPOINT_FORMAT,
  describeRun,
  MASK_SUFFIX,
  optimizerState,
  type CheckpointConfig,
} from './checkpoint';
import { writeSafetensors, type SafetensorsTensor } from './safetensors';

export interface SnapshotSource {
  name: string;
  /** Masks are stored as U8 0/1, everything else as F32. */
  dtype: 'F32' | 'U8';
  shape: readonly number[];
  storage: Storage;
}

export interface Snapshot {
  step: number;
  config: CheckpointConfig | null;
  copies: (SnapshotSource & { copy: Storage })[];
  /** Host-side values of the same moment (AdamW step counts), written as F32 scalars. */
  scalars: [string, number][];
}

/** Every tensor a checkpoint holds, under its checkpoint name. */
export function runTensors(run: PreparedRun, withOptimizer: boolean): SnapshotSource[] {
  const out: SnapshotSource[] = [];
  for (const [name, t] of run.model.module.stateDict())
    out.push({ name, dtype: 'F32', shape: t.shape, storage: t.storage });
  for (const { weight, mask } of run.sparsity?.entries ?? []) {
    out.push({
      name: `${weight.name}${MASK_SUFFIX}`,
      dtype: 'U8',
      shape: weight.weight.shape,
      storage: mask.storage,
    });
  }
  if (withOptimizer) {
    for (const [name, t] of optimizerState(run))
      out.push({ name, dtype: 'F32', shape: t.shape, storage: t.storage });
  }
  return out;
}

/** Device-side copies of `sources`, taken now (call between steps); no readback. */
export function takeSnapshot(
  backend: Backend,
  step: number,
  sources: readonly SnapshotSource[],
  config: CheckpointConfig | null = null,
  scalars: [string, number][] = [],
): Snapshot {
  const copies: Snapshot['copies'] = [];
  try {
    for (const s of sources) {
      const copy = backend.zeros(s.storage.size);
      copies.push({ ...s, copy });
      backend.assign(copy, s.storage);
    }
  } catch (e) {
    for (const c of copies) backend.release(c.copy);
    throw e;
  }
  return { step, config, copies, scalars };
}

/** A run's snapshot with its describing config (step and FLOP counts of the same moment). */
export function snapshotRun(run: PreparedRun, withOptimizer: boolean): Snapshot {
  return takeSnapshot(
    run.backend,
    run.session.step,
    runTensors(run, withOptimizer),
    describeRun(run),
    withOptimizer ? adamStepCounts(run) : [],
  );
}

/** Reads the copies back and releases them (also on failure). */
export async function readSnapshot(
  backend: Backend,
  snapshot: Snapshot,
): Promise<Map<string, SafetensorsTensor>> {
  try {
    const tensors = new Map<string, SafetensorsTensor>();
    for (const c of snapshot.copies) {
      const values = await backend.read(c.copy);
      tensors.set(
        c.name,
        c.dtype === 'U8'
          ? {
              dtype: 'U8',
              shape: [...c.shape],
              data: Uint8Array.from(values, (v) => (v > 0.5 ? 1 : 0)),
            }
          : { dtype: 'F32', shape: [...c.shape], data: values },
      );
    }
    for (const [name, value] of snapshot.scalars)
      tensors.set(name, { dtype: 'F32', shape: [], data: Float32Array.of(value) });
    return tensors;
  } finally {
    for (const c of snapshot.copies) backend.release(c.copy);
  }
}

/** The snapshot as a safetensors checkpoint file (what exportRun writes, from one step). */
export async function snapshotFile(backend: Backend, snapshot: Snapshot): Promise<Uint8Array> {
  const tensors = await readSnapshot(backend, snapshot);
  return writeSafetensors(tensors, {
    format: CHECKPOINT_FORMAT,
    config: JSON.stringify(snapshot.config),
  });
}

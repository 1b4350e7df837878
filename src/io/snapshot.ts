// Consistent copies of a set of tensors while training goes on: between two steps every tensor
// is copied on the device, in submission order, so the copies hold that one step's state; the
// slow readback of the copies can then overlap the next steps without mixing them. Reading the
// live tensors one by one instead would take weights, masks and optimiser state from different
// steps. checkpoint.ts builds checkpoints and exports on this.
import type { Backend, Storage } from '../tensor/backend';
import type { SafetensorsTensor } from './safetensors';

export interface SnapshotSource {
  name: string;
  /** Masks are stored as U8 0/1, everything else as F32. */
  dtype: 'F32' | 'U8';
  shape: readonly number[];
  storage: Storage;
}

export interface Snapshot {
  copies: (SnapshotSource & { copy: Storage })[];
  /** Host-side values of the same moment (AdamW step counts), written as F32 scalars. */
  scalars: [string, number][];
}

/** Device-side copies of `sources`, taken now (call between steps); no readback. */
export function takeSnapshot(
  backend: Backend,
  sources: readonly SnapshotSource[],
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
  return { copies, scalars };
}

/** Reads the copies back (one readback each) and releases them, also on failure. */
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

// The drop-and-grow step shared by SET and RigL: one call per sparsified weight, entirely on the
// backend (no weight, gradient or mask copies to the host). After it, the layer's active count is
// what it was (exactly), weights and optimiser state are zero wherever the mask is off and at newly
// grown positions, and the mask's version is bumped so compressed indexes get rebuilt.
import type { Storage } from '../../tensor/backend';
import type { GrowScore, SparseBackend } from '../../tensor/sparse-backend';
import type { Mask } from '../mask';
import { dropCount } from './schedule';

/** One sparsified weight as DST sees it. */
export interface SparseParam {
  /** W, flattened (mask.rows, mask.cols); updated in place. */
  weight: Storage;
  mask: Mask;
  /** Optimiser state of W (momentum, Adam m and v), same size; updated in place. */
  optimizerState: readonly Storage[];
}

export interface RegrowResult {
  /** Weights dropped, and grown (the same number). */
  dropped: number;
}

/**
 * Drop floor(fraction * active) weights of smallest |w| and grow as many by `grow`
 * (see RegrowRequest for the exact rule and tie-breaking).
 */
export function dropAndGrow(
  sparse: SparseBackend,
  p: SparseParam,
  fraction: number,
  grow: GrowScore,
): RegrowResult {
  const active = p.mask.activeCount;
  const dropped = Math.min(dropCount(active, fraction), active);
  if (dropped === 0) return { dropped };
  const old = p.mask.storage;
  const next = sparse.regrow({
    weight: p.weight,
    mask: old,
    activeCount: active,
    dropCount: dropped,
    grow,
  });
  // Keep W and state only where the weight was active before AND after: dropped positions and
  // newly grown ones become 0 (a position dropped and grown back keeps its values, as in RigL).
  for (const s of [p.weight, ...p.optimizerState]) sparse.maskRetainInPlace(s, old, next);
  sparse.release(p.mask.replace(next, active));
  return { dropped };
}

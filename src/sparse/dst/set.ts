// SET (Mocanu et al. 2018): drop the smallest |w|, regrow at uniformly random inactive positions,
// drawn on the GPU from the counter-based RNG (src/common/rng.ts, shaders/lib-random.wgsl).
import { randomU32 } from '../../common/rng';
import type { SparseBackend } from '../../tensor/sparse-backend';
import { dropAndGrow, type RegrowResult, type SparseParam } from './regrow';

/** A distinct random stream per (run seed, layer, step), so no two updates share scores. */
export function setSeed(runSeed: number, layerIndex: number, step: number): number {
  return randomU32(randomU32(runSeed, layerIndex), step);
}

export function setUpdate(
  sparse: SparseBackend,
  p: SparseParam,
  dropFraction: number,
  seed: number,
): RegrowResult {
  return dropAndGrow(sparse, p, dropFraction, { kind: 'random', seed });
}

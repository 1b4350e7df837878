// The mask of one sparsified weight: 0/1 floats on a backend, the same size and layout as the
// weight, plus its active count, kept exact on the host (every producer makes exactly the count it
// is asked for, so nothing is read back to count). A conv weight (C_out, C_in, KH, KW) has
// rows = C_out and cols = C_in * KH * KW, the layout its im2col product uses.
import { SiftError } from '../common/errors';
import type { Storage } from '../tensor/backend';
import type { SparseBackend } from '../tensor/sparse-backend';

export class Mask {
  private current: Storage;
  private active: number;
  /** Bumped whenever the mask changes, so a compressed index knows it must be rebuilt. */
  version = 0;

  constructor(
    storage: Storage,
    readonly rows: number,
    readonly cols: number,
    activeCount: number,
  ) {
    if (storage.size !== rows * cols) {
      throw new SiftError(
        'SHAPE_MISMATCH',
        `mask of ${storage.size} values for a ${rows}x${cols} weight`,
      );
    }
    checkActiveCount(activeCount, rows * cols);
    this.current = storage;
    this.active = activeCount;
  }

  get storage(): Storage {
    return this.current;
  }

  get activeCount(): number {
    return this.active;
  }

  get size(): number {
    return this.rows * this.cols;
  }

  /** Fraction of active weights (1 - sparsity). */
  get density(): number {
    return this.active / this.size;
  }

  /** Swap in a new mask storage; returns the old one for the caller to release. */
  replace(storage: Storage, activeCount: number): Storage {
    if (storage.size !== this.size) {
      throw new SiftError(
        'SHAPE_MISMATCH',
        `replacement mask has ${storage.size} values, expected ${this.size}`,
      );
    }
    checkActiveCount(activeCount, this.size);
    const old = this.current;
    this.current = storage;
    this.active = activeCount;
    this.version++;
    return old;
  }
}

function checkActiveCount(activeCount: number, size: number): void {
  if (!Number.isInteger(activeCount) || activeCount < 0 || activeCount > size) {
    throw new SiftError(
      'INVALID_ARGUMENT',
      `active count ${activeCount} is not an integer in [0, ${size}]`,
    );
  }
}

/** Active weights for a layer of `size` at `density` (rounded to nearest). */
export function activeCountFor(size: number, density: number): number {
  if (!(density >= 0 && density <= 1)) {
    throw new SiftError('INVALID_ARGUMENT', `density ${density} is not in [0, 1]`);
  }
  return Math.round(density * size);
}

/**
 * A mask of exactly `activeCount` ones at uniformly random positions (seeded, counter-based RNG,
 * so the GPU and the CPU reference pick the same positions). The paper keeps each weight with
 * probability `density` (docs/sift-method.md, "Sparse training"); drawing an exact count instead
 * is that distribution conditioned on its count, and makes the host's active count exact from the
 * first step (the RigL reference does the same with a random permutation).
 */
export function createRandomMask(
  sparse: SparseBackend,
  rows: number,
  cols: number,
  activeCount: number,
  seed: number,
): Mask {
  checkActiveCount(activeCount, rows * cols);
  return new Mask(sparse.maskInitRandom(rows * cols, activeCount, seed), rows, cols, activeCount);
}

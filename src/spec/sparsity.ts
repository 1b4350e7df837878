// Sparsity (fraction of zeros) and density (1 - sparsity) as branded numbers, so the compiler
// catches a swap (docs/architecture.md, Naming and types). Both are plain numbers at run time.
import { SiftError } from '../common/errors';

/** Fraction of a weight's entries that are zero, in [0, 1). */
export type Sparsity = number & { readonly __unit: 'sparsity' };
/** Fraction of a weight's entries that are kept, in (0, 1]. */
export type Density = number & { readonly __unit: 'density' };

/** Checks 0 <= value < 1 (docs/sift-method.md, "The idea"); throws INVALID_ARGUMENT otherwise. */
export function toSparsity(value: number): Sparsity {
  if (!Number.isFinite(value) || value < 0 || value >= 1) {
    throw new SiftError('INVALID_ARGUMENT', `sparsity must be in [0, 1), got ${value}`);
  }
  return value as Sparsity;
}

/** Checks 0 < value <= 1; throws INVALID_ARGUMENT otherwise. */
export function toDensity(value: number): Density {
  if (!Number.isFinite(value) || value <= 0 || value > 1) {
    throw new SiftError('INVALID_ARGUMENT', `density must be in (0, 1], got ${value}`);
  }
  return value as Density;
}

export const FULL_DENSITY = 1 as Density;

export function densityOf(sparsity: Sparsity): Density {
  return (1 - sparsity) as Density;
}

export function sparsityOf(density: Density): Sparsity {
  return (1 - density) as Sparsity;
}

/**
 * Number of kept entries of a weight with `numel` entries at `density`: the exact count every mask
 * holds from step 0 (docs/sift-method.md, "Sparse training"), rounded to nearest as sparse/mask.ts
 * does.
 */
export function activeCount(numel: number, density: Density): number {
  return Math.round(numel * density);
}

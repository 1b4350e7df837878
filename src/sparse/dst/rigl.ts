// RigL (Evci et al. 2020, "Rigging the Lottery"): drop the smallest |w|, regrow the inactive
// positions of largest |dense gradient| (one minibatch, unmasked: produce it with weight grad
// kind 'dense' on update steps). Regrown weights and their optimiser state start at 0.
import type { Storage } from '../../tensor/backend';
import type { SparseBackend } from '../../tensor/sparse-backend';
import { dropAndGrow, type RegrowResult, type SparseParam } from './regrow';

/** denseGrad: dy^T x for this weight, same size, not masked. */
export function rigLUpdate(
  sparse: SparseBackend,
  p: SparseParam,
  dropFraction: number,
  denseGrad: Storage,
): RegrowResult {
  return dropAndGrow(sparse, p, dropFraction, { kind: 'gradient', grad: denseGrad });
}

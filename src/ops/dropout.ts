// Inverted dropout (Srivastava et al. 2014; PyTorch nn.Dropout): in training, each element is
// zeroed with probability p and the survivors scaled by 1 / (1 - p), so evaluation is the identity.
// The mask comes from the counter-based stream (seed, element index), reproducible on the CPU.
import { SiftError } from '../common/errors';
import { broadcastPlan } from '../tensor/shape';
import { isGradEnabled, record } from '../tensor/tape';
import { Tensor } from '../tensor/tensor';

/**
 * x (any shape) -> same shape. `seed` picks the mask: use a different one per call site and per
 * step (e.g. hash of layer index and step), or every layer and step drops the same elements.
 */
export function dropout(x: Tensor, p: number, seed: number, training: boolean): Tensor {
  if (!(p >= 0 && p <= 1))
    throw new SiftError('INVALID_ARGUMENT', `dropout probability ${p} is not in [0, 1]`);
  if (!training || p === 0) return x;
  const be = x.backend;
  const mask = new Tensor(be, be.dropoutMask(x.size, p, seed), x.shape);
  const plan = broadcastPlan(x.shape, x.shape);
  const out = new Tensor(be, be.binary('mul', x.storage, mask.storage, plan), x.shape);
  if (!isGradEnabled() || !x.requiresGrad) {
    mask.dispose();
    return out;
  }
  return record(out, 'dropout', [x], (g) => [
    new Tensor(be, be.binary('mul', g.storage, mask.storage, plan), x.shape),
  ]);
}

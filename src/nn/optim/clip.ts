// Global-norm gradient clipping (PyTorch torch.nn.utils.clip_grad_norm_) computed on the device:
// the result is a 1-element scale tensor that the optimiser multiplies into every gradient
// (SgdParams / AdamWParams gradScaleBuffer), so a clipped step needs no readback.
import { SiftError } from '../../common/errors';
import type { Storage } from '../../tensor/backend';
import { Tensor } from '../../tensor/tensor';

export interface ClipResult {
  /** sqrt of the sum of squares of every gradient, shape [1]; read it only at the metrics cadence. */
  totalNorm: Tensor;
  /** min(1, maxNorm / (totalNorm + 1e-6)), shape [1]: pass to Optimizer.step. */
  scale: Tensor;
}

/** The clipping factor for the gradients of `params` (those without .grad are skipped). */
export function clipGradNorm(params: readonly Tensor[], maxNorm: number): ClipResult {
  if (!(maxNorm > 0))
    throw new SiftError('INVALID_ARGUMENT', `clipGradNorm: maxNorm ${maxNorm} must be > 0`);
  if (params.length === 0) throw new SiftError('INVALID_ARGUMENT', 'clipGradNorm: no parameters');
  const grads = params.flatMap((p) => (p.grad ? [p.grad] : []));
  const be = params[0].backend;
  const sumSq: Storage = be.zeros(1);
  for (const g of grads) {
    const squares = be.unary('square', g.storage);
    const partial = be.reduce('sum', squares, 1, g.size, 1);
    be.release(squares);
    be.addInPlace(sumSq, partial);
    be.release(partial);
  }
  const norm = be.unary('sqrt', sumSq);
  be.release(sumSq);
  // PyTorch's eps keeps the factor finite for all-zero gradients.
  const denom = be.unary('add-scalar', norm, 1e-6);
  const limit = be.fill(1, maxNorm);
  const ratio = be.binary('div', limit, denom, plan1);
  const one = be.fill(1, 1);
  const scale = be.binary('min', ratio, one, plan1);
  for (const s of [denom, limit, ratio, one]) be.release(s);
  return { totalNorm: new Tensor(be, norm, [1]), scale: new Tensor(be, scale, [1]) };
}

const plan1 = { outShape: [1], aStrides: [1], bStrides: [1] };

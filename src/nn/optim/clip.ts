// Global-norm gradient clipping (PyTorch torch.nn.utils.clip_grad_norm_) computed on the device:
// the result is a 1-element scale tensor that the optimiser multiplies into every gradient
// (SgdParams / AdamWParams gradScaleBuffer), so a clipped step needs no readback.
import { SiftError } from '../../common/errors';
import type { Backend, Storage } from '../../tensor/backend';
import { Tensor } from '../../tensor/tensor';

export interface ClipResult {
  /** sqrt of the sum of squares of every gradient, shape [1]; read it only at the metrics cadence. */
  totalNorm: Tensor;
  /** min(1, maxNorm / (totalNorm + 1e-6)), shape [1]: pass to Optimizer.step. */
  scale: Tensor;
}

/** The clipping factor for the gradients of `params` (those without .grad are skipped). */
export function clipGradNorm(params: readonly Tensor[], maxNorm: number): ClipResult {
  if (params.length === 0) throw new SiftError('INVALID_ARGUMENT', 'clipGradNorm: no parameters');
  return clipGradients(
    params.flatMap((p) => (p.grad ? [p.grad] : [])),
    maxNorm,
    params[0].backend,
  );
}

/**
 * The clipping factor for the global norm of `grads`: each parameter's gradient, or an
 * optimiser's one flat gradient arena (Optimizer.gradients(): two reductions in all instead of
 * three per parameter).
 */
export function clipGradients(
  grads: readonly Tensor[],
  maxNorm: number,
  be: Backend | undefined = grads[0]?.backend,
): ClipResult {
  if (!(maxNorm > 0))
    throw new SiftError('INVALID_ARGUMENT', `clipGradNorm: maxNorm ${maxNorm} must be > 0`);
  if (!be) throw new SiftError('INVALID_ARGUMENT', 'clipGradNorm: no gradients');
  const sumOfSquares = (g: Tensor): Storage => {
    const squares = be.unary('square', g.storage);
    const sum = be.reduce('sum', squares, 1, g.size, 1);
    be.release(squares);
    return sum;
  };
  let sumSq: Storage;
  if (grads.length === 1) {
    sumSq = sumOfSquares(grads[0]);
  } else {
    sumSq = be.zeros(1);
    for (const g of grads) {
      const partial = sumOfSquares(g);
      be.addInPlace(sumSq, partial);
      be.release(partial);
    }
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

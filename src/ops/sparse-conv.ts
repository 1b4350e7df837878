// conv2d with a sparsified weight on the compressed zero-skipping path, forward and backward:
// implicit convolutions over the mask's index that read x and dy in NCHW and W in OIHW directly
// (src/tensor/sparse-backend.ts csrConvForward / csrConvBackward), so a step costs one kernel
// per product (forward, input gradient, masked weight gradient) and no im2col buffer, transpose,
// layout gather or value refresh. RigL's dense weight gradient, taken once every dT steps, goes
// through im2col and the dense matmul instead.
import type { Conv2dPlan, StridedView } from '../tensor/backend';
import { broadcastPlan } from '../tensor/shape';
import { record } from '../tensor/tape';
import { Tensor } from '../tensor/tensor';
import { matmulRaw } from './matmul';
import { currentCsr, weightGradKind, type SparseWeightState } from './sparse';

/**
 * y (N, O, OH, OW) = conv2d(x, W*M) + bias, for a plan and bias conv2d has already checked
 * (src/ops/conv.ts calls this for a weight with a SparseWeightState).
 */
export function sparseConv2d(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  conv: Conv2dPlan,
  state: SparseWeightState,
): Tensor {
  const be = x.backend;
  const outChannels = weight.shape[0];
  const { batch: N, outHeight: OH, outWidth: OW } = conv;
  const csr = currentCsr(state);
  const plan = { x: x.storage, w: weight.storage, mask: state.mask.storage, csr, conv };
  let out = new Tensor(be, state.sparse.csrConvForward(plan), [N, outChannels, OH, OW]);
  if (bias) {
    const perChannel = broadcastPlan([N, outChannels, OH * OW], [outChannels, 1]);
    const biased = new Tensor(
      be,
      be.binary('add', out.storage, bias.storage, perChannel),
      out.shape,
    );
    out.dispose();
    out = biased;
  }
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record(out, 'sparse-conv2d', inputs, (g) => {
    const kind = weightGradKind(state, weight);
    const grads = state.sparse.csrConvBackward(plan, g.storage, {
      input: x.requiresGrad,
      maskedWeight: kind === 'masked',
    });
    const dx = grads.dx && new Tensor(be, grads.dx, x.shape);
    let dw = grads.dw && new Tensor(be, grads.dw, weight.shape);
    if (kind === 'dense') dw = denseWeightGrad(g, x, weight, conv);
    let db: Tensor | null = null;
    if (bias?.requiresGrad) {
      const perImage = be.reduce('sum', g.storage, N * outChannels, OH * OW, 1);
      db = new Tensor(be, be.reduce('sum', perImage, 1, N, outChannels), [outChannels]);
      be.release(perImage);
    }
    return bias ? [dx, dw, db] : [dx, dw];
  });
}

/** dW = dy_rows^T im2col(x), unmasked: RigL's grow criterion on its update steps. */
function denseWeightGrad(g: Tensor, x: Tensor, weight: Tensor, conv: Conv2dPlan): Tensor {
  const be = x.backend;
  const { batch: N, outHeight: OH, outWidth: OW } = conv;
  const outChannels = weight.shape[0];
  const rows = N * OH * OW;
  // (N, O, OH, OW) -> (N, OH, OW, O), i.e. (rows, O).
  const toRows: StridedView = {
    shape: [N, OH, OW, outChannels],
    strides: [outChannels * OH * OW, OW, 1, OH * OW],
    offset: 0,
  };
  const g2 = new Tensor(be, be.gatherStrided(g.storage, toRows), [rows, outChannels]);
  const cols = new Tensor(be, be.im2col(x.storage, conv), [rows, weight.size / outChannels]);
  const dwMat = matmulRaw(g2, cols, { transA: true });
  g2.dispose();
  cols.dispose();
  const dw = dwMat.view(weight.shape);
  dwMat.dispose();
  return dw;
}

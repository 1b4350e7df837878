// conv2d with a dense (or masked-dense) weight as an implicit GEMM: each of the three products is
// one backend call that reads x / dy in NCHW and W in OIHW as they stand and writes NCHW / OIHW,
// with no patch matrix (im2col), no col2im and no layout copy of dy:
//   forward:  y[n, o, p] = bias[o] + sum_k W[o, k] x_patch(n, p, k)
//   backward: dx = the gather of W dy over the taps that read each pixel;
//             dW[o, k] = sum over (n, p) of dy[n, o, p] x_patch(n, p, k);
//             dbias = dy summed over samples and pixels (two reduces, no rows gather)
import type { ConvProductPlan } from '../tensor/backend';
import { record } from '../tensor/tape';
import { Tensor } from '../tensor/tensor';
import { sumOverChannels } from './norm';

export function denseConv2d(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  plan: ConvProductPlan,
): Tensor {
  const be = x.backend;
  const { batch: N, outChannels: O, outHeight: OH, outWidth: OW } = plan;
  const y = be.convForward(
    { x: x.storage, weight: weight.storage, bias: bias?.storage ?? null },
    plan,
  );
  const out = new Tensor(be, y, [N, O, OH, OW]);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record(out, 'conv2d', inputs, (g) => {
    const dx = x.requiresGrad
      ? new Tensor(be, be.convInputGrad(g.storage, weight.storage, plan), x.shape)
      : null;
    const dw = weight.requiresGrad
      ? new Tensor(be, be.convWeightGrad(g.storage, x.storage, plan), weight.shape)
      : null;
    const db = bias?.requiresGrad
      ? new Tensor(
          be,
          sumOverChannels(be, g.storage, { n: N, channels: O, spatial: OH * OW }),
          bias.shape,
        )
      : null;
    return bias ? [dx, dw, db] : [dx, dw];
  });
}

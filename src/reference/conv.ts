// CPU reference for the convolution helpers, float64, from the definitions:
// cols[(n, oh, ow), (c, kh, kw)] = x[n, c, oh * sh - ph + kh, ow * sw - pw + kw] (0 outside),
// and col2im as the literal adjoint: scatter-add every cols entry back to the pixel it came from.
import type { Conv2dPlan, Storage } from '../tensor/backend';
import { cpu, wrap } from './storage';

// Visits every (cols index, x index) pair of the im2col map; x index -1 marks padding.
function forEachPatchEntry(
  plan: Conv2dPlan,
  visit: (colsIndex: number, xIndex: number) => void,
): void {
  const { batch, inChannels: C, inHeight: H, inWidth: W, kernelH: KH, kernelW: KW } = plan;
  const { strideH, strideW, padH, padW, outHeight: OH, outWidth: OW } = plan;
  let colsIndex = 0;
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let c = 0; c < C; c++) {
          for (let kh = 0; kh < KH; kh++) {
            for (let kw = 0; kw < KW; kw++) {
              const ih = oh * strideH - padH + kh;
              const iw = ow * strideW - padW + kw;
              const inside = ih >= 0 && ih < H && iw >= 0 && iw < W;
              visit(colsIndex++, inside ? ((n * C + c) * H + ih) * W + iw : -1);
            }
          }
        }
      }
    }
  }
}

/** x (N, C, H, W) -> cols (N * OH * OW, C * KH * KW). */
export function im2col(x: Storage, plan: Conv2dPlan): Storage {
  const xs = cpu(x);
  const cols = new Float64Array(
    plan.batch * plan.outHeight * plan.outWidth * plan.inChannels * plan.kernelH * plan.kernelW,
  );
  forEachPatchEntry(plan, (ci, xi) => {
    if (xi >= 0) cols[ci] = xs[xi];
  });
  return wrap(cols);
}

/** cols (N * OH * OW, C * KH * KW) -> dx (N, C, H, W), the adjoint of im2col. */
export function col2im(cols: Storage, plan: Conv2dPlan): Storage {
  const cs = cpu(cols);
  const dx = new Float64Array(plan.batch * plan.inChannels * plan.inHeight * plan.inWidth);
  forEachPatchEntry(plan, (ci, xi) => {
    if (xi >= 0) dx[xi] += cs[ci];
  });
  return wrap(dx);
}

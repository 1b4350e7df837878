// CPU reference for the convolution helpers, float64, from the definitions:
// cols[(n, oh, ow), (c, kh, kw)] = x[n, c, oh * sh - ph + kh, ow * sw - pw + kw] (0 outside),
// and col2im as the literal adjoint (scatter-add every cols entry back to its pixel), kept as the
// oracle the implicit products are tied to in tests (no kernel uses it).
// The dense products (convForward, convInputGrad, convWeightGrad) are written as one loop nest
// over every (sample, output pixel, output channel, tap) term, so they share no code with the
// implicit-GEMM kernels they check.
import type { Conv2dPlan, ConvForwardArgs, ConvProductPlan, Storage } from '../tensor/backend';
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

// Visits every term of the conv sum: y index (n, o, oh, ow), w index (o, c, kh, kw), x index
// (n, c, ih, iw); terms that read padding are skipped.
function forEachTerm(
  p: ConvProductPlan,
  visit: (yIndex: number, wIndex: number, xIndex: number) => void,
): void {
  const { batch, inChannels: C, inHeight: H, inWidth: W, kernelH: KH, kernelW: KW } = p;
  const { strideH, strideW, padH, padW, outHeight: OH, outWidth: OW, outChannels: O } = p;
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < O; o++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          const yIndex = ((n * O + o) * OH + oh) * OW + ow;
          for (let c = 0; c < C; c++) {
            for (let kh = 0; kh < KH; kh++) {
              const ih = oh * strideH - padH + kh;
              if (ih < 0 || ih >= H) continue;
              for (let kw = 0; kw < KW; kw++) {
                const iw = ow * strideW - padW + kw;
                if (iw < 0 || iw >= W) continue;
                visit(yIndex, ((o * C + c) * KH + kh) * KW + kw, ((n * C + c) * H + ih) * W + iw);
              }
            }
          }
        }
      }
    }
  }
}

/** y (N, O, OH, OW) = conv2d(x, weight) + bias. */
export function convForward({ x, weight, bias }: ConvForwardArgs, p: ConvProductPlan): Storage {
  const xs = cpu(x);
  const ws = cpu(weight);
  const plane = p.outHeight * p.outWidth;
  const y = new Float64Array(p.batch * p.outChannels * plane);
  if (bias) {
    const bs = cpu(bias);
    y.forEach((_, i) => (y[i] = bs[Math.floor(i / plane) % p.outChannels]));
  }
  forEachTerm(p, (yi, wi, xi) => (y[yi] += ws[wi] * xs[xi]));
  return wrap(y);
}

/** dx (N, C, H, W) of conv2d: every term's weight times its dy, added at its x position. */
export function convInputGrad(dy: Storage, weight: Storage, p: ConvProductPlan): Storage {
  const ds = cpu(dy);
  const ws = cpu(weight);
  const dx = new Float64Array(p.batch * p.inChannels * p.inHeight * p.inWidth);
  forEachTerm(p, (yi, wi, xi) => (dx[xi] += ws[wi] * ds[yi]));
  return wrap(dx);
}

/** dW (O, C, KH, KW) of conv2d: every term's x times its dy, added at its weight position. */
export function convWeightGrad(dy: Storage, x: Storage, p: ConvProductPlan): Storage {
  const ds = cpu(dy);
  const xs = cpu(x);
  const dw = new Float64Array(p.outChannels * p.inChannels * p.kernelH * p.kernelW);
  forEachTerm(p, (yi, wi, xi) => (dw[wi] += xs[xi] * ds[yi]));
  return wrap(dw);
}

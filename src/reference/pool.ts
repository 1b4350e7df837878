// CPU reference for 2-D pooling over planes (P, H, W), float64, from the definitions: windows of
// side k at (oh * s - pad, ow * s - pad); padded cells never win a max and count in an average's
// divisor (k * k, PyTorch count_include_pad=True). Backward passes scatter from each window, the
// direct adjoint (the GPU gathers instead).
import type { Pool2dPlan, Storage } from '../tensor/backend';
import { cpu, wrap } from './storage';

/** Calls visit(output index, first index of its input plane, ih * W + iw or -1 in padding) per window cell. */
function forEachWindowCell(
  plan: Pool2dPlan,
  visit: (outIndex: number, planeBase: number, at: number) => void,
): void {
  const {
    planes,
    inHeight: H,
    inWidth: W,
    kernel: k,
    stride: s,
    pad,
    outHeight: OH,
    outWidth: OW,
  } = plan;
  for (let p = 0; p < planes; p++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const o = (p * OH + oh) * OW + ow;
        for (let kh = 0; kh < k; kh++) {
          for (let kw = 0; kw < k; kw++) {
            const ih = oh * s - pad + kh;
            const iw = ow * s - pad + kw;
            visit(o, p * H * W, ih >= 0 && ih < H && iw >= 0 && iw < W ? ih * W + iw : -1);
          }
        }
      }
    }
  }
}

/** x (P, H, W) -> out (P, OH, OW) and argmax (ih * W + iw, first maximum in row-major window order). */
export function maxPool(x: Storage, plan: Pool2dPlan): { out: Storage; argmax: Storage } {
  const xs = cpu(x);
  const n = plan.planes * plan.outHeight * plan.outWidth;
  const out = new Float64Array(n).fill(-Infinity);
  const argmax = new Float64Array(n).fill(-1);
  forEachWindowCell(plan, (o, base, at) => {
    if (at < 0) return;
    if (argmax[o] < 0 || xs[base + at] > out[o]) {
      out[o] = xs[base + at];
      argmax[o] = at;
    }
  });
  return { out: wrap(out), argmax: wrap(argmax) };
}

/** dy (P, OH, OW) -> dx (P, H, W): each dy goes to its window's argmax. */
export function maxPoolBackward(dy: Storage, argmax: Storage, plan: Pool2dPlan): Storage {
  const g = cpu(dy);
  const am = cpu(argmax);
  const dx = new Float64Array(plan.planes * plan.inHeight * plan.inWidth);
  const planeOut = plan.outHeight * plan.outWidth;
  const planeIn = plan.inHeight * plan.inWidth;
  for (let o = 0; o < g.length; o++) dx[Math.floor(o / planeOut) * planeIn + am[o]] += g[o];
  return wrap(dx);
}

/** x (P, H, W) -> out (P, OH, OW), mean over k * k cells with padding as zeros. */
export function avgPool(x: Storage, plan: Pool2dPlan): Storage {
  const xs = cpu(x);
  const out = new Float64Array(plan.planes * plan.outHeight * plan.outWidth);
  const divisor = plan.kernel * plan.kernel;
  forEachWindowCell(plan, (o, base, at) => {
    if (at >= 0) out[o] += xs[base + at] / divisor;
  });
  return wrap(out);
}

/** dy (P, OH, OW) -> dx (P, H, W). */
export function avgPoolBackward(dy: Storage, plan: Pool2dPlan): Storage {
  const g = cpu(dy);
  const dx = new Float64Array(plan.planes * plan.inHeight * plan.inWidth);
  const divisor = plan.kernel * plan.kernel;
  forEachWindowCell(plan, (o, base, at) => {
    if (at >= 0) dx[base + at] += g[o] / divisor;
  });
  return wrap(dx);
}

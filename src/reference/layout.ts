// CPU reference for strided views, in float64: out[idx] = src[offset + idx . strides] and its adjoint.
import type { Storage, StridedView } from '../tensor/backend';
import { cpu, wrap } from './storage';

// Calls visit(i, at) for every flat index i of the view (row-major) and the element it maps to.
function forEachElement(view: StridedView, visit: (i: number, at: number) => void): void {
  const { shape, strides, offset } = view;
  const n = shape.reduce((a, d) => a * d, 1);
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let at = offset;
    for (let d = 0; d < shape.length; d++) at += idx[d] * strides[d];
    visit(i, at);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}

export function gatherStrided(src: Storage, view: StridedView): Storage {
  const s = cpu(src);
  const out = new Float64Array(view.shape.reduce((a, d) => a * d, 1));
  forEachElement(view, (i, at) => {
    out[i] = s[at];
  });
  return wrap(out);
}

/** dst[view(i)] += src[i]; overlapping targets (zero strides) simply accumulate. */
export function scatterAddStrided(dst: Storage, src: Storage, view: StridedView): void {
  const d = cpu(dst);
  const s = cpu(src);
  forEachElement(view, (i, at) => {
    d[at] += s[i];
  });
}

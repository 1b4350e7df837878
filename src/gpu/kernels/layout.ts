// Strided copies between views and contiguous tensors (shaders/strided-copy.wgsl).
import source from '../../../shaders/strided-copy.wgsl?raw';
import { assert } from '../../common/assert';
import type { Storage, StridedView } from '../../tensor/backend';
import type { GpuContext } from '../context';
import { ceilDiv, defineKernel, grid1d } from '../kernel';
import { buf } from '../storage';

const WG = 256;
const MAX_RANK = 6;
const dimNames = (p: string) =>
  Array.from({ length: MAX_RANK }, (_, i) => [`${p}${i}`, 'u32'] as const);
const params = [
  ['n', 'u32'],
  ['rank', 'u32'],
  ['offset', 'u32'],
  ...dimNames('d'),
  ...dimNames('s'),
] as const;

export const gatherStridedKernel = defineKernel({
  name: 'gather_strided',
  source,
  entryPoint: 'gather_strided',
  bindings: ['read', 'write'],
  params,
});

export const scatterAddStridedKernel = defineKernel({
  name: 'scatter_add_strided',
  source,
  entryPoint: 'scatter_add_strided',
  bindings: ['read', 'write'],
  params,
});

/**
 * The same view with size-1 dims dropped and neighbours merged where the outer one steps exactly
 * over the inner one, so permutes of big tensors still fit the kernel's six dims and contiguous
 * views become one dim of stride 1. A view of one element comes back with rank 0.
 */
export function simplifyView(view: StridedView): StridedView {
  const shape: number[] = [];
  const strides: number[] = [];
  view.shape.forEach((d, i) => {
    if (d === 1) return;
    const last = shape.length - 1;
    if (last >= 0 && strides[last] === view.strides[i] * d) {
      shape[last] *= d;
      strides[last] = view.strides[i];
    } else {
      shape.push(d);
      strides.push(view.strides[i]);
    }
  });
  return { shape, strides, offset: view.offset };
}

function viewParams(view: StridedView, n: number): Record<string, number> {
  assert(
    view.shape.length <= MAX_RANK,
    `strided copy: rank ${view.shape.length} > ${MAX_RANK} after merging dims`,
  );
  assert(
    view.strides.every((s) => s >= 0),
    'strided copy: negative strides are not supported',
  );
  const p: Record<string, number> = {
    n,
    rank: Math.max(1, view.shape.length),
    offset: view.offset,
  };
  for (let i = 0; i < MAX_RANK; i++) {
    p[`d${i}`] = view.shape[i] ?? 1;
    p[`s${i}`] = view.strides[i] ?? 0;
  }
  return p;
}

const sizeOfView = (view: StridedView) => view.shape.reduce((a, d) => a * d, 1);

/** src viewed through `view` -> a contiguous tensor of view.shape. Contiguous views are a buffer copy. */
export function gatherStrided(ctx: GpuContext, src: Storage, view: StridedView): Storage {
  const n = sizeOfView(view);
  const out = ctx.alloc(n);
  if (n === 0) return out;
  const v = simplifyView(view);
  if (v.shape.length === 0 || (v.shape.length === 1 && v.strides[0] === 1)) {
    ctx.rt.copy(buf(src), out.buffer, n * 4, v.offset * 4);
  } else {
    ctx.rt.dispatch(
      gatherStridedKernel,
      [buf(src), out.buffer],
      viewParams(v, n),
      grid1d(ceilDiv(n, WG)),
    );
  }
  return out;
}

/**
 * In place: dst[view(i)] += src[i] for src contiguous over view.shape. The GPU has no float
 * atomics, so the view must not hit one element twice; a zero stride (a broadcast view, the one
 * overlap our ops could build) is refused. Overlaps through other strides are not detected.
 */
export function scatterAddStrided(
  ctx: GpuContext,
  dst: Storage,
  src: Storage,
  view: StridedView,
): void {
  const n = sizeOfView(view);
  if (n === 0) return;
  const v = simplifyView(view);
  assert(
    v.strides.every((s) => s > 0),
    `scatterAddStrided on the GPU needs unique targets; got zero strides [${view.strides.join(', ')}]`,
  );
  ctx.rt.dispatch(
    scatterAddStridedKernel,
    [buf(src), buf(dst)],
    viewParams(v, n),
    grid1d(ceilDiv(n, WG)),
  );
}

// Per-layer mask densities (pure, no tensors): uniform, or Erdős-Rényi-Kernel (ERK) as in RigL
// (Evci et al. 2020, section 3 and the reference `get_sparsities_erdos_renyi`): density of layer l
// proportional to sum(dims_l) / prod(dims_l), scaled so the total active count matches the target,
// with layers whose density would exceed 1 made dense and the rest re-solved.
import { SiftError } from '../common/errors';

/** A sparsified weight by its shape: [out, in] for linear, [out, in, kh, kw] for conv. */
export interface MaskedLayer {
  shape: readonly number[];
}

export interface LayerAllocation {
  size: number;
  /** Exact active weights of this layer. */
  activeCount: number;
  /** activeCount / size. */
  density: number;
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

function checkDensity(density: number): void {
  if (!(density >= 0 && density <= 1)) {
    throw new SiftError('INVALID_ARGUMENT', `density ${density} is not in [0, 1]`);
  }
}

/** Every layer at the same density (the paper's default), each count rounded to nearest. */
export function uniformAllocation(
  layers: readonly MaskedLayer[],
  density: number,
): LayerAllocation[] {
  checkDensity(density);
  return layers.map((l) => {
    const size = sizeOf(l.shape);
    const activeCount = Math.round(density * size);
    return { size, activeCount, density: size > 0 ? activeCount / size : 0 };
  });
}

/**
 * ERK densities with an exact total: the layers' active counts sum to round(density * total size).
 * Fractional counts are rounded by largest remainder, so no layer is more than one weight away
 * from its real-valued ERK share.
 */
export function erkAllocation(layers: readonly MaskedLayer[], density: number): LayerAllocation[] {
  checkDensity(density);
  const sizes = layers.map((l) => sizeOf(l.shape));
  const total = sizes.reduce((a, b) => a + b, 0);
  const target = Math.round(density * total);
  const raw = layers.map((l, i) => l.shape.reduce((a, b) => a + b, 0) / sizes[i]);
  const dense = new Set<number>();
  let scale = 0;
  // Each round makes the layers that would exceed density 1 dense and re-solves the rest.
  for (;;) {
    let budget = target;
    let weighted = 0;
    sizes.forEach((n, i) => {
      if (dense.has(i)) budget -= n;
      else weighted += raw[i] * n;
    });
    scale = weighted > 0 ? budget / weighted : 0;
    const over = raw.map((_, i) => i).filter((i) => !dense.has(i) && raw[i] * scale > 1);
    if (over.length === 0) break;
    over.forEach((i) => dense.add(i));
  }
  const real = sizes.map((n, i) => (dense.has(i) ? n : raw[i] * scale * n));
  const counts = real.map((v, i) => Math.min(sizes[i], Math.floor(v)));
  let left = target - counts.reduce((a, b) => a + b, 0);
  const order = real
    .map((v, i) => ({ i, frac: v - Math.floor(v) }))
    .filter(({ i }) => counts[i] < sizes[i])
    .sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (let j = 0; left > 0 && j < order.length; j++, left--) counts[order[j].i]++;
  return sizes.map((size, i) => ({
    size,
    activeCount: counts[i],
    density: size > 0 ? counts[i] / size : 0,
  }));
}

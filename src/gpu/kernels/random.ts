// Random kernels over the counter-based stream of shaders/lib-random.wgsl (bit-identical to
// src/common/rng.ts): the inverted-dropout mask.
import libRandom from '../../../shaders/lib-random.wgsl?raw';
import dropoutSource from '../../../shaders/dropout.wgsl?raw';
import type { Storage } from '../../tensor/backend';
import type { GpuContext } from '../context';
import { ceilDiv, defineKernel, grid1d } from '../kernel';

const WG = 256;

export const dropoutMaskKernel = defineKernel({
  name: 'dropout_mask',
  source: libRandom + dropoutSource,
  entryPoint: 'dropout_mask',
  bindings: ['write'],
  params: [
    ['n', 'u32'],
    ['seed', 'u32'],
    ['threshold', 'u32'],
    ['keep_value', 'f32'],
  ],
});

/**
 * The integer form of "uniform >= p" for 24-bit uniforms k / 2^24: k >= ceil(p * 2^24).
 * Exact in float64 (scaling by a power of two), so GPU and CPU reference agree bit for bit.
 */
export function dropoutThreshold(p: number): number {
  return Math.ceil(p * 16777216);
}

/** Inverted-dropout multiplier of length `size`: 0 with probability p, else 1 / (1 - p). */
export function dropoutMask(ctx: GpuContext, size: number, p: number, seed: number): Storage {
  const out = ctx.alloc(size, 'dropout_mask');
  ctx.rt.dispatch(
    dropoutMaskKernel,
    [out.buffer],
    {
      n: size,
      seed: seed >>> 0,
      threshold: dropoutThreshold(p),
      keep_value: p >= 1 ? 0 : 1 / (1 - p),
    },
    grid1d(ceilDiv(size, WG)),
  );
  return out;
}

// Selection keys for mask updates (shaders/mask-score.wgsl, requires lib-random.wgsl).
import libRandom from '../../../shaders/lib-random.wgsl?raw';
import source from '../../../shaders/mask-score.wgsl?raw';
import { ceilDiv, defineKernel, grid1d } from '../kernel';
import type { GpuRuntime } from '../runtime';
import type { BufferRef } from '../storage';

export const maskScoreKernel = defineKernel({
  name: 'mask_score',
  source: libRandom + source,
  entryPoint: 'mask_score',
  bindings: ['read', 'read', 'write'],
  params: [
    ['n', 'u32'],
    ['seed', 'u32'],
  ],
});

/** What a key ranks, and which positions are candidates (keys of the others are 0). */
export type ScoreMode =
  'magnitude-where-set' | 'magnitude-where-clear' | 'random-where-clear' | 'random';

const MODE_CODES: Record<ScoreMode, number> = {
  'magnitude-where-set': 0,
  'magnitude-where-clear': 1,
  'random-where-clear': 2,
  random: 3,
};

/**
 * keys (n, u32) from |values| or randomU32(seed, i) >>> 1, plus 1 for candidates and 0 for the
 * rest; `values` and `flags` are bound but unread where the mode does not use them.
 */
export function maskScore(
  rt: GpuRuntime,
  mode: ScoreMode,
  values: BufferRef,
  flags: BufferRef,
  keys: BufferRef,
  n: number,
  seed = 0,
): void {
  rt.dispatch(
    maskScoreKernel,
    [values, flags, keys],
    { n, seed: seed >>> 0 },
    grid1d(ceilDiv(n, 256)),
    {
      MODE: MODE_CODES[mode],
    },
  );
}

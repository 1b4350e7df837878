// Exact top-k over u32 keys on the GPU (shaders/mask-select.wgsl): a 4-pass radix select for the
// k-th largest key, then ties taken in index order through a prefix sum over blocks. k is known on
// the host, so nothing is read back and the dispatch count is fixed (12 per selection).
import source from '../../../shaders/mask-select.wgsl?raw';
import type { GpuContext } from '../context';
import { ceilDiv, defineKernel, grid1d, type Kernel } from '../kernel';
import { fill } from './elementwise';
import type { BufferRef } from '../storage';

const BLOCK = 16384;
/** Offset of the block counts in the state buffer (after prefix, need and 4 x 256 bins). */
const STATE_BLOCKS = 2 + 4 * 256;

const params = [
  ['n', 'u32'],
  ['k', 'u32'],
  ['radix_pass', 'u32'],
  ['shift', 'u32'],
] as const;

const entry = (name: string): Kernel =>
  defineKernel({ name, source, entryPoint: name, bindings: ['read', 'write', 'write'], params });

export const selectHistogramKernel = entry('select_histogram');
export const selectPickKernel = entry('select_pick');
export const selectCountEqualKernel = entry('select_count_equal');
export const selectScanBlocksKernel = entry('select_scan_blocks');
export const selectMarkKernel = entry('select_mark');

/**
 * flags (n, f32) = 1 at the k largest keys (ties: lower index first), else 0; with `accumulate`,
 * selected positions are set to 1 and the rest keep their flag. Requires k <= the number of
 * nonzero keys (key 0 means "not a candidate").
 */
export function selectTopK(
  ctx: GpuContext,
  keys: BufferRef,
  flags: BufferRef,
  n: number,
  k: number,
  accumulate: boolean,
): void {
  const { rt } = ctx;
  if (k === 0) {
    if (!accumulate) fill(rt, flags, n, 0);
    return;
  }
  const blocks = ceilDiv(n, BLOCK);
  const stateSize = STATE_BLOCKS + blocks + 1;
  const state = ctx.alloc(stateSize, 'mask-select.state');
  fill(rt, state.buffer, stateSize, 0); // 0.0f is 0u: clears the histograms
  const bufs = [keys, state.buffer, flags];
  const grid = grid1d(blocks);
  for (let pass = 0; pass < 4; pass++) {
    const p = { n, k, radix_pass: pass, shift: 24 - 8 * pass };
    rt.dispatch(selectHistogramKernel, bufs, p, grid);
    rt.dispatch(selectPickKernel, bufs, p, [1, 1, 1]);
  }
  const p = { n, k, radix_pass: 0, shift: 0 };
  rt.dispatch(selectCountEqualKernel, bufs, p, grid);
  rt.dispatch(selectScanBlocksKernel, bufs, { ...p, n: blocks }, [1, 1, 1]);
  rt.dispatch(selectMarkKernel, bufs, p, grid, { ACCUMULATE: accumulate });
  rt.pool.release(state.buffer);
}

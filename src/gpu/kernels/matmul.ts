// Batched matmul with optional transposes (the Backend matmul primitive), in four variants:
//   'tile128x128', 'tile128x64', 'tile64x64'  shaders/matmul.wgsl: workgroup tiles through shared
//       memory, 8x8 / 8x4 / 4x4 outputs per thread, vec4 loads where aligned; for GPUs. Skinny
//       products with a long K (conv weight gradients) split K over more workgroups and add the
//       slices in a second, deterministic pass (shaders/matmul-split-k-reduce.wgsl).
//   'register'  shaders/matmul-register.wgsl: 16x8 blocks per thread, no barriers; for software
//       adapters, about 15x faster there than a shared-memory kernel (BENCHMARKS.md, Matmul table).
// Which variant runs is a MatmulTuning per runtime: the adapter's default until tuneMatmul()
// (matmul-tune.ts) measures the candidates on the device and sets the winners.
import tiledSource from '../../../shaders/matmul.wgsl?raw';
import registerSource from '../../../shaders/matmul-register.wgsl?raw';
import reduceSource from '../../../shaders/matmul-split-k-reduce.wgsl?raw';
import { isSoftwareAdapter } from '../../common/adapter';
import type { MatmulPlan } from '../../tensor/backend';
import { ceilDiv, defineKernel, grid1d } from '../kernel';
import type { GpuRuntime } from '../runtime';
import type { BufferRef } from '../storage';

const params = [
  ['m', 'u32'],
  ['n', 'u32'],
  ['k', 'u32'],
  ['a_batch_stride', 'u32'],
  ['b_batch_stride', 'u32'],
] as const;

/** C block of one thread of matmul_register, and its threads per workgroup. */
const REGISTER_ROWS = 16;
const REGISTER_COLS = 8;
const REGISTER_THREADS = 64;

export const matmulKernel = defineKernel({
  name: 'matmul',
  source: tiledSource,
  entryPoint: 'matmul_tiled',
  bindings: ['read', 'read', 'write'],
  params: [...params, ['k_chunk', 'u32'], ['splits', 'u32']],
});

export const matmulRegisterKernel = defineKernel({
  name: 'matmul_register',
  source: registerSource,
  entryPoint: 'matmul_register',
  bindings: ['read', 'read', 'write'],
  params,
});

export const matmulSplitKReduceKernel = defineKernel({
  name: 'matmul_split_k_reduce',
  source: reduceSource,
  entryPoint: 'matmul_split_k_reduce',
  bindings: ['read', 'write'],
  params: [
    ['size', 'u32'],
    ['total', 'u32'],
    ['splits', 'u32'],
  ],
});

/**
 * Shared-memory tile variants, named tile<rows>x<columns> of C per workgroup (16 TM x 16 TN):
 * outputs per thread (TM rows x TN columns) and K step. TK * TM and TK * TN stay <= 256 (one load
 * unit per thread) and the double-buffered tiles within WebGPU's guaranteed 16 KiB.
 */
export const MATMUL_TILES = {
  tile128x128: { TM: 8, TN: 8, TK: 8 },
  tile128x64: { TM: 8, TN: 4, TK: 8 },
  tile64x64: { TM: 4, TN: 4, TK: 8 },
} as const;
/** Threads per side of a tiled workgroup (16 x 16). */
const TILE_THREADS = 16;

export const MATMUL_VARIANTS = ['tile128x128', 'tile128x64', 'tile64x64', 'register'] as const;
export type MatmulVariant = (typeof MATMUL_VARIANTS)[number];

export const isMatmulVariant = (v: unknown): v is MatmulVariant =>
  MATMUL_VARIANTS.includes(v as MatmulVariant);

/**
 * The variants a runtime uses. Products with fewer than LARGE_OUTPUTS outputs take `small` (small
 * tiles keep more workgroups busy), the rest `large`. `splitK` lets skinny long-K products split.
 */
export interface MatmulTuning {
  small: MatmulVariant;
  large: MatmulVariant;
  splitK: boolean;
  /** Tests: split K into exactly this many slices wherever a tiled variant runs. */
  forceSplits?: number;
}

/** batch * M * N from which a product counts as large (a 1024 x 1024 output). */
export const LARGE_OUTPUTS = 1 << 20;

/** The tuning to use without measuring: the register kernel on software adapters. */
export function defaultMatmulTuning(adapterName: string): MatmulTuning {
  if (isSoftwareAdapter(adapterName)) {
    return { small: 'register', large: 'register', splitK: false };
  }
  return { small: 'tile64x64', large: 'tile128x128', splitK: true };
}

const tunings = new WeakMap<GpuRuntime, MatmulTuning>();

/** SIFT_MATMUL=<variant> in Node's environment forces a variant (debugging, comparisons). */
function variantFromEnv(): MatmulVariant | undefined {
  const name = globalThis.process?.env?.SIFT_MATMUL;
  return isMatmulVariant(name) ? name : undefined;
}

/** The tuning matmul() uses on this runtime (the adapter default until set or tuned). */
export function matmulTuning(rt: GpuRuntime): MatmulTuning {
  let t = tunings.get(rt);
  if (!t) {
    const forced = variantFromEnv();
    t = defaultMatmulTuning(rt.adapterName);
    if (forced) t = { ...t, small: forced, large: forced };
    tunings.set(rt, t);
  }
  return t;
}

/** Replace this runtime's tuning (the tuner; tests parametrised over variants; benchmarks). */
export function setMatmulTuning(rt: GpuRuntime, tuning: MatmulTuning): void {
  tunings.set(rt, tuning);
}

/** The variant this runtime runs for `plan`. */
export function variantFor(tuning: MatmulTuning, p: MatmulPlan): MatmulVariant {
  return p.batch * p.m * p.n < LARGE_OUTPUTS ? tuning.small : tuning.large;
}

/** The variant a square n x n product takes on this runtime (for reports). */
export function matmulVariant(rt: GpuRuntime, n = 1024): MatmulVariant {
  return variantFor(matmulTuning(rt), squarePlan(n));
}

export function squarePlan(n: number): MatmulPlan {
  return {
    batch: 1,
    m: n,
    n,
    k: n,
    transA: false,
    transB: false,
    aBatchStride: 0,
    bBatchStride: 0,
  };
}

/** Below this many workgroups a GPU has idle cores (an H100 has 132 SMs, ~2 workgroups each). */
const SPLIT_TARGET_WORKGROUPS = 256;
/** Each split sums at least this much of K, so the extra pass stays small next to the product. */
const MIN_SPLIT_K = 512;
const MAX_SPLITS = 32;

export interface MatmulLaunch {
  variant: MatmulVariant;
  /** Slices K is split into (1: no split). */
  splits: number;
  /** K per slice, a multiple of the tile's K step. */
  kChunk: number;
  workgroups: [number, number, number];
}

/** How `plan` is dispatched with `tuning`: variant, split-K and grid. Pure (unit-tested). */
export function planMatmul(tuning: MatmulTuning, p: MatmulPlan): MatmulLaunch {
  const variant = variantFor(tuning, p);
  if (variant === 'register') {
    const [x, y] = registerWorkgroup(p.m, p.n);
    return {
      variant,
      splits: 1,
      kChunk: p.k,
      workgroups: [ceilDiv(p.n, REGISTER_COLS * x), ceilDiv(p.m, REGISTER_ROWS * y), p.batch],
    };
  }
  const { TM, TN, TK } = MATMUL_TILES[variant];
  const tiles = ceilDiv(p.m, TILE_THREADS * TM) * ceilDiv(p.n, TILE_THREADS * TN) * p.batch;
  let wanted = 1;
  if (tuning.forceSplits !== undefined) wanted = tuning.forceSplits;
  else if (tuning.splitK && tiles < SPLIT_TARGET_WORKGROUPS && p.k >= 2 * MIN_SPLIT_K) {
    wanted = Math.min(
      MAX_SPLITS,
      ceilDiv(SPLIT_TARGET_WORKGROUPS, tiles),
      Math.floor(p.k / MIN_SPLIT_K),
    );
  }
  const kChunk = Math.max(TK, ceilDiv(ceilDiv(p.k, Math.max(1, wanted)), TK) * TK);
  const splits = Math.max(1, ceilDiv(p.k, kChunk));
  return {
    variant,
    splits,
    kChunk,
    workgroups: [
      ceilDiv(p.n, TILE_THREADS * TN),
      ceilDiv(p.m, TILE_THREADS * TM),
      p.batch * splits,
    ],
  };
}

/**
 * Workgroup shape of matmul_register for an (m x n) output: 64 threads, as wide as n needs (so
 * a 16-column conv output does not leave 3/4 of the threads on clamped copies), then as tall as
 * m needs. Powers of two keep the number of pipelines small (at most 7 shapes x 4 transposes).
 */
export function registerWorkgroup(m: number, n: number): [number, number] {
  const pow2 = (v: number) => 2 ** Math.ceil(Math.log2(Math.max(1, v)));
  const wantX = pow2(ceilDiv(n, REGISTER_COLS));
  const wantY = pow2(ceilDiv(m, REGISTER_ROWS));
  let x = Math.min(wantX, 8);
  const y = Math.min(wantY, REGISTER_THREADS / x);
  x = Math.min(wantX, REGISTER_THREADS / y);
  return [x, y];
}

/** c (batch, m, n) = op(a) @ op(b) with the runtime's tuning; see MatmulPlan for layouts. */
export function matmul(
  rt: GpuRuntime,
  a: BufferRef,
  b: BufferRef,
  c: BufferRef,
  p: MatmulPlan,
): void {
  matmulWith(matmulTuning(rt), rt, a, b, c, p);
}

/** Rows of a row-major operand start on 16-byte boundaries: vec4 loads are exact. */
const aligned = (leading: number, batchStride: number): boolean =>
  leading % 4 === 0 && batchStride % 4 === 0;

/** c = op(a) @ op(b) with a given tuning (one or two dispatches). */
export function matmulWith(
  tuning: MatmulTuning,
  rt: GpuRuntime,
  a: BufferRef,
  b: BufferRef,
  c: BufferRef,
  p: MatmulPlan,
): void {
  const launch = planMatmul(tuning, p);
  const values = {
    m: p.m,
    n: p.n,
    k: p.k,
    a_batch_stride: p.aBatchStride,
    b_batch_stride: p.bBatchStride,
    k_chunk: launch.kChunk,
    splits: launch.splits,
  };
  if (launch.variant === 'register') {
    const [x, y] = registerWorkgroup(p.m, p.n);
    rt.dispatch(matmulRegisterKernel, [a, b, c], values, launch.workgroups, {
      TRANS_A: p.transA,
      TRANS_B: p.transB,
      WG_X: x,
      WG_Y: y,
    });
    return;
  }
  const constants = {
    ...MATMUL_TILES[launch.variant],
    TRANS_A: p.transA,
    TRANS_B: p.transB,
    A_VEC4: aligned(p.transA ? p.m : p.k, p.aBatchStride),
    B_VEC4: aligned(p.transB ? p.k : p.n, p.bBatchStride),
    C_VEC4: p.n % 4 === 0,
  };
  if (launch.splits === 1) {
    rt.dispatch(matmulKernel, [a, b, c], values, launch.workgroups, constants);
    return;
  }
  const size = p.m * p.n;
  const partial = rt.pool.acquire(p.batch * launch.splits * size * 4, 'matmul.split-k');
  rt.dispatch(matmulKernel, [a, b, partial], values, launch.workgroups, constants);
  const total = p.batch * size;
  rt.dispatch(
    matmulSplitKReduceKernel,
    [partial, c],
    { size, total, splits: launch.splits },
    grid1d(ceilDiv(total, 256)),
  );
  // Dispatches run in order, so a later op may reuse the scratch buffer within the same submit.
  rt.pool.release(partial);
}

// Batched matmul with optional transposes, in two variants with the same bindings and params:
//   'tiled'    shaders/matmul.wgsl           64x64 workgroup tiles through workgroup memory; for GPUs.
//   'register' shaders/matmul-register.wgsl  16x8 blocks per thread, no barriers; for CPU adapters.
// Which one runs is decided once per runtime: by the adapter's name (SwiftShader and other
// software adapters get 'register', about 15x faster there: BENCHMARKS.md, Matmul table), or by
// autotuneMatmul(), which times both on the device at hand.
import tiledSource from '../../../shaders/matmul.wgsl?raw';
import registerSource from '../../../shaders/matmul-register.wgsl?raw';
import type { MatmulPlan } from '../../tensor/backend';
import { ceilDiv, defineKernel } from '../kernel';
import type { GpuRuntime } from '../runtime';

const params = [
  ['m', 'u32'],
  ['n', 'u32'],
  ['k', 'u32'],
  ['a_batch_stride', 'u32'],
  ['b_batch_stride', 'u32'],
] as const;

/** C tile of one workgroup of matmul_tiled (16 x 16 threads, 4 x 4 outputs each). */
const TILE = 64;
/** C block of one thread of matmul_register, and its threads per workgroup. */
const REGISTER_ROWS = 16;
const REGISTER_COLS = 8;
const REGISTER_THREADS = 64;

export const matmulKernel = defineKernel({
  name: 'matmul',
  source: tiledSource,
  entryPoint: 'matmul_tiled',
  bindings: ['read', 'read', 'write'],
  params,
});

export const matmulRegisterKernel = defineKernel({
  name: 'matmul_register',
  source: registerSource,
  entryPoint: 'matmul_register',
  bindings: ['read', 'read', 'write'],
  params,
});

export const MATMUL_VARIANTS = ['tiled', 'register'] as const;
export type MatmulVariant = (typeof MATMUL_VARIANTS)[number];

/** Adapters that run WGSL on the CPU (their names say so in Dawn, Chromium and Firefox). */
export function isCpuAdapter(adapterName: string): boolean {
  return /swiftshader|llvmpipe|lavapipe|software|warp|microsoft basic render/i.test(adapterName);
}

/** The variant to use without measuring: 'register' on CPU adapters, 'tiled' on GPUs. */
export function defaultMatmulVariant(adapterName: string): MatmulVariant {
  return isCpuAdapter(adapterName) ? 'register' : 'tiled';
}

const chosen = new WeakMap<GpuRuntime, MatmulVariant>();

/** SIFT_MATMUL=tiled|register in Node's environment forces a variant (debugging, comparisons). */
function variantFromEnv(): MatmulVariant | undefined {
  const name = globalThis.process?.env?.SIFT_MATMUL;
  return MATMUL_VARIANTS.find((v) => v === name);
}

/** The variant matmul() uses on this runtime (the adapter default until set or autotuned). */
export function matmulVariant(rt: GpuRuntime): MatmulVariant {
  let v = chosen.get(rt);
  if (!v) {
    v = variantFromEnv() ?? defaultMatmulVariant(rt.adapterName);
    chosen.set(rt, v);
  }
  return v;
}

/** Force a variant on this runtime (tests parametrised over variants, benchmarks). */
export function setMatmulVariant(rt: GpuRuntime, variant: MatmulVariant): void {
  chosen.set(rt, variant);
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

/** c (batch, m, n) = op(a) @ op(b) with the runtime's chosen variant; see MatmulPlan for layouts. */
export function matmul(
  rt: GpuRuntime,
  a: GPUBuffer,
  b: GPUBuffer,
  c: GPUBuffer,
  p: MatmulPlan,
): void {
  matmulWith(matmulVariant(rt), rt, a, b, c, p);
}

/** c = op(a) @ op(b) with a given variant. */
export function matmulWith(
  variant: MatmulVariant,
  rt: GpuRuntime,
  a: GPUBuffer,
  b: GPUBuffer,
  c: GPUBuffer,
  p: MatmulPlan,
): void {
  const values = {
    m: p.m,
    n: p.n,
    k: p.k,
    a_batch_stride: p.aBatchStride,
    b_batch_stride: p.bBatchStride,
  };
  if (variant === 'tiled') {
    rt.dispatch(
      matmulKernel,
      [a, b, c],
      values,
      [ceilDiv(p.n, TILE), ceilDiv(p.m, TILE), p.batch],
      {
        TRANS_A: p.transA,
        TRANS_B: p.transB,
      },
    );
    return;
  }
  const [x, y] = registerWorkgroup(p.m, p.n);
  rt.dispatch(
    matmulRegisterKernel,
    [a, b, c],
    values,
    [ceilDiv(p.n, REGISTER_COLS * x), ceilDiv(p.m, REGISTER_ROWS * y), p.batch],
    { TRANS_A: p.transA, TRANS_B: p.transB, WG_X: x, WG_Y: y },
  );
}

export interface MatmulAutotune {
  variant: MatmulVariant;
  /** Milliseconds per product of the probe shape, by variant. */
  ms: Record<MatmulVariant, number>;
}

/**
 * Time every variant on a (size x size) @ (size x size) product and make the fastest this
 * runtime's choice. Meant for hardware adapters, where which variant wins is not known in
 * advance: each variant is timed over enough back-to-back products to fill ~20 ms, so a fast GPU
 * is not measured by its submit latency. On a CPU adapter the default is already measured
 * (BENCHMARKS.md) and this would spend seconds on the slow variant: skip it there.
 */
export async function autotuneMatmul(rt: GpuRuntime, size = 512): Promise<MatmulAutotune> {
  const bytes = size * size * 4;
  const a = rt.pool.acquire(bytes, 'autotune.a');
  const b = rt.pool.acquire(bytes, 'autotune.b');
  const c = rt.pool.acquire(bytes, 'autotune.c');
  const ones = new Float32Array(size * size).fill(1);
  rt.upload(a, ones);
  rt.upload(b, ones);
  const plan: MatmulPlan = {
    batch: 1,
    m: size,
    n: size,
    k: size,
    transA: false,
    transB: false,
    aBatchStride: 0,
    bBatchStride: 0,
  };
  const timeBatch = async (variant: MatmulVariant, reps: number): Promise<number> => {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) matmulWith(variant, rt, a, b, c, plan);
    await rt.sync();
    return (performance.now() - t0) / reps;
  };
  const ms = {} as Record<MatmulVariant, number>;
  try {
    for (const variant of MATMUL_VARIANTS) {
      await timeBatch(variant, 1); // pipeline build and warm-up
      const once = await timeBatch(variant, 1);
      const reps = Math.min(100, Math.max(1, Math.ceil(20 / Math.max(once, 0.01))));
      ms[variant] = Math.min(once, await timeBatch(variant, reps));
    }
  } finally {
    rt.pool.release(a);
    rt.pool.release(b);
    rt.pool.release(c);
  }
  const variant = MATMUL_VARIANTS.reduce((x, y) => (ms[y] < ms[x] ? y : x));
  setMatmulVariant(rt, variant);
  return { variant, ms };
}

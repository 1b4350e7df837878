// Matmul throughput at the shapes BENCHMARKS.md tracks: square 256/512/1024 and a tall-skinny
// one (a batch of activations times a small weight). Runs unchanged in Node and in a page.
import { Rng } from '../common/rng';
import type { WebGpuBackend } from '../gpu/backend';
import {
  matmulTuning,
  matmulWith,
  variantFor,
  type MatmulTuning,
  type MatmulVariant,
} from '../gpu/kernels/matmul';
import { buf } from '../gpu/storage';
import type { MatmulPlan } from '../tensor/backend';
import { gflops, timeGpu, type TimingOptions } from './timing';

export interface MatmulCase {
  name: string;
  m: number;
  n: number;
  k: number;
}

export const matmulCases: MatmulCase[] = [
  { name: '256', m: 256, n: 256, k: 256 },
  { name: '512', m: 512, n: 512, k: 512 },
  { name: '1024', m: 1024, n: 1024, k: 1024 },
  { name: 'tall-skinny 8192x64 @ 64x64', m: 8192, n: 64, k: 64 },
];

/** Square n x n x n products, named by n (`--sizes 256,512,...`). */
export const squareCases = (sizes: readonly number[]): MatmulCase[] =>
  sizes.map((n) => ({ name: String(n), m: n, n, k: n }));

export interface MatmulResult extends MatmulCase {
  variant: MatmulVariant;
  ms: number;
  gflops: number;
}

export const matmulFlops = (c: MatmulCase): number => 2 * c.m * c.n * c.k;

export function randomArray(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.next() * 2 - 1);
}

/** Timing budget per case: enough repeats of the small ones, two rounds of the big one. */
export function matmulTiming(c: MatmulCase): TimingOptions {
  const big = matmulFlops(c) >= 2e9;
  return { minMs: big ? 1000 : 400, maxIterations: 50, rounds: 2 };
}

export interface BenchMatmulOptions {
  cases?: readonly MatmulCase[];
  /** Kernel variant to time (default: what the runtime's tuning picks per shape). */
  variant?: MatmulVariant;
  /** Called after each case, e.g. to print progress. */
  onResult?: (r: MatmulResult) => void;
}

/** C = A @ B (row-major, no transposes) per case, in GFLOP/s (2 m n k flops per product). */
export async function benchMatmul(
  gpu: WebGpuBackend,
  { cases = matmulCases, variant, onResult }: BenchMatmulOptions = {},
): Promise<MatmulResult[]> {
  const tuning: MatmulTuning = variant
    ? { small: variant, large: variant, splitK: false }
    : matmulTuning(gpu.rt);
  const results: MatmulResult[] = [];
  for (const c of cases) {
    const plan: MatmulPlan = {
      batch: 1,
      m: c.m,
      n: c.n,
      k: c.k,
      transA: false,
      transB: false,
      aBatchStride: 0,
      bBatchStride: 0,
    };
    const a = gpu.upload(randomArray(c.m * c.k, 1));
    const b = gpu.upload(randomArray(c.k * c.n, 2));
    const out = gpu.ctx.alloc(c.m * c.n, 'bench.c');
    const { msPerIteration } = await timeGpu(
      gpu.rt,
      () => matmulWith(tuning, gpu.rt, buf(a), buf(b), out.buffer, plan),
      matmulTiming(c),
    );
    for (const s of [a, b, out]) gpu.release(s);
    const r = {
      ...c,
      variant: variantFor(tuning, plan),
      ms: msPerIteration,
      gflops: gflops(matmulFlops(c), msPerIteration),
    };
    results.push(r);
    onResult?.(r);
  }
  return results;
}

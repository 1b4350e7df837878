// Matmul throughput at the shapes BENCHMARKS.md tracks: square 256/512/1024 and a tall-skinny one.
import type { WebGpuBackend } from '../gpu/backend';
import type { MatmulPlan } from '../tensor/backend';
import { Rng } from '../common/rng';
import { timeGpu } from './timing';

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

export interface MatmulResult extends MatmulCase {
  ms: number;
  gflops: number;
}

export function randomArray(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.next() * 2 - 1);
}

export async function benchMatmul(gpu: WebGpuBackend, cases = matmulCases): Promise<MatmulResult[]> {
  const results: MatmulResult[] = [];
  for (const c of cases) {
    const plan: MatmulPlan = {
      batch: 1, m: c.m, n: c.n, k: c.k, transA: false, transB: false, aBatchStride: 0, bBatchStride: 0,
    };
    const a = gpu.upload(randomArray(c.m * c.k, 1));
    const b = gpu.upload(randomArray(c.k * c.n, 2));
    const { msPerIteration } = await timeGpu(gpu.rt, () => gpu.release(gpu.matmul(a, b, plan)), {
      minMs: c.m >= 1024 ? 1500 : 500,
      maxIterations: 50,
    });
    gpu.release(a);
    gpu.release(b);
    results.push({ ...c, ms: msPerIteration, gflops: (2 * c.m * c.n * c.k) / (msPerIteration * 1e6) });
  }
  return results;
}

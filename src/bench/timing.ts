// Time GPU work by wall clock around a synchronised batch: warm up (pipelines, pool), then run
// `iterations` and wait for the queue. Works the same in Node and in a browser worker.
import type { GpuRuntime } from '../gpu/runtime';

export interface Timing {
  msPerIteration: number;
  iterations: number;
}

export async function timeGpu(
  rt: GpuRuntime,
  body: () => void,
  { minMs = 300, maxIterations = 200 }: { minMs?: number; maxIterations?: number } = {},
): Promise<Timing> {
  body();
  await rt.sync();
  // One timed probe to size the loop so slow software GPUs finish in reasonable time.
  let t0 = performance.now();
  body();
  await rt.sync();
  const probe = Math.max(0.01, performance.now() - t0);
  const iterations = Math.max(1, Math.min(maxIterations, Math.ceil(minMs / probe)));
  t0 = performance.now();
  for (let i = 0; i < iterations; i++) {
    body();
    rt.flush();
  }
  await rt.sync();
  return { msPerIteration: (performance.now() - t0) / iterations, iterations };
}

// Wall-clock timing of GPU work, the same in Node and in a browser page: warm up (pipelines,
// pools, lazy uploads), probe once to size the loop, then run a batch of iterations that ends in
// a synchronisation, a few rounds, and keep the fastest round. The machine this project is
// measured on is shared with other jobs, so the minimum is the figure that repeats.
import type { GpuRuntime } from '../gpu/runtime';

export interface Timing {
  msPerIteration: number;
  iterations: number;
}

export interface TimingOptions {
  /** Aim for at least this long per round (ms). */
  minMs?: number;
  maxIterations?: number;
  /** Timed rounds; the fastest is reported. */
  rounds?: number;
}

/**
 * Time `run(iterations)`, which must queue that many iterations and resolve once the device has
 * finished them (e.g. after a queue sync or a readback of the last result).
 */
export async function timeBatches(
  run: (iterations: number) => Promise<void>,
  { minMs = 300, maxIterations = 200, rounds = 1 }: TimingOptions = {},
): Promise<Timing> {
  await run(1);
  let t0 = performance.now();
  await run(1);
  const probe = Math.max(0.01, performance.now() - t0);
  const iterations = Math.max(1, Math.min(maxIterations, Math.ceil(minMs / probe)));
  let best = probe;
  for (let r = 0; r < rounds; r++) {
    t0 = performance.now();
    await run(iterations);
    best = Math.min(best, (performance.now() - t0) / iterations);
  }
  return { msPerIteration: best, iterations };
}

/** Time `body` (one iteration of GPU work recorded on `rt`), synchronising on the queue. */
export async function timeGpu(
  rt: GpuRuntime,
  body: () => void,
  options: TimingOptions = {},
): Promise<Timing> {
  return timeBatches(async (iterations) => {
    for (let i = 0; i < iterations; i++) {
      body();
      rt.flush();
    }
    await rt.sync();
  }, options);
}

/** GFLOP/s of `flops` floating-point operations done in `ms` milliseconds. */
export const gflops = (flops: number, ms: number): number => flops / (ms * 1e6);

// Per-adapter matmul tuning: at first use on a hardware adapter, time every variant on a small
// (512^3) and a large (2048^3) square product and split-K on and off on a conv weight-gradient
// shape (16 x 144 outputs, K = 25,088), pick the fastest of each, and keep the result in the
// adapter cache so later starts reuse it. Software adapters keep the register kernel without
// measuring (measured once for all: BENCHMARKS.md), and so does a forced SIFT_MATMUL variant.
// Bounded: each timing fills about 10 ms (at most 50 products) and the whole search stops adding
// candidates once `budgetMs` is spent (the first candidate of each class is always timed).
import { isSoftwareAdapter } from '../../common/adapter';
import type { MatmulPlan } from '../../tensor/backend';
import { cachedMeasurement, type AdapterStore } from '../adapter-cache';
import type { GpuRuntime } from '../runtime';
import {
  defaultMatmulTuning,
  isMatmulVariant,
  MATMUL_VARIANTS,
  matmulWith,
  setMatmulTuning,
  squarePlan,
  type MatmulTuning,
  type MatmulVariant,
} from './matmul';

/** Bump when a kernel or the search changes: cached winners of the old ones are measured again. */
export const MATMUL_TUNING_VERSION = 1;

export interface MatmulTuneRecord {
  tuning: MatmulTuning;
  /** Milliseconds per product, by probe and variant (those the budget left time for). */
  ms: {
    small: Partial<Record<MatmulVariant, number>>;
    large: Partial<Record<MatmulVariant, number>>;
    splitK: { off: number; on: number } | null;
  };
}

export interface MatmulTuneResult {
  record: MatmulTuneRecord;
  /** 'cache': reused; 'measured': timed now; 'default': software adapter or forced, not timed. */
  origin: 'cache' | 'measured' | 'default';
}

export interface MatmulTuneOptions {
  store: AdapterStore;
  /** Wall-clock budget of the search (ms). */
  budgetMs?: number;
  /** Square probe sizes of the small and large classes. */
  small?: number;
  large?: number;
  /** The skinny long-K probe for split-K. */
  skinny?: MatmulPlan;
  /** Variants to try (default: all). */
  candidates?: readonly MatmulVariant[];
  /** Search on a software adapter too (tests; normally it keeps the register kernel unmeasured). */
  measureSoftware?: boolean;
}

const SKINNY: MatmulPlan = { ...squarePlan(16), n: 144, k: 25088 };

function parseRecord(raw: unknown): MatmulTuneRecord | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Partial<MatmulTuneRecord>;
  const t = r.tuning;
  if (!t || !isMatmulVariant(t.small) || !isMatmulVariant(t.large)) return null;
  if (typeof t.splitK !== 'boolean' || typeof r.ms !== 'object' || r.ms === null) return null;
  return {
    tuning: { small: t.small, large: t.large, splitK: t.splitK },
    ms: r.ms,
  };
}

/** Tune (or load the tuning of) this runtime's adapter and make it the runtime's tuning. */
export async function tuneMatmul(
  rt: GpuRuntime,
  options: MatmulTuneOptions,
): Promise<MatmulTuneResult> {
  const fallback = defaultMatmulTuning(rt.adapterName);
  const software = isSoftwareAdapter(rt.adapterName) && !options.measureSoftware;
  if (software || globalThis.process?.env?.SIFT_MATMUL) {
    return {
      record: { tuning: fallback, ms: { small: {}, large: {}, splitK: null } },
      origin: 'default',
    };
  }
  const { value, fromCache } = await cachedMeasurement(options.store, {
    topic: 'matmul-tuning',
    version: MATMUL_TUNING_VERSION,
    adapter: rt.adapterName,
    parse: parseRecord,
    measure: () => measureTuning(rt, options),
  });
  setMatmulTuning(rt, value.tuning);
  return { record: value, origin: fromCache ? 'cache' : 'measured' };
}

/** The search itself, without the cache. */
async function measureTuning(
  rt: GpuRuntime,
  {
    budgetMs = 4000,
    small = 512,
    large = 2048,
    skinny = SKINNY,
    candidates = MATMUL_VARIANTS,
  }: Omit<MatmulTuneOptions, 'store' | 'measureSoftware'>,
): Promise<MatmulTuneRecord> {
  const started = performance.now();
  const overBudget = () => performance.now() - started > budgetMs;
  const fastest = (ms: Partial<Record<MatmulVariant, number>>): MatmulVariant =>
    candidates.reduce((x, y) => ((ms[y] ?? Infinity) < (ms[x] ?? Infinity) ? y : x));

  const classMs = async (n: number) => {
    const ms: Partial<Record<MatmulVariant, number>> = {};
    for (const [i, v] of candidates.entries()) {
      if (i > 0 && overBudget()) break;
      ms[v] = await timeProduct(rt, { small: v, large: v, splitK: false }, squarePlan(n));
    }
    return ms;
  };
  const smallMs = await classMs(small);
  const largeMs = await classMs(large);
  const tuning: MatmulTuning = { small: fastest(smallMs), large: fastest(largeMs), splitK: true };
  let splitK: MatmulTuneRecord['ms']['splitK'] = null;
  if (!overBudget()) {
    const off = await timeProduct(rt, { ...tuning, splitK: false }, skinny);
    const on = await timeProduct(rt, tuning, skinny);
    splitK = { off, on };
    tuning.splitK = on < off;
  }
  return { tuning, ms: { small: smallMs, large: largeMs, splitK } };
}

/** Milliseconds per product of `plan` with `tuning`: best of two rounds of ~10 ms each. */
async function timeProduct(
  rt: GpuRuntime,
  tuning: MatmulTuning,
  plan: MatmulPlan,
): Promise<number> {
  const a = rt.pool.acquire(plan.m * plan.k * 4, 'tune.a');
  const b = rt.pool.acquire(plan.k * plan.n * 4, 'tune.b');
  const c = rt.pool.acquire(plan.m * plan.n * 4, 'tune.c');
  try {
    rt.upload(a, new Float32Array(plan.m * plan.k).fill(0.5));
    rt.upload(b, new Float32Array(plan.k * plan.n).fill(0.25));
    const run = async (reps: number) => {
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) matmulWith(tuning, rt, a, b, c, plan);
      await rt.sync();
      return (performance.now() - t0) / reps;
    };
    await run(1); // pipeline build and warm-up
    const once = await run(1);
    const reps = Math.min(50, Math.max(1, Math.ceil(10 / Math.max(once, 0.01))));
    return Math.min(once, await run(reps), await run(reps));
  } finally {
    rt.pool.release(a);
    rt.pool.release(b);
    rt.pool.release(c);
  }
}

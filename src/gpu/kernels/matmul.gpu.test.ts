import { afterAll, describe, expect, it } from 'vitest';
import { gpuBackend } from '../../testing/backends';
import { expectClose } from '../../testing/expect-close';
import { adapterCacheKey, MemoryAdapterStore } from '../adapter-cache';
import {
  defaultMatmulTuning,
  matmulTuning,
  setMatmulTuning,
  squarePlan,
  type MatmulTuning,
} from './matmul';
import { MATMUL_TUNING_VERSION, tuneMatmul } from './matmul-tune';

let restore: (() => void) | null = null;
afterAll(() => restore?.());

// Tiny probes: SwiftShader is slow, and what is checked is the search, not the figures.
const probe = { small: 16, large: 32, skinny: { ...squarePlan(4), n: 8, k: 1024 } };

describe('tuneMatmul', () => {
  it('keeps the register kernel on a software adapter without measuring or caching', async () => {
    const { rt } = await gpuBackend();
    const store = new MemoryAdapterStore();
    const result = await tuneMatmul(rt, { store });
    expect(result.origin).toBe('default');
    expect(result.record.tuning).toEqual(defaultMatmulTuning(rt.adapterName));
    expect(store.entries.size).toBe(0);
  });

  it('times every candidate, adopts the fastest, caches it, and reuses it', async () => {
    const { rt } = await gpuBackend();
    const before = matmulTuning(rt);
    restore = () => setMatmulTuning(rt, before);
    const store = new MemoryAdapterStore();
    const first = await tuneMatmul(rt, {
      store,
      measureSoftware: true,
      budgetMs: 60_000,
      ...probe,
    });
    expect(first.origin).toBe('measured');
    const { ms, tuning } = first.record;
    for (const cls of [ms.small, ms.large]) {
      expect(Object.keys(cls).sort()).toEqual(
        ['register', 'tile128x128', 'tile128x64', 'tile64x64'].sort(),
      );
      for (const v of Object.values(cls)) expect(v).toBeGreaterThan(0);
    }
    expect(ms.small[tuning.small]).toBe(Math.min(...Object.values(ms.small)));
    expect(ms.large[tuning.large]).toBe(Math.min(...Object.values(ms.large)));
    expect(tuning.splitK).toBe(ms.splitK !== null && ms.splitK.on < ms.splitK.off);
    expect(matmulTuning(rt)).toEqual(tuning);
    expect(rt.stats().liveBuffers).toBe(0);

    // Reused: a forged cached winner is adopted without timing anything.
    const forged = {
      ...first.record,
      tuning: { small: 'tile128x64', large: 'tile64x64', splitK: false },
    };
    await store.set(
      adapterCacheKey('matmul-tuning', MATMUL_TUNING_VERSION, rt.adapterName),
      forged,
    );
    const submits = rt.stats().submits;
    const second = await tuneMatmul(rt, { store, measureSoftware: true, ...probe });
    expect(second.origin).toBe('cache');
    expect(matmulTuning(rt)).toEqual(forged.tuning);
    expect(rt.stats().submits).toBe(submits);
  });

  it('stays within its budget: past it, only the first candidate of each class is timed', async () => {
    const { rt } = await gpuBackend();
    const before = matmulTuning(rt);
    restore = () => setMatmulTuning(rt, before);
    const { record } = await tuneMatmul(rt, {
      store: new MemoryAdapterStore(),
      measureSoftware: true,
      budgetMs: 0,
      ...probe,
    });
    expect(Object.keys(record.ms.small)).toEqual(['tile128x128']);
    expect(Object.keys(record.ms.large)).toEqual(['tile128x128']);
    expect(record.ms.splitK).toBeNull();
    expect(record.tuning).toEqual({ small: 'tile128x128', large: 'tile128x128', splitK: true });
  });
});

describe('split-K', () => {
  it('is deterministic, reuses its scratch buffer, and costs one extra dispatch', async () => {
    const { rt, gpu } = await gpuBackend();
    const before = matmulTuning(rt);
    restore = () => setMatmulTuning(rt, before);
    const plan = {
      ...squarePlan(5),
      n: 9,
      k: 700,
      batch: 2,
      aBatchStride: 5 * 700,
      bBatchStride: 0,
    };
    const a = gpu.upload(Float32Array.from({ length: 2 * 5 * 700 }, (_, i) => Math.sin(i)));
    const b = gpu.upload(Float32Array.from({ length: 700 * 9 }, (_, i) => Math.cos(i)));
    const run = async (tuning: MatmulTuning) => {
      setMatmulTuning(rt, tuning);
      const dispatches = rt.stats().dispatches;
      const c = gpu.matmul(a, b, plan);
      const out = await gpu.read(c);
      gpu.release(c);
      return { out, dispatches: rt.stats().dispatches - dispatches };
    };
    const split: MatmulTuning = {
      small: 'tile64x64',
      large: 'tile64x64',
      splitK: true,
      forceSplits: 4,
    };
    const whole = await run({ ...split, forceSplits: 1 });
    const first = await run(split);
    const created = rt.stats().createdBuffers;
    const second = await run(split);
    expect(whole.dispatches).toBe(1);
    expect(first.dispatches).toBe(2);
    expect(rt.stats().createdBuffers).toBe(created);
    expect(second.out).toEqual(first.out); // bit for bit
    expectClose(first.out, whole.out, { atol: 1e-4, rtol: 1e-5, label: 'split vs whole K' });
    gpu.release(a);
    gpu.release(b);
    expect(rt.stats().liveBuffers).toBe(0);
  });
});

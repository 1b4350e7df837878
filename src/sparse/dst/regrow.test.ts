// Drop-and-grow on the CPU reference: exact counts, the RigL rule on a hand-made layer, zeroed
// weights and optimiser state where they must be, and the three methods.
import { describe, expect, it } from 'vitest';
import { CpuSparseBackend } from '../../reference/sparse';
import { cpu, wrap } from '../../reference/storage';
import { Mask } from '../mask';
import type { SparseParam } from './regrow';
import { rigLUpdate } from './rigl';
import { setSeed, setUpdate } from './set';
import { staticUpdate } from './static';

const sparse = new CpuSparseBackend();
const f64 = (v: number[]) => wrap(Float64Array.from(v));
const arr = (s: { size: number }) => Array.from(cpu(s as never));

function layer(): SparseParam {
  // 2 x 5 weight, 6 active: |w| = 0.1, 0.9, 0.3, 0.5, 0.05, 0.7 at positions 0, 1, 3, 5, 6, 9.
  const mask = [1, 1, 0, 1, 0, 1, 1, 0, 0, 1];
  const w = [0.1, -0.9, 0, 0.3, 0, -0.5, 0.05, 0, 0, 0.7];
  return {
    weight: f64(w),
    mask: new Mask(f64(mask), 2, 5, 6),
    optimizerState: [f64(w.map((v) => v * 10 + 1)), f64(mask.map(() => 2))],
  };
}

describe('RigL update (CPU reference)', () => {
  it('drops the smallest |w| and grows the largest |grad| outside the kept set', () => {
    const p = layer();
    const grad = f64([0, 0, 0.8, 0, 0.1, 0, 0.95, 0.2, 0.6, 0]);
    // a = 0.5: drop floor(3) = 3 smallest |w|: positions 6 (0.05), 0 (0.1), 3 (0.3).
    // Grow 3 of largest |grad| outside the kept set {1, 5, 9}: 6 (0.95, just dropped), 2 (0.8), 8 (0.6).
    const before = p.mask.version;
    expect(rigLUpdate(sparse, p, 0.5, grad)).toEqual({ dropped: 3 });
    expect(arr(p.mask.storage)).toEqual([0, 1, 1, 0, 0, 1, 1, 0, 1, 1]);
    expect(p.mask.activeCount).toBe(6);
    expect(p.mask.version).toBe(before + 1);
    // Dropped (0, 3) -> 0; newly grown (2, 8) -> 0; position 6, dropped and grown back, keeps 0.05.
    expect(arr(p.weight)).toEqual([0, -0.9, 0, 0, 0, -0.5, 0.05, 0, 0, 0.7]);
    expect(arr(p.optimizerState[0])).toEqual([0, -8, 0, 0, 0, -4, 1.5, 0, 0, 8]);
    expect(arr(p.optimizerState[1])).toEqual([0, 2, 0, 0, 0, 2, 2, 0, 0, 2]);
  });

  it('a drop fraction too small to drop one weight changes nothing', () => {
    const p = layer();
    const old = p.mask.storage;
    expect(rigLUpdate(sparse, p, 0.1, f64(new Array(10).fill(1)))).toEqual({ dropped: 0 });
    expect(p.mask.storage).toBe(old);
    expect(p.mask.version).toBe(0);
  });
});

describe('SET update (CPU reference)', () => {
  it('keeps exact counts and grows at seeded random positions', () => {
    const a = layer();
    const b = layer();
    setUpdate(sparse, a, 0.5, setSeed(1, 0, 100));
    setUpdate(sparse, b, 0.5, setSeed(1, 0, 100));
    const m = arr(a.mask.storage);
    expect(m.reduce((x, y) => x + y, 0)).toBe(6);
    expect(m).toEqual(arr(b.mask.storage)); // same seed, same mask
    // The three largest |w| (positions 1, 5, 9) are always kept.
    expect([m[1], m[5], m[9]]).toEqual([1, 1, 1]);
    expect(setSeed(1, 0, 100)).not.toBe(setSeed(1, 0, 200));
    expect(setSeed(1, 0, 100)).not.toBe(setSeed(1, 1, 100));
  });
});

describe('static', () => {
  it('never changes the mask', () => {
    expect(staticUpdate()).toEqual({ dropped: 0 });
  });
});

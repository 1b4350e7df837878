import { describe, expect, it } from 'vitest';
import { CpuSparseBackend } from '../reference/sparse';
import { cpu, wrap } from '../reference/storage';
import { activeCountFor, createRandomMask, Mask } from './mask';

const sparse = new CpuSparseBackend();

describe('Mask', () => {
  it('random masks hold exactly the active count asked for', () => {
    for (const [rows, cols, density] of [
      [1, 1, 1],
      [7, 13, 0.5],
      [31, 33, 0.1],
      [64, 65, 0.01],
    ] as const) {
      const active = activeCountFor(rows * cols, density);
      const m = createRandomMask(sparse, rows, cols, active, 5);
      expect(cpu(m.storage).reduce((a, b) => a + b, 0)).toBe(active);
      expect(m.activeCount).toBe(active);
      expect(m.density).toBeCloseTo(active / (rows * cols), 12);
    }
  });

  it('different seeds draw different positions, the same seed the same', () => {
    const a = cpu(createRandomMask(sparse, 20, 20, 40, 1).storage);
    const b = cpu(createRandomMask(sparse, 20, 20, 40, 2).storage);
    const c = cpu(createRandomMask(sparse, 20, 20, 40, 1).storage);
    expect(Array.from(a)).not.toEqual(Array.from(b));
    expect(Array.from(a)).toEqual(Array.from(c));
  });

  it('replace swaps storage, keeps the count and bumps the version', () => {
    const m = new Mask(wrap(Float64Array.from([1, 0, 0, 1])), 2, 2, 2);
    const next = wrap(Float64Array.from([0, 1, 1, 0]));
    const old = m.replace(next, 2);
    expect(Array.from(cpu(old))).toEqual([1, 0, 0, 1]);
    expect(m.storage).toBe(next);
    expect(m.version).toBe(1);
    expect(() => m.replace(wrap(new Float64Array(3)), 1)).toThrow();
    expect(() => new Mask(wrap(new Float64Array(4)), 2, 2, 5)).toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { erkAllocation, uniformAllocation, type MaskedLayer } from './mask-init';

const layers: MaskedLayer[] = [
  { shape: [64, 3, 3, 3] }, // small conv: ERK makes it dense
  { shape: [64, 64, 3, 3] },
  { shape: [128, 64, 3, 3] },
  { shape: [128, 64, 1, 1] },
  { shape: [256, 128, 3, 3] },
  { shape: [10, 256] },
];
const sizes = layers.map((l) => l.shape.reduce((a, b) => a * b, 1));
const total = sizes.reduce((a, b) => a + b, 0);

describe('uniform allocation', () => {
  it('gives every layer the density, rounded per layer', () => {
    const a = uniformAllocation(layers, 0.1);
    a.forEach((l, i) => {
      expect(l.size).toBe(sizes[i]);
      expect(l.activeCount).toBe(Math.round(0.1 * sizes[i]));
    });
  });
});

describe('ERK allocation', () => {
  for (const density of [0.05, 0.1, 0.2, 0.5, 0.9]) {
    it(`matches the total exactly at density ${density}`, () => {
      const a = erkAllocation(layers, density);
      expect(a.reduce((s, l) => s + l.activeCount, 0)).toBe(Math.round(density * total));
      a.forEach((l, i) => {
        expect(l.activeCount).toBeGreaterThanOrEqual(0);
        expect(l.activeCount).toBeLessThanOrEqual(sizes[i]);
      });
    });
  }

  it('is proportional to sum(dims)/prod(dims) among layers that are not dense', () => {
    const a = erkAllocation(layers, 0.1);
    const raw = layers.map((l, i) => l.shape.reduce((x, y) => x + y, 0) / sizes[i]);
    // Layers 1..4 stay sparse at 0.1; their density ratios follow raw up to rounding of one weight.
    for (const i of [2, 3, 4]) {
      const ratio = a[i].density / a[1].density;
      expect(Math.abs(ratio / (raw[i] / raw[1]) - 1)).toBeLessThan(1e-3);
    }
  });

  it('caps layers at density 1 and gives their excess to the others', () => {
    const a = erkAllocation(layers, 0.1);
    // The stem-like 64x3x3x3 and the 10x256 classifier would exceed 1: both become dense.
    expect(a[0].density).toBe(1);
    expect(a[5].density).toBe(1);
    expect(a[4].density).toBeLessThan(0.1);
    expect(erkAllocation(layers, 1).every((l) => l.density === 1)).toBe(true);
    expect(erkAllocation(layers, 0).every((l) => l.activeCount === 0)).toBe(true);
  });

  it('rejects densities outside [0, 1]', () => {
    expect(() => erkAllocation(layers, 1.2)).toThrow();
    expect(() => uniformAllocation(layers, -0.1)).toThrow();
  });
});

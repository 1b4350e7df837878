import { describe, expect, it } from 'vitest';
import { constant, cosineWithWarmup, multistep } from './schedule';

describe('multistep', () => {
  it('multiplies by gamma at each milestone reached, as PyTorch MultiStepLR', () => {
    const lr = multistep(0.1, [3, 6], 0.1);
    expect([0, 1, 2, 3, 4, 5, 6, 100].map(lr)).toEqual([
      0.1,
      0.1,
      0.1,
      0.1 * 0.1,
      0.1 * 0.1,
      0.1 * 0.1,
      0.1 * 0.1 ** 2,
      0.1 * 0.1 ** 2,
    ]);
  });

  it('accepts milestones in any order, and none', () => {
    expect(multistep(1, [6, 3], 0.5)(4)).toBe(0.5);
    expect(multistep(1, [], 0.5)(1000)).toBe(1);
  });
});

describe('cosineWithWarmup', () => {
  const lr = cosineWithWarmup(1e-3, 1e-4, 10, 110);

  it('warms up linearly to lrMax, as nanoGPT: lrMax * (step + 1) / warmup', () => {
    expect(lr(0)).toBeCloseTo(1e-4, 15);
    expect(lr(4)).toBeCloseTo(5e-4, 15);
    expect(lr(9)).toBeCloseTo(1e-3, 15);
  });

  it('follows a half cosine from lrMax at the end of warmup to lrMin at totalSteps, then stays', () => {
    expect(lr(10)).toBeCloseTo(1e-3, 15);
    expect(lr(60)).toBeCloseTo((1e-3 + 1e-4) / 2, 15);
    // A quarter of the way: 0.5 * (1 + cos(pi / 4)).
    expect(lr(35)).toBeCloseTo(1e-4 + 0.5 * (1 + Math.SQRT1_2) * 9e-4, 15);
    expect(lr(110)).toBe(1e-4);
    expect(lr(500)).toBe(1e-4);
  });

  it('is monotone after warmup', () => {
    for (let s = 10; s < 120; s++) expect(lr(s + 1)).toBeLessThanOrEqual(lr(s));
  });

  it('without warmup starts at lrMax; rejects warmup beyond the total', () => {
    expect(cosineWithWarmup(1, 0, 0, 10)(0)).toBe(1);
    expect(() => cosineWithWarmup(1, 0, 20, 10)).toThrow(/warmupSteps/);
  });

  it('constant', () => {
    expect(constant(0.3)(12345)).toBe(0.3);
  });
});

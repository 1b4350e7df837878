import { describe, expect, it } from 'vitest';
import { dropCount, dropFraction, dstSchedule, endStep, isUpdateStep } from './schedule';

describe('DST schedule', () => {
  const s = dstSchedule(1000); // defaults: dT 100, a0 0.3, end 0.75 -> step 750

  it('uses the defaults of docs/sift-method.md', () => {
    expect(s).toEqual({
      updateInterval: 100,
      initialDropFraction: 0.3,
      endFraction: 0.75,
      totalSteps: 1000,
    });
    expect(endStep(s)).toBe(750);
  });

  it('updates every dT steps strictly between 0 and end', () => {
    const steps = Array.from({ length: 1001 }, (_, t) => t).filter((t) => isUpdateStep(t, s));
    expect(steps).toEqual([100, 200, 300, 400, 500, 600, 700]);
    expect(isUpdateStep(0, s)).toBe(false);
    expect(isUpdateStep(750, dstSchedule(1000, { updateInterval: 50 }))).toBe(false); // t < end, strictly
    expect(isUpdateStep(700, dstSchedule(1000, { updateInterval: 50 }))).toBe(true);
  });

  it('decays the drop fraction by a cosine from a0 to 0 at end', () => {
    expect(dropFraction(0, s)).toBeCloseTo(0.3, 12);
    expect(dropFraction(375, s)).toBeCloseTo(0.15, 12); // half way: cos(pi/2) = 0
    expect(dropFraction(100, s)).toBeCloseTo(0.15 * (1 + Math.cos(Math.PI / 7.5)), 12);
    expect(dropFraction(700, s)).toBeCloseTo(0.15 * (1 + Math.cos((Math.PI * 700) / 750)), 12);
    expect(dropFraction(750, s)).toBe(0);
    expect(dropFraction(900, s)).toBe(0);
  });

  it('drops floor(a_t * active), exact on products meant to be whole', () => {
    expect(dropCount(1000, 0.3)).toBe(300);
    expect(dropCount(100, 0.29)).toBe(29); // 0.29 * 100 = 28.999999999999996 in float64
    expect(dropCount(7, 0.3)).toBe(2);
    expect(dropCount(3, 0.3)).toBe(0);
    expect(dropCount(0, 0.3)).toBe(0);
  });

  it('rejects nonsense settings', () => {
    expect(() => dstSchedule(100, { updateInterval: 0 })).toThrow(/interval/);
    expect(() => dstSchedule(100, { initialDropFraction: 1.5 })).toThrow(/drop fraction/);
    expect(() => dstSchedule(100, { endFraction: -0.1 })).toThrow(/end fraction/);
    expect(() => dstSchedule(-1)).toThrow(/total steps/);
  });
});

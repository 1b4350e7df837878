// Training FLOPs: 3 x forward per step, RigL update steps as 2 x sparse + dense.
import { describe, expect, it } from 'vitest';
import type { ModelCount } from './count';
import { trainingStepFlops } from './training';

function fakeCount(
  forwardMacs: number,
  denseEquivalentMacs: number,
  executedMacs: number,
): ModelCount {
  const totals = { forwardMacs, denseEquivalentMacs, executedMacs };
  return {
    weightLayers: [],
    budget: totals,
    outsideBudget: { forwardMacs: 0, denseEquivalentMacs: 0, executedMacs: 0, attentionMacs: 0 },
    total: totals,
    paramsTotal: 0,
    paramsActive: 0,
  };
}

describe('training FLOPs', () => {
  const count = fakeCount(100, 1000, 1000); // s = 0.9 masked dense: executes the dense size

  it('a regular step is 3 x forward x 2 FLOPs per MAC x batch', () => {
    expect(trainingStepFlops(count, 8)).toEqual({
      theoreticalFlops: 2 * 8 * 300,
      executedFlops: 2 * 8 * 3000,
    });
  });

  it('a RigL update step costs 2 x sparse + 1 x dense forward', () => {
    expect(trainingStepFlops(count, 1, true)).toEqual({
      theoreticalFlops: 2 * (2 * 100 + 1000),
      executedFlops: 2 * (2 * 1000 + 1000),
    });
    const zeroSkipping = fakeCount(100, 1000, 100);
    expect(trainingStepFlops(zeroSkipping, 1, true).executedFlops).toBe(2 * (2 * 100 + 1000));
  });
});

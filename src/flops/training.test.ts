// Training FLOPs: 3 x forward per step, RigL update steps as 2 x sparse + dense, update counts.
import { describe, expect, it } from 'vitest';
import type { ModelCount } from './count';
import { rigLUpdateStepCount, runTrainingFlops, trainingStepFlops } from './training';

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

  it('counts updates at t = dT, 2dT, ... strictly before end = floor(endFraction * steps)', () => {
    expect(rigLUpdateStepCount(1000, 100, 0.75)).toBe(7); // 100 ... 700
    expect(rigLUpdateStepCount(800, 100, 0.75)).toBe(5); // end 600 is excluded
    expect(rigLUpdateStepCount(801, 100, 0.75)).toBe(5); // end floor(600.75) = 600
    expect(rigLUpdateStepCount(802, 100, 0.75)).toBe(6); // end 601
    expect(rigLUpdateStepCount(99, 100, 1)).toBe(0);
    expect(rigLUpdateStepCount(0)).toBe(0);
  });

  it('a run sums regular and update steps', () => {
    const run = runTrainingFlops(count, 4, 1000, 7);
    const regular = trainingStepFlops(count, 4);
    const update = trainingStepFlops(count, 4, true);
    expect(run.theoreticalFlops).toBe(993 * regular.theoreticalFlops + 7 * update.theoreticalFlops);
    expect(run.executedFlops).toBe(993 * regular.executedFlops + 7 * update.executedFlops);
    expect(runTrainingFlops(count, 4, 10).theoreticalFlops).toBe(10 * regular.theoreticalFlops);
  });
});

// Learning-rate schedules as pure functions of the 0-based optimiser step, so the trainer, the UI's
// preview chart and the tests evaluate the same formula.
import { SiftError } from '../../common/errors';

export type LrSchedule = (step: number) => number;

/** A constant rate. */
export const constant =
  (lr: number): LrSchedule =>
  () =>
    lr;

/**
 * PyTorch MultiStepLR: lrBase times gamma once per milestone reached (step >= milestone), e.g.
 * the CIFAR ResNet recipe multistep(0.1, [32000, 48000], 0.1).
 */
export function multistep(
  lrBase: number,
  milestones: readonly number[],
  gamma: number,
): LrSchedule {
  const sorted = [...milestones].sort((a, b) => a - b);
  return (step) => {
    let passed = 0;
    while (passed < sorted.length && step >= sorted[passed]) passed++;
    return lrBase * gamma ** passed;
  };
}

/**
 * Linear warmup to lrMax over warmupSteps (lrMax * (step + 1) / warmupSteps), then a half cosine
 * down to lrMin at totalSteps, then lrMin: nanoGPT's get_lr.
 */
export function cosineWithWarmup(
  lrMax: number,
  lrMin: number,
  warmupSteps: number,
  totalSteps: number,
): LrSchedule {
  if (warmupSteps < 0 || totalSteps < warmupSteps) {
    throw new SiftError(
      'INVALID_ARGUMENT',
      `cosineWithWarmup: need 0 <= warmupSteps (${warmupSteps}) <= totalSteps (${totalSteps})`,
    );
  }
  return (step) => {
    if (step < warmupSteps) return (lrMax * (step + 1)) / warmupSteps;
    if (step >= totalSteps) return lrMin;
    const progress = (step - warmupSteps) / (totalSteps - warmupSteps);
    return lrMin + 0.5 * (1 + Math.cos(Math.PI * progress)) * (lrMax - lrMin);
  };
}

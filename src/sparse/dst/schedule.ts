// When dynamic sparse training updates masks and how much it drops (pure). RigL (Evci et al.
// 2020, eq. 1) as restated in docs/sift-method.md: update when t % dT == 0 and t < end, drop
// fraction a_t = a0 / 2 * (1 + cos(pi t / end)), defaults a0 = 0.3, dT = 100, end = 0.75 of
// training.
//
// `t` counts optimiser steps already taken (1 after the first step). t = 0 never updates: the mask
// has just been initialised and there is no gradient yet, and the RigL PyTorch reference
// (rigl-torch) increments its step counter before testing it, so its first update comes after dT
// steps. Steps at or past `end` never update (strictly t < end).
import { SiftError } from '../../common/errors';

export interface DstSchedule {
  /** dT: steps between mask updates. */
  updateInterval: number;
  /** a0: drop fraction at t = 0, decayed by a cosine to 0 at `endStep`. */
  initialDropFraction: number;
  /** Fraction of training after which the mask is frozen (0.75 in RigL). */
  endFraction: number;
  totalSteps: number;
}

export const DEFAULT_DST_SCHEDULE = {
  updateInterval: 100,
  initialDropFraction: 0.3,
  endFraction: 0.75,
} as const;

/** A schedule with the paper's defaults for a run of `totalSteps`. */
export function dstSchedule(
  totalSteps: number,
  overrides: Partial<Omit<DstSchedule, 'totalSteps'>> = {},
): DstSchedule {
  const s = { ...DEFAULT_DST_SCHEDULE, ...overrides, totalSteps };
  if (!(Number.isInteger(s.updateInterval) && s.updateInterval >= 1)) {
    throw new SiftError(
      'CONFIG_INVALID',
      `DST update interval must be an integer >= 1, got ${s.updateInterval}`,
    );
  }
  if (!(s.initialDropFraction >= 0 && s.initialDropFraction <= 1)) {
    throw new SiftError(
      'CONFIG_INVALID',
      `initial drop fraction must be in [0, 1], got ${s.initialDropFraction}`,
    );
  }
  if (!(s.endFraction >= 0 && s.endFraction <= 1)) {
    throw new SiftError(
      'CONFIG_INVALID',
      `DST end fraction must be in [0, 1], got ${s.endFraction}`,
    );
  }
  if (!(Number.isInteger(totalSteps) && totalSteps >= 0)) {
    throw new SiftError(
      'CONFIG_INVALID',
      `total steps must be a non-negative integer, got ${totalSteps}`,
    );
  }
  return s;
}

/** The last step (exclusive) at which masks may change: floor(endFraction * totalSteps). */
export function endStep(s: DstSchedule): number {
  return Math.floor(s.endFraction * s.totalSteps);
}

/** True when the mask update runs after optimiser step t (t >= 1 steps taken). */
export function isUpdateStep(t: number, s: DstSchedule): boolean {
  return t > 0 && t % s.updateInterval === 0 && t < endStep(s);
}

/** a_t = a0 / 2 * (1 + cos(pi t / end)); 0 from `end` on. */
export function dropFraction(t: number, s: DstSchedule): number {
  const end = endStep(s);
  if (t >= end) return 0;
  return (s.initialDropFraction / 2) * (1 + Math.cos((Math.PI * t) / end));
}

/** Weights to drop (and regrow) from a layer with `activeCount` active: floor(a_t * active). */
export function dropCount(activeCount: number, fraction: number): number {
  // The epsilon absorbs float error in products meant to be whole (0.3 * 10 = 2.9999999999999996).
  return Math.floor(fraction * activeCount + 1e-9);
}

// The closed-form iso-FLOP sizes of docs/sift-method.md and their rounding.
import { describe, expect, it } from 'vitest';
import { toSparsity } from '../../spec/sparsity';
import {
  dopedRank,
  factorizedRank,
  parallelBranches,
  resolveWideBodyDensity,
  wideGptDModel,
  wideResNetBaseWidth,
  wideScale,
} from './iso-flop';
import { parseTransformName } from './types';

const s = toSparsity;

describe('iso-FLOP sizes', () => {
  it('Sparse Wide: k = sqrt(1/(1-s)); ResNet base width 64 -> 90 / 128 / 202 (the paper)', () => {
    expect(wideScale(s(0.75))).toBe(2);
    expect([0.5, 0.75, 0.9].map((v) => wideResNetBaseWidth(64, s(v)))).toEqual([90, 128, 202]);
    expect(wideResNetBaseWidth(64, s(0))).toBe(64);
    // 16 * sqrt(4) is exactly 32 and must not floor to 31 through rounding noise.
    expect(wideResNetBaseWidth(16, s(0.75))).toBe(32);
    expect(wideResNetBaseWidth(16, s(0.5))).toBe(22);
  });

  it('Sparse Wide: GPT-3 Small 768 -> 1092 at .5, 1536 at .75, a multiple of the 12 heads', () => {
    expect(wideGptDModel(768, 12, s(0.5))).toBe(1092);
    expect(wideGptDModel(768, 12, s(0.75))).toBe(1536);
    expect(wideGptDModel(768, 12, s(0.9)) % 12).toBe(0);
    expect(wideGptDModel(768, 12, s(0))).toBe(768);
    expect(wideGptDModel(64, 4, s(0.5))).toBe(92); // 90.5 -> nearest multiple of 4
  });

  it('Sparse Parallel: 2 / 4 / 10 branches at .5 / .75 / .9, 1 at s = 0', () => {
    expect([0, 0.5, 0.75, 0.9].map((v) => parallelBranches(s(v)))).toEqual([1, 2, 4, 10]);
    expect(parallelBranches(s(0.95))).toBe(20);
  });

  it('Sparse Factorized: d = DinDout/((Din+Dout)(1-s)) rounded up, cost >= dense within one rank', () => {
    // 3x3 conv 64 -> 64: Din = 576, Dout = 64; 576*64/(640*0.5) = 115.2 -> 116.
    expect(factorizedRank(576, 64, s(0.5))).toBe(116);
    expect(factorizedRank(576, 64, s(0.9))).toBe(576); // exactly 576, not 577
    for (const [dIn, dOut] of [
      [576, 128],
      [1152, 256],
      [64, 128],
      [768, 2304],
    ]) {
      for (const v of [0.3, 0.5, 0.75, 0.9]) {
        const d = factorizedRank(dIn, dOut, s(v));
        const cost = (1 - v) * d * (dIn + dOut);
        expect(cost).toBeGreaterThanOrEqual(dIn * dOut * (1 - 1e-12));
        expect((1 - v) * (d - 1) * (dIn + dOut)).toBeLessThan(dIn * dOut);
      }
    }
  });

  it('Sparse Doped: r = s DinDout/(Din+Dout) rounded down, cost <= dense within one rank', () => {
    expect(dopedRank(576, 64, s(0.5))).toBe(28); // 28.8
    expect(dopedRank(576, 64, s(0))).toBe(0);
    for (const [dIn, dOut] of [
      [576, 128],
      [1152, 256],
      [64, 128],
      [768, 2304],
    ]) {
      for (const v of [0.3, 0.5, 0.75, 0.9]) {
        const r = dopedRank(dIn, dOut, s(v));
        const cost = r * (dIn + dOut) + (1 - v) * dIn * dOut;
        expect(cost).toBeLessThanOrEqual(dIn * dOut * (1 + 1e-12));
        expect((r + 1) * (dIn + dOut) + (1 - v) * dIn * dOut).toBeGreaterThan(dIn * dOut);
      }
    }
  });

  it('Sparse Wide re-solve: (F_dense - F_fixed) / F_body', () => {
    expect(resolveWideBodyDensity(100, 4, 192)).toBe(0.5);
  });

  it('transform names: full and short forms, anything else rejected', () => {
    expect(parseTransformName('wide')).toBe('sparse-wide');
    expect(parseTransformName('sparse-doped')).toBe('sparse-doped');
    expect(parseTransformName('dense')).toBe('dense');
    expect(() => parseTransformName('sparse')).toThrow(/unknown transform "sparse"/);
  });
});

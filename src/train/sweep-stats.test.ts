// Sweep expansion and aggregation against values worked out by hand.
import { describe, expect, it } from 'vitest';
import { defaultRunConfig } from '../spec/run-config';
import { expandSweep, sweepCells, sweepProblems, type SweepSpec } from './sweep-plan';
import { aggregateSweep, mean, sampleStd, verdictFor, type SweepRunResult } from './sweep-stats';

const spec: SweepSpec = {
  base: { ...defaultRunConfig, seed: 7 },
  transforms: ['dense', 'sparse-wide'],
  sparsities: [0.9, 0.5],
  methods: ['rigl', 'static'],
  seeds: 2,
};

describe('expandSweep', () => {
  it('dense once per seed at s = 0, every other cell per sparsity x method, seed-major', () => {
    const runs = expandSweep(spec);
    expect(runs.map((r) => r.id)).toEqual([
      'dense/0/-/seed7',
      'sparse-wide/0.5/rigl/seed7',
      'sparse-wide/0.5/static/seed7',
      'sparse-wide/0.9/rigl/seed7',
      'sparse-wide/0.9/static/seed7',
      'dense/0/-/seed8',
      'sparse-wide/0.5/rigl/seed8',
      'sparse-wide/0.5/static/seed8',
      'sparse-wide/0.9/rigl/seed8',
      'sparse-wide/0.9/static/seed8',
    ]);
    expect(runs[0].config).toMatchObject({ transform: 'dense', sparsity: 0, seed: 7 });
    expect(runs[8].config).toMatchObject({
      transform: 'sparse-wide',
      sparsity: 0.9,
      method: 'rigl',
      seed: 8,
      steps: defaultRunConfig.steps,
      model: defaultRunConfig.model,
    });
  });

  it('names every problem of a bad spec', () => {
    const bad = { ...spec, sparsities: [0, 1.2], methods: ['rigl', 'magic'], seeds: 0 };
    expect(sweepProblems(bad as SweepSpec)).toEqual([
      'sparsity must be in (0, 1), got 0',
      'sparsity must be in (0, 1), got 1.2',
      "unknown method 'magic'",
      'seeds must be a whole number in [1, 20], got 0',
    ]);
    expect(() => expandSweep({ ...spec, transforms: [] })).toThrow(/choose at least one transform/);
    // Only dense: sparsities and methods do not apply.
    expect(sweepCells({ ...spec, transforms: ['dense'], sparsities: [], methods: [] })).toEqual([
      { transform: 'dense', sparsity: 0, method: null },
    ]);
  });
});

describe('sweep statistics', () => {
  it('mean and sample std (n - 1) match hand values', () => {
    expect(mean([0.9, 0.92, 0.94])).toBeCloseTo(0.92, 12);
    // deviations -0.02, 0, 0.02: sum of squares 8e-4, / 2 = 4e-4, sqrt = 0.02.
    expect(sampleStd([0.9, 0.92, 0.94])).toBeCloseTo(0.02, 12);
    expect(sampleStd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(sampleStd([0.5])).toBeNull();
    expect(mean([])).toBeNull();
  });

  it('verdict: gain beyond 2 x the larger std is better/worse, otherwise within noise', () => {
    const dense = { mean: 0.9, std: 0.01, n: 3 };
    // gain 0.03 > 2 * max(0.005, 0.01) = 0.02
    expect(verdictFor('accuracy', { mean: 0.93, std: 0.005, n: 3 }, dense)).toEqual({
      kind: 'better',
      gain: expect.closeTo(0.03, 12),
      noise: 0.02,
      text: 'better by 3.00 pp, more than 2 std (2 std = 2.00 pp)',
    });
    // gain 0.03 < 2 * 0.02 = 0.04: the noisier side decides.
    expect(verdictFor('accuracy', { mean: 0.93, std: 0.02, n: 3 }, dense).kind).toBe(
      'within-noise',
    );
    expect(verdictFor('accuracy', { mean: 0.85, std: 0.01, n: 3 }, dense).text).toBe(
      'worse by 5.00 pp, more than 2 std (2 std = 2.00 pp)',
    );
    // bits/char: lower is better.
    const denseBpc = { mean: 2.5, std: 0.01, n: 3 };
    expect(verdictFor('bits-per-char', { mean: 2.4, std: 0.02, n: 3 }, denseBpc).text).toBe(
      'better by 0.100 bits/char, more than 2 std (2 std = 0.040 bits/char)',
    );
    expect(verdictFor('bits-per-char', { mean: 2.52, std: 0.02, n: 3 }, denseBpc).text).toBe(
      'within noise (-0.020 bits/char, 2 std = 0.040 bits/char)',
    );
    expect(verdictFor('accuracy', { mean: 0.95, std: null, n: 1 }, dense).kind).toBe(
      'too-few-runs',
    );
    expect(verdictFor('accuracy', { mean: 0.95, std: 0.01, n: 2 }, undefined).kind).toBe(
      'no-baseline',
    );
  });

  it('aggregates runs per cell: NaN runs counted as failed, cells without runs at n = 0', () => {
    const run = (id: string, metric: number, seed: number, wall = 10): SweepRunResult => {
      const [transform, sparsity, method] = id.split('/');
      return {
        id: `${id}/seed${seed}`,
        cell: {
          transform: transform as SweepRunResult['cell']['transform'],
          sparsity: Number(sparsity),
          method: method === '-' ? null : (method as 'rigl'),
        },
        seed,
        metric,
        trainingFlops: 1e9,
        executedFlops: transform === 'dense' ? 1e9 : 2e9,
        wallSeconds: wall,
      };
    };
    const runs = [
      run('dense/0/-', 0.9, 1, 10),
      run('dense/0/-', 0.92, 2, 12),
      run('dense/0/-', 0.94, 3, 14),
      run('sparse-wide/0.5/rigl', 0.97, 1),
      run('sparse-wide/0.5/rigl', 0.98, 2),
      run('sparse-wide/0.5/rigl', 0.99, 3),
      run('sparse-wide/0.5/static', 0.93, 1),
      run('sparse-wide/0.5/static', NaN, 2),
    ];
    const cells = sweepCells({ ...spec, sparsities: [0.5, 0.9], seeds: 3 });
    const out = aggregateSweep(cells, runs, 'accuracy');
    expect(out.map((c) => [c.transform, c.sparsity, c.method, c.n, c.failed])).toEqual([
      ['dense', 0, null, 3, 0],
      ['sparse-wide', 0.5, 'rigl', 3, 0],
      ['sparse-wide', 0.5, 'static', 1, 1],
      ['sparse-wide', 0.9, 'rigl', 0, 0],
      ['sparse-wide', 0.9, 'static', 0, 0],
    ]);
    expect(out[0]).toMatchObject({
      seeds: [1, 2, 3],
      wallSeconds: 12,
      verdict: { kind: 'baseline' },
    });
    expect(out[0].mean).toBeCloseTo(0.92, 12);
    expect(out[0].std).toBeCloseTo(0.02, 12);
    // gain 0.06, noise 2 * max(0.01, 0.02) = 0.04
    expect(out[1].verdict.kind).toBe('better');
    expect(out[1].verdict.gain).toBeCloseTo(0.06, 12);
    expect(out[1].executedFlops).toBe(2e9);
    expect(out[2]).toMatchObject({ mean: 0.93, std: null, verdict: { kind: 'too-few-runs' } });
    expect(out[3]).toMatchObject({ mean: null, std: null, trainingFlops: null });
  });
});

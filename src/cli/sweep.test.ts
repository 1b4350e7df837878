// The sweep command's argument handling and table, without the GPU (the runs are in
// sweep.gpu.test.ts).
import { describe, expect, it } from 'vitest';
import { defaultRunConfig } from '../spec/run-config';
import { aggregateSweep, type SweepRunResult } from '../train/sweep-stats';
import { sweepCells } from '../train/sweep-plan';
import { captureIo as capture } from '../testing/cli-capture';
import { formatSweepTable, main, sweepSpecFromArgs } from './sweep';

describe('npm run sweep', () => {
  it('builds the spec from lists; the recipe comes from the train flags', () => {
    const spec = sweepSpecFromArgs({
      model: 'gpt-tiny',
      transforms: 'dense,wide,parallel',
      sparsities: '0.5, 0.9',
      methods: 'rigl,static',
      seeds: '3',
      steps: '40',
      seed: '5',
    });
    expect(spec.transforms).toEqual(['dense', 'sparse-wide', 'sparse-parallel']);
    expect(spec.sparsities).toEqual([0.5, 0.9]);
    expect(spec.methods).toEqual(['rigl', 'static']);
    expect(spec.base).toMatchObject({ model: 'gpt-tiny', steps: 40, seed: 5, optimizer: 'adamw' });
  });

  it('rejects bad arguments with a message and exit code 2, before touching the GPU', async () => {
    for (const [args, message] of [
      [['--transform', 'wide'], /--transform does not apply to a sweep; use --transforms/],
      [['--seeds', '0'], /--seeds must be a positive integer/],
      [['--sparsities', '0.5,x'], /--sparsities must be numbers/],
      [['--sparsities', '1.5'], /sparsity must be in \(0, 1\), got 1.5/],
      [['--methods', 'magic'], /unknown method 'magic'/],
      [['--transforms', 'huge'], /unknown transform "huge"/],
      [['--frobnicate'], /Unknown option/],
    ] as const) {
      const c = capture();
      expect(await main([...args], c.io), args.join(' ')).toBe(2);
      expect(c.err.join(''), args.join(' ')).toMatch(message);
    }
    const h = capture();
    expect(await main(['--help'], h.io)).toBe(0);
    expect(h.out.join('')).toMatch(/--sparsities/);
  });

  it('prints one row per cell with mean ± std, n and the verdict', () => {
    const cells = sweepCells({
      base: defaultRunConfig,
      transforms: ['dense', 'sparse-wide'],
      sparsities: [0.5],
      methods: ['rigl'],
      seeds: 2,
    });
    const run = (i: number, metric: number, seed: number): SweepRunResult => ({
      id: `${i}`,
      cell: cells[i],
      seed,
      metric,
      trainingFlops: 2e9,
      executedFlops: i === 0 ? 2e9 : 4e9,
      wallSeconds: 3,
    });
    const table = formatSweepTable(
      'accuracy',
      aggregateSweep(
        cells,
        [run(0, 0.9, 1), run(0, 0.92, 2), run(1, 0.95, 1), run(1, 0.97, 2)],
        'accuracy',
      ),
    );
    const lines = table.split('\n');
    expect(lines[2]).toMatch(
      /^dense\s+-\s+-\s+91\.00% ± 1\.41 pp\s+2\s+2\.000G\s+2\.000G\s+3\.0 s\s+baseline$/,
    );
    expect(lines[3]).toMatch(
      /^sparse-wide\s+0\.5\s+rigl\s+96\.00% ± 1\.41 pp\s+2\s+2\.000G\s+4\.000G/,
    );
    expect(lines[3]).toMatch(/better by 5\.00 pp, more than 2 std \(2 std = 2\.83 pp\)$/);
  });
});

describe('npm run sweep --recipe', () => {
  it('fills model, recipe and lists from the recipe; explicit flags win', () => {
    const text = sweepSpecFromArgs({ recipe: 'text' });
    expect(text.base).toMatchObject({
      model: 'gpt-mini',
      dataset: 'builtin-text',
      steps: 3000,
      warmupSteps: 100,
      batchSize: 32,
      lr: 3e-3,
    });
    expect(text).toMatchObject({
      transforms: ['dense', 'sparse-wide', 'sparse-parallel'],
      sparsities: [0.5, 0.75],
      methods: ['rigl'],
      seeds: 3,
    });
    const mine = sweepSpecFromArgs({ recipe: 'text', steps: '40', lr: '0.01', seeds: '2' });
    expect(mine.base).toMatchObject({ model: 'gpt-mini', steps: 40, lr: 0.01, warmupSteps: 100 });
    expect(mine.seeds).toBe(2);
    const cifar = sweepSpecFromArgs({ recipe: 'cifar', methods: 'rigl,static' });
    expect(cifar.base).toMatchObject({
      model: 'resnet18-cifar100',
      dataset: 'cifar100',
      optimizer: 'sgd',
      nesterov: true,
      lr: 0.1,
      weightDecay: 5e-4,
      schedule: 'cosine',
      batchSize: 128,
      updateInterval: 100,
      endFraction: 0.75,
    });
    expect(cifar.methods).toEqual(['rigl', 'static']);
    expect(() => sweepSpecFromArgs({ recipe: 'imagenet' })).toThrow(/unknown recipe "imagenet"/);
  });
});

// The flops, presets and main commands end to end through their exported main(argv, io).
import { describe, expect, it } from 'vitest';
import type { CliIo } from './cli-io';
import { main as flops } from './flops';
import { main as dispatch } from './main';
import { main as presets } from './presets';

async function run(
  command: (argv: string[], io: CliIo) => Promise<number>,
  argv: string[],
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await command(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

describe('npm run flops', () => {
  it('--json prints one object with the budget, ratio, params and per-layer rows', async () => {
    const r = await run(flops, [
      '--model',
      'resnet18-cifar100',
      '--transform',
      'wide',
      '--sparsity',
      '0.9',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const report = JSON.parse(r.out);
    expect(report.denseForwardMacs).toBe(555_468_800);
    expect(Math.abs(report.forwardMacs / 555_468_800 - 1)).toBeLessThan(0.001);
    expect(report.ratio).toBeCloseTo(report.forwardMacs / report.denseForwardMacs, 12);
    expect(report.transform).toBe('sparse-wide');
    expect(report.wide.widthTo).toBe(202);
    expect(report.paramsTotal).toBeGreaterThan(report.paramsActive);
    expect(report.layers).toHaveLength(21);
    expect(report.layers[0]).toMatchObject({ name: 'conv1', isSparsified: false });
    expect(report.executedRatio).toBeGreaterThan(9); // masked dense runs the 10x-wide model
    for (const key of ['forwardMacs', 'denseForwardMacs', 'ratio', 'paramsTotal', 'paramsActive']) {
      expect(typeof report[key], key).toBe('number');
    }
  });

  it('accepts full transform names and the zero-skipping kernel model', async () => {
    const r = await run(flops, [
      '--model',
      'gpt-tiny',
      '--transform',
      'sparse-parallel',
      '--sparsity',
      '0.75',
      '--kernel',
      'zero-skipping',
      '--json',
    ]);
    const report = JSON.parse(r.out);
    expect(
      report.layers.find((l: { name: string }) => l.name === 'transformer.h.0.mlp.c_fc').branches,
    ).toBe(4);
    expect(report.executedRatio).toBeCloseTo(report.ratio, 3);
    expect(report.outsideBudget.attentionMacs).toBe(2 * 2 * 64 * 64 * 64);
  });

  it('prints a per-layer table and totals without --json', async () => {
    const r = await run(flops, [
      '--model',
      'resnet-mini',
      '--transform',
      'doped',
      '--sparsity',
      '0.5',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      // r = floor(7.2) = 7; W re-solved to 1 - 7 * 160 / 2304 = 0.5139 to stay iso-FLOP.
      /layer1\.0\.conv1\s+W 3x3 conv 16->16 at density 0\.5139 \+ dense U 3x3 conv 16->7/,
    );
    expect(r.out).toMatch(/ratio to dense: (0\.99\d\d|1\.00\d\d) theoretical/);
  });

  it('rejects bad arguments with a message and exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [[], /--model is required/],
      [['--model', 'resnet-50'], /unknown model preset "resnet-50"/],
      [['--model', 'gpt-tiny', '--transform', 'narrow'], /unknown transform "narrow"/],
      [['--model', 'gpt-tiny', '--sparsity', '1'], /sparsity must be in \[0, 1\)/],
      [['--model', 'gpt-tiny', '--sparsity', 'half'], /--sparsity must be a number/],
      [['--model', 'gpt-tiny', '--batch', '0'], /--batch must be a whole number >= 1/],
      [['--model', 'gpt-tiny', '--classes', '10'], /language model/],
      [['--model', 'gpt-tiny', '--kernel', 'csr'], /--kernel must be/],
      [['--model', 'gpt-tiny', '--frobnicate'], /Unknown option '--frobnicate'/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(flops, argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err).toContain('usage: npm run flops');
      expect(r.out).toBe('');
    }
  });
});

describe('npm run presets and the main dispatcher', () => {
  it('lists every preset with params and dense forward MACs', async () => {
    const r = await run(presets, ['--json']);
    const rows = JSON.parse(r.out);
    expect(rows.map((p: { name: string }) => p.name)).toContain('resnet-mini');
    expect(rows.find((p: { name: string }) => p.name === 'resnet18-cifar100')).toMatchObject({
      params: 11_220_132,
      forwardMacs: 555_468_800,
    });
    const table = await run(presets, []);
    expect(table.out).toMatch(/gpt3-small\s+125\.226M/);
  });

  it('dispatches subcommands and rejects unknown ones', async () => {
    const r = await run(dispatch, ['flops', '--model', 'gpt-tiny', '--json']);
    expect(JSON.parse(r.out).ratio).toBe(1);
    const bad = await run(dispatch, ['train-everything']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown command "train-everything"/);
    expect((await run(dispatch, [])).code).toBe(2);
  });
});

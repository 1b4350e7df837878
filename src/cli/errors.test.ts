// The CLI's one error path, through each command's main(argv, io): every bad flag, path or size
// is named with exit code 2 before any GPU work (these tests never create a GPU device, so a
// check that came too late would hang or fail here); runtime failures exit 1 with a code; raw
// stack traces appear only with --debug.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { main as bench } from './bench';
import type { CliIo } from './cli-io';
import { runCommand, writeOutput } from './command';
import { main as compare } from './compare';
import { checkFlags } from './flags';
import { main as dispatch } from './main';
import { main as presets } from './presets';
import { main as train } from './train';

type Command = (argv: string[], io: CliIo) => Promise<number>;

async function run(command: Command, argv: string[]) {
  let out = '';
  let err = '';
  const code = await command(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'sift-cli-'));
const aFile = join(dir, 'a-file.txt');
writeFileSync(aFile, 'hello');
const aFolder = join(dir, 'a-folder');
mkdirSync(aFolder);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = ['--model', 'resnet-mini', '--steps', '2'];

describe('train and compare: every bad flag is named before any work, exit 2', () => {
  const cases: [string, string[], RegExp][] = [
    [
      'missing data file',
      ['--dataset', 'cifar10', '--data-file', join(dir, 'nope.bin')],
      /--data-file .*nope\.bin does not exist/,
    ],
    [
      'data file is a folder',
      ['--dataset', 'cifar10', '--data-file', aFolder],
      /--data-file .*a-folder is a folder/,
    ],
    ['cifar without a file', ['--dataset', 'cifar10'], /--dataset cifar10 needs --data-file/],
    ['a file for built-in data', ['--data-file', aFile], /--data-file is for --dataset cifar10/],
    ['--json is a folder', ['--json', aFolder], /--json .*a-folder is a folder; give a file name/],
    [
      '--json in a missing folder',
      ['--json', join(dir, 'no', 'out.json')],
      /the folder .*no does not exist/,
    ],
    [
      '--json under a file',
      ['--json', join(aFile, 'out.json')],
      /--json .* cannot be created: .*a-file\.txt is a file/,
    ],
    ['--export is a file', ['--export', aFile], /--export .*a-file\.txt is a file; give a folder/],
    [
      '--eval-samples 0',
      ['--eval-samples', '0'],
      /evaluation samples must be a whole number in \[1, 100000\], got 0/,
    ],
    ['--eval-samples -5', ['--eval-samples=-5'], /evaluation samples .* got -5/],
    ['--eval-samples 2.5', ['--eval-samples', '2.5'], /evaluation samples .* got 2\.5/],
    ['--eval-samples abc', ['--eval-samples', 'abc'], /--eval-samples must be a number, got "abc"/],
    ['--steps empty', ['--steps', ' '], /--steps must be a number/],
    ['--batch 0', ['--batch', '0'], /batch size must be a whole number/],
    ['--lr Infinity', ['--lr', 'Infinity'], /--lr must be a number/],
    ['--seed 1e99', ['--seed', '1e99'], /seed must be a whole number/],
    [
      '--diverge-factor 1',
      ['--diverge-factor', '1'],
      /divergence factor must be 0 \(off\) or above 1/,
    ],
    [
      '--diverge-checks 0',
      ['--diverge-checks', '0'],
      /--diverge-checks must be a whole number >= 1/,
    ],
    ['--max-params 1.5', ['--max-params', '1.5'], /--max-params must be a whole number/],
    ['unknown method', ['--method', 'magic'], /unknown method 'magic'/],
    ['unknown model', ['--model', 'resnet-50'], /unknown model preset "resnet-50"/],
    ['unknown flag', ['--frobnicate'], /Unknown option '--frobnicate'/],
    // Size guards: Sparse Doped at s = 0.999 leaves 2 weights in a 16-output conv.
    [
      'too sparse',
      ['--transform', 'doped', '--sparsity', '0.999'],
      /keep fewer active weights than outputs/,
    ],
    [
      'over the parameter cap',
      ['--transform', 'wide', '--sparsity', '0.9', '--max-params', '100000'],
      /parameters, over the 0\.1M cap/,
    ],
  ];
  for (const [name, flags, message] of cases) {
    it(name, async () => {
      for (const command of [train, compare]) {
        // compare takes its transforms as a list.
        const t = flags.indexOf('--transform');
        const own = command === compare && t >= 0 ? ['--transforms', flags[t + 1]] : [];
        const r = await run(command, [...base, ...flags, ...own]);
        expect(r.code, `${name} ${command === train ? 'train' : 'compare'}`).toBe(2);
        expect(r.err).toMatch(message);
        expect(r.err).toMatch(/usage: npm run (train|compare)/);
        expect(r.err).not.toMatch(/\n\s+at /);
        expect(r.out).toBe('');
      }
    });
  }

  it('names every problem at once', async () => {
    const r = await run(train, [...base, '--eval-samples', 'x', '--json', aFolder, '--lr', 'y']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /--lr must be a number[^]*--eval-samples must be a number[^]*--json .* is a folder/,
    );
  });

  it('compare names a bad transform in its list', async () => {
    const r = await run(compare, [...base, '--transforms', 'dense,narrow']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown transform "narrow"/);
  });
});

describe('the shared error path', () => {
  const spec = { name: 'demo', usage: 'usage: demo' };
  it('an unexpected error is INTERNAL, exit 1, no stack unless --debug', async () => {
    const boom = () => Promise.reject(new TypeError('x is not a function'));
    const plain = await run((argv, io) => runCommand(argv, io, spec, boom), []);
    expect(plain.code).toBe(1);
    expect(plain.err).toMatch(/demo: error \(INTERNAL\): x is not a function/);
    expect(plain.err).toMatch(/run again with --debug/);
    expect(plain.err).not.toMatch(/\n\s+at /);
    const debug = await run((argv, io) => runCommand(argv, io, spec, boom), ['--debug']);
    expect(debug.err).toMatch(/TypeError: x is not a function\n\s+at /);
  });

  it('a file-system failure at run time is named with its path, exit 1', async () => {
    const write = () => writeOutput(join(aFile, 'x.json'), '{}').then(() => 0);
    const r = await run((argv, io) => runCommand(argv, io, spec, write), []);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /demo: error \(FILE_NOT_FOUND\): .*a-file\.txt\/x\.json: a part of the path is a file/,
    );
  });

  it('the dispatcher passes --debug through and maps what a command lets escape', async () => {
    const r = await run(dispatch, ['presets', '--debug', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).length).toBeGreaterThan(3);
    const bad = await run(presets, ['--frobnicate']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/presets: Unknown option/);
  });

  it('bench refuses an unwritable --json before benchmarking', async () => {
    const r = await run(bench, ['--node-only', '--json', aFolder]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--json .* is a folder/);
  });

  it('the flag table parses numbers and checks ranges', () => {
    const rules = {
      n: { kind: 'int', min: 1, max: 9 },
      x: { kind: 'number', above: 0, below: 1 },
    } as const;
    expect(checkFlags({ n: '3', x: '0.5' }, rules)).toEqual({ n: 3, x: 0.5 });
    expect(() => checkFlags({ n: '10' }, rules)).toThrow(/--n must be a whole number in \[1, 9\]/);
    expect(() => checkFlags({ x: '1' }, rules)).toThrow(/--x must be < 1, got "1"/);
    expect(() => checkFlags({ x: '0' }, rules)).toThrow(/--x must be > 0/);
  });
});

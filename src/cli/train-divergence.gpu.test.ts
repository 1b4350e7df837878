// `train` on Node's WebGPU with a learning rate that blows the loss up: the run stops early with
// a named reason and exit code 1, and the --json file keeps every metric recorded before the stop.
// (On SwiftShader: DIVERGED at step 3, train loss 2.41 -> 155 -> 649; about 35 s, mostly compiles.)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { main as train } from './train';

it('a diverging run exits 1 with the reason and keeps its metrics', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sift-diverge-'));
  const json = join(dir, 'out.json');
  let out = '';
  let err = '';
  const code = await train(
    [
      ...['--model', 'resnet-mini', '--transform', 'dense', '--steps', '6', '--batch', '4'],
      ...['--lr', '9', '--optimizer', 'sgd', '--schedule', 'constant', '--metrics-every', '1'],
      ...['--eval-every', '100', '--eval-samples', '8', '--diverge-factor', '3'],
      ...['--diverge-checks', '2', '--json', json],
    ],
    { out: (t) => void (out += t), err: (t) => void (err += t) },
  );
  try {
    expect(code).toBe(1);
    expect(err).toMatch(/train: stopped early \((DIVERGED|NAN_LOSS)\): /);
    const saved = JSON.parse(readFileSync(json, 'utf8'));
    expect(['DIVERGED', 'NAN_LOSS']).toContain(saved.error.code);
    expect(saved.history.length).toBeGreaterThan(0);
    expect(saved.history.at(-1).step).toBeLessThan(6);
    expect(out).toMatch(/resnet-mini dense/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 300_000);

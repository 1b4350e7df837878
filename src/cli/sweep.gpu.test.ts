// A 2 x 2 x 2 sweep (Sparse Wide at two sparsities under RigL and static, plus dense) over two
// seeds, end to end on Node's WebGPU through the CLI: ten tiny gpt-tiny runs, the JSON the issue
// specifies, and statistics that agree with the runs.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mean, sampleStd } from '../train/sweep-stats';
import { captureIo } from '../testing/cli-capture';
import { main, type SweepJson } from './sweep';

describe('npm run sweep on WebGPU', () => {
  it('runs every cell per seed, writes cells and runs, aggregates them', async () => {
    const json = join(await mkdtemp(join(tmpdir(), 'sweep-')), 'sweep.json');
    const { out, err, io } = captureIo();
    const code = await main(
      [
        ...['--model', 'gpt-tiny', '--transforms', 'dense,wide', '--sparsities', '0.5,0.75'],
        ...['--methods', 'rigl,static', '--seeds', '2', '--steps', '3', '--batch', '2'],
        ...['--eval-every', '3', '--eval-samples', '4', '--update-interval', '1', '--json', json],
      ],
      io,
    );
    expect(code, err.join('')).toBe(0);
    const result = JSON.parse(await readFile(json, 'utf8')) as SweepJson;
    expect(result.metric).toBe('bits-per-char');
    expect(result.runs.map((r) => r.id)).toEqual(
      [1, 2].flatMap((seed) => [
        `dense/0/-/seed${seed}`,
        `sparse-wide/0.5/rigl/seed${seed}`,
        `sparse-wide/0.5/static/seed${seed}`,
        `sparse-wide/0.75/rigl/seed${seed}`,
        `sparse-wide/0.75/static/seed${seed}`,
      ]),
    );
    expect(result.cells).toHaveLength(5);
    for (const cell of result.cells) {
      const runs = result.runs.filter(
        (r) =>
          r.cell.transform === cell.transform &&
          r.cell.sparsity === cell.sparsity &&
          r.cell.method === cell.method,
      );
      const metrics = runs.map((r) => r.metric);
      expect(Object.keys(cell)).toEqual(
        expect.arrayContaining(['transform', 'sparsity', 'method', 'seeds', 'mean', 'std', 'n']),
      );
      expect(cell).toMatchObject({ n: 2, failed: 0, seeds: [1, 2] });
      // Untrained on 96 characters: log2(96) = 6.6 bits/char; three steps move it a little.
      for (const m of metrics) expect(m).toBeGreaterThan(3);
      for (const m of metrics) expect(m).toBeLessThan(8);
      expect(cell.mean).toBeCloseTo(mean(metrics)!, 12);
      expect(cell.std).toBeCloseTo(sampleStd(metrics)!, 12);
      expect(cell.trainingFlops).toBeGreaterThan(0);
      expect(cell.wallSeconds).toBeGreaterThan(0);
      expect(runs.every((r) => (r.history?.length ?? 0) > 0)).toBe(true);
      if (cell.transform !== 'dense') {
        expect(['better', 'worse', 'within-noise']).toContain(cell.verdict.kind);
        // Masked dense kernels execute the widened layers in full.
        expect(cell.executedFlops!).toBeGreaterThan(cell.trainingFlops! * 1.2);
      }
    }
    const [dense, rigl50, static50] = result.cells;
    expect(dense).toMatchObject({ transform: 'dense', sparsity: 0, method: null });
    expect(dense.verdict.kind).toBe('baseline');
    // RigL's dense-gradient update steps cost extra training FLOPs (SIFT.md: 2 x sparse + dense).
    expect(rigl50.trainingFlops!).toBeGreaterThan(static50.trainingFlops!);
    expect(out.join('')).toMatch(/sparse-wide\s+0\.75\s+static/);
  }, 1_200_000);
});

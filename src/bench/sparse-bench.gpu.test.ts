// The sparse benchmark runs end to end on tiny shapes and returns well-formed numbers, and the
// measured kernel profile follows its rows (timings themselves are not asserted).
import { describe, expect, it } from 'vitest';
import { chooseLinearKernel } from '../sparse/kernel-choice';
import { gpuBackend } from '../testing/backends';
import {
  benchSparseLinear,
  crossoverDensity,
  measureKernelProfile,
  type SparseBenchRow,
} from './sparse-bench';

const shape = { batch: 6, inFeatures: 10, outFeatures: 7 };

describe('sparse benchmark', () => {
  it('times both paths at every density and returns the rows', async () => {
    const { rt } = await gpuBackend();
    const lines: string[] = [];
    const before = rt.stats().liveBuffers;
    const result = await benchSparseLinear(rt, {
      shapes: [shape],
      densities: [1, 0.3],
      reps: 1,
      log: (l) => lines.push(l),
    });
    expect(result.rows.map((r) => r.density)).toEqual([1, 0.3]);
    expect(result.rows[1].activeCount).toBe(21);
    for (const r of result.rows) {
      for (const v of [r.maskedDense.stepMs, r.csr.stepMs, r.csrBuildMs, r.regrowMs, r.speedup]) {
        expect(Number.isFinite(v) && v > 0).toBe(true);
      }
      expect(r.csr.stepMs).toBeCloseTo(r.csr.forwardMs + r.csr.backwardMs, 9);
    }
    expect(lines.length).toBe(4); // title, header, one line per row
    expect(rt.stats().liveBuffers).toBe(before); // everything it made was released
  });

  it('measures a profile whose per-shape threshold drives the kernel choice', async () => {
    const { rt } = await gpuBackend();
    const profile = await measureKernelProfile(rt, [shape], [1, 0.5]);
    expect(profile.measured).toBe(true);
    const threshold = profile.byShape!['6x10x7'];
    expect([0, 0.5, 1]).toContain(threshold);
    // Which threshold wins depends on timing; whichever it is, it must drive the choice: at or
    // below it the compressed path, above it masked-dense.
    expect(chooseLinearKernel(shape, threshold, profile)).toBe('csr');
    if (threshold < 1) {
      expect(chooseLinearKernel(shape, threshold + 0.01, profile)).toBe('masked-dense');
    }
  });
});

describe('crossoverDensity', () => {
  const row = (density: number, speedup: number) => ({ density, speedup }) as SparseBenchRow;
  it('is the largest density below which the compressed path always won', () => {
    expect(crossoverDensity([row(1, 0.5), row(0.5, 0.9), row(0.25, 1.5), row(0.1, 4)])).toBe(0.25);
    expect(crossoverDensity([row(0.1, 4), row(1, 3)])).toBe(1);
    // A loss at a low density stops the threshold there, whatever happens above it.
    expect(crossoverDensity([row(0.05, 0.8), row(0.5, 2)])).toBe(0);
    expect(crossoverDensity([])).toBe(0);
  });
});

// Run-size guards on planned models: the parameter cap, the adapter's buffer limits and the
// active-weight floor, each named; the presets the page offers by default pass.
import { describe, expect, it } from 'vitest';
import { presetSpec } from '../models/presets';
import { toSparsity } from '../spec/sparsity';
import { plan } from '../sparse/transforms/plan';
import type { TransformName } from '../spec/run-config';
import { countModel } from './count';
import { defaultRunLimits, runSize, runSizeProblems } from './limits';

function sizeOf(model: string, transform: TransformName, s: number, batch = 32) {
  const p = plan(presetSpec(model), transform, toSparsity(s));
  return runSize(p.model, countModel(p.model), batch);
}

describe('run-size limits', () => {
  it('passes the shipped setups at the paper sparsities', () => {
    for (const t of [
      'dense',
      'sparse-wide',
      'sparse-parallel',
      'sparse-factorized',
      'sparse-doped',
    ] as const) {
      for (const s of t === 'dense' ? [0] : [0.5, 0.75, 0.9]) {
        expect(runSizeProblems(sizeOf('resnet-mini', t, s)), `${t} ${s}`).toEqual([]);
        expect(runSizeProblems(sizeOf('gpt-tiny', t, s, 16)), `gpt ${t} ${s}`).toEqual([]);
      }
    }
  });

  it('refuses Sparse Wide ResNet-18 at s = 0.99 by parameters and by buffer size', () => {
    const size = sizeOf('resnet18-cifar10', 'sparse-wide', 0.99);
    expect(size.paramsTotal).toBeGreaterThan(defaultRunLimits.maxParams);
    const problems = runSizeProblems(size);
    expect(problems[0]).toMatch(/M parameters, over the 20\.0M cap/);
    expect(problems.join(' ')).toMatch(
      /needs a [\d.]+ MiB buffer, over this GPU's 128\.0 MiB limit/,
    );
  });

  it("uses the adapter's limits and the configured cap", () => {
    const size = sizeOf('resnet-mini', 'dense', 0, 32);
    expect(runSizeProblems(size)).toEqual([]);
    const small = { maxBufferBytes: 2 ** 20, maxBindingBytes: 2 ** 30, maxParams: 1000 };
    const problems = runSizeProblems(size, small);
    expect(problems).toHaveLength(2);
    expect(problems[1]).toMatch(/maxBufferSize 1\.0 MiB/);
  });

  it('refuses a layer with fewer active weights than outputs; the floor is exact', () => {
    // The sparse baseline runs exactly at 1 - s (Doped would re-solve W's density upward).
    const tiny = sizeOf('resnet-mini', 'dense', 0.999);
    expect(runSizeProblems(tiny).join(' ')).toMatch(/layer1\.0\.conv1: 2 active for 16 outputs/);
    const layer = sizeOf('resnet-mini', 'dense', 0.99).sparseLayers[0];
    // 3x3 conv 16->16: 2304 weights at 1% = 23 >= 16 outputs.
    expect(layer).toMatchObject({ activeCount: 23, minActive: 16 });
  });
});

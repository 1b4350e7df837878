// Whole training steps on WebGPU against the float64 CPU reference (src/train/step-check.ts):
// every transform on resnet-mini on both sparse kernel paths, and a GPT, so each kernel a model
// runs (fused norms, grouped Parallel branches, the optimiser pass, the compressed products) is
// checked in place. `node dist-cli/main.js selfcheck` runs the same cases on any adapter.
import { describe, expect, it } from 'vitest';
import { nodeDataFiles } from '../data/builtin-node';
import { webGpuRunParts } from '../gpu/run-parts';
import { gpuBackend, narrowGridBackend } from '../testing/backends';
import { runStepCheck, STEP_CHECK_TOLERANCE, stepCheckCases } from './step-check';

// Every flat-grid kernel of these steps also runs wrapped into y (3 workgroups per dimension).
const narrowGridCases = new Set([
  'resnet-mini dense',
  'resnet-mini sparse-wide s=0.75 compressed',
  'resnet-mini sparse-parallel s=0.75 masked dense',
  'gpt-tiny sparse-parallel s=0.5 masked dense',
]);
const cases = stepCheckCases().flatMap((c) => [
  { ...c, narrowGrid: false },
  ...(narrowGridCases.has(c.label)
    ? [{ ...c, label: `${c.label}, flat grids wrapped`, narrowGrid: true }]
    : []),
]);

describe('training steps on WebGPU against the CPU reference', () => {
  it('names every narrow-grid case', () => {
    expect(cases.filter((c) => c.narrowGrid)).toHaveLength(narrowGridCases.size);
  });

  it.each(cases)(
    '$label',
    async (c) => {
      const { gpu } = await (c.narrowGrid ? narrowGridBackend() : gpuBackend());
      const result = await runStepCheck(c, webGpuRunParts(gpu), { read: nodeDataFiles() });
      const worst = result.deviations.slice(0, 3);
      console.log(
        `worst relative deviation ${worst[0].relative.toExponential(2)} (${worst[0].name})`,
      );
      for (const p of result.paths) expect(p).toMatch(c.compressed ? /: csr$/ : /: masked-dense$/);
      expect(result.deviations.length).toBeGreaterThan(4);
      // Most tensors moved (a step that updates nothing would pass any tolerance).
      const moved = result.deviations.filter((d) => d.scale > 0).length;
      expect(moved, JSON.stringify(worst)).toBeGreaterThan(result.deviations.length / 2);
      expect(worst[0].relative, JSON.stringify(worst)).toBeLessThan(STEP_CHECK_TOLERANCE);
    },
    300_000,
  );
});

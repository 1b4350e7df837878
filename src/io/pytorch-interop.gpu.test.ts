// The export loads in PyTorch (public/sift_load.py, Debian's python3-torch) and gives the same
// logits as our GPU forward pass, for a ResNet and a GPT under every transform family.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeDataFiles } from '../data/builtin-node';
import { webGpuRunParts } from '../gpu/run-parts';
import { defaultRunConfig, parseRunConfig, type TransformName } from '../spec/run-config';
import { noGrad } from '../tensor/tape';
import { scope } from '../tensor/scope';
import { tensor } from '../tensor/tensor';
import { gpuBackend } from '../testing/backends';
import { expectClose } from '../testing/expect-close';
import { loadData, prepareRun } from '../train/setup';
import { checkpointConfigOf, exportRun } from './checkpoint';

const PYTHON = '/usr/bin/python3';
const hasTorch = (() => {
  try {
    execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const cases: {
  model: string;
  dataset: 'builtin-images' | 'builtin-text';
  transform: TransformName;
}[] = [
  { model: 'resnet-mini', dataset: 'builtin-images', transform: 'dense' },
  { model: 'resnet-mini', dataset: 'builtin-images', transform: 'sparse-parallel' },
  { model: 'resnet-mini', dataset: 'builtin-images', transform: 'sparse-factorized' },
  { model: 'resnet-mini', dataset: 'builtin-images', transform: 'sparse-doped' },
  { model: 'gpt-tiny', dataset: 'builtin-text', transform: 'sparse-wide' },
];

describe('PyTorch interoperability', () => {
  it('python3-torch is installed (.ci/run installs it)', () => {
    expect(hasTorch).toBe(true);
  });

  for (const c of cases) {
    it(`${c.model} ${c.transform}: PyTorch logits equal ours within 1e-4`, async () => {
      const { gpu } = await gpuBackend();
      const config = parseRunConfig({
        ...defaultRunConfig,
        model: c.model,
        dataset: c.dataset,
        transform: c.transform,
        sparsity: c.transform === 'dense' ? 0 : 0.75,
        batchSize: 2,
        steps: 2,
        seed: 11,
        ...(c.dataset === 'builtin-text' ? { optimizer: 'adamw' as const, lr: 1e-3 } : {}),
      });
      const data = await loadData(config, { read: nodeDataFiles() });
      const run = prepareRun({
        ...webGpuRunParts(gpu),
        config,
        data,
        evalSamples: 2,
      });
      try {
        // Two real steps so BN running stats, masks and weights are not at their initial values.
        await run.session.run();
        const batch = run.data.evalBatches()[0];
        run.model.module.eval();
        const logits = await noGrad(() =>
          scope(() => run.model.forward(tensor(gpu, batch.inputs, batch.inputShape))),
        ).data();
        const { safetensors } = await exportRun(run, false);
        expect(checkpointConfigOf(safetensors).run.transform).toBe(c.transform);
        const dir = mkdtempSync(join(tmpdir(), 'sift-torch-'));
        writeFileSync(join(dir, 'model.safetensors'), safetensors);
        writeFileSync(
          join(dir, 'input.f32'),
          Buffer.from(batch.inputs.buffer, batch.inputs.byteOffset, batch.inputs.byteLength),
        );
        execFileSync(
          PYTHON,
          [
            'public/sift_load.py',
            join(dir, 'model.safetensors'),
            '--input',
            join(dir, 'input.f32'),
            '--shape',
            batch.inputShape.join(','),
            '--output',
            join(dir, 'logits.f32'),
          ],
          { stdio: ['ignore', 'ignore', 'pipe'] },
        );
        expect(existsSync(join(dir, 'logits.f32'))).toBe(true);
        const raw = readFileSync(join(dir, 'logits.f32'));
        const theirs = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
        expectClose(theirs, logits, {
          atol: 1e-4,
          rtol: 1e-4,
          label: `${c.model} ${c.transform} logits`,
        });
      } finally {
        run.dispose();
      }
    });
  }
});

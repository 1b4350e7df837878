// Whole training steps (forward, backward, optimiser, mask work) per model, transform and
// sparsity, with what each step costs the runtime: dispatches, submits, readbacks, buffer
// creations (the last must be 0) and buffer copies, after warm-up; optionally the same model's
// PyTorch eager step (scripts/torch_step_bench.py, built by public/sift_load.py from an export).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../common/rng';
import type { ReadDataFile } from '../data/builtin';
import type { WebGpuBackend } from '../gpu/backend';
import { webGpuRunParts } from '../gpu/run-parts';
import { exportRun } from '../io/checkpoint';
import {
  defaultRunConfig,
  parseRunConfig,
  type RunConfig,
  type TransformName,
} from '../spec/run-config';
import { loadData, prepareRun, type LoadedData } from '../train/setup';

export interface StepBenchCase {
  model: string;
  transform: TransformName;
  sparsity: number;
  batch: number;
}

/** One row of `npm run bench -- --steps-only --json f` (per step, after warm-up). */
export interface StepBenchResult extends StepBenchCase {
  msPerStep: number;
  /** Step time over the dense step time of the same model and batch (NaN if dense did not run). */
  vsDense: number;
  dispatches: number;
  submits: number;
  readbacks: number;
  newBuffers: number;
  /** Buffer-to-buffer copies (no kernel; consecutive ones share one compute-pass break). */
  copies: number;
  /** PyTorch eager fp32 step time of the same model (same weights, masks, batch); null: not run. */
  torchMsPerStep: number | null;
  /** Where torch ran ('cuda: <name>', 'cpu'), or why it did not. */
  torchDevice: string | null;
  /** Theoretical and executed training GFLOPs of one step. */
  gflops: number;
  executedGflops: number;
  paths: string;
}

export const STEP_BENCH_TRANSFORMS: TransformName[] = [
  'dense',
  'sparse-wide',
  'sparse-parallel',
  'sparse-factorized',
  'sparse-doped',
];

/** The models of issue #10 at their batch sizes (text models at 8 sequences of their context). */
export const STEP_BENCH_MODELS: readonly { model: string; batch: number }[] = [
  { model: 'resnet-mini', batch: 16 },
  { model: 'resnet-mini', batch: 128 },
  { model: 'resnet18-cifar10', batch: 128 },
  { model: 'gpt-tiny', batch: 8 },
  { model: 'gpt-mini', batch: 8 },
];

export interface StepBenchSelection {
  /** Model names, or `model@batch` for one batch size of a model. Default: all. */
  models?: readonly string[];
  transforms?: readonly TransformName[];
  sparsities?: readonly number[];
}

/** The rows to run: every selected model x transform x sparsity (dense once, at s = 0). */
export function stepBenchCases(selection: StepBenchSelection = {}): StepBenchCase[] {
  const picked = STEP_BENCH_MODELS.filter(
    (m) =>
      !selection.models ||
      selection.models.includes(m.model) ||
      selection.models.includes(`${m.model}@${m.batch}`),
  );
  const transforms = selection.transforms ?? STEP_BENCH_TRANSFORMS;
  const sparsities = selection.sparsities ?? [0.5, 0.75, 0.9];
  const cases: StepBenchCase[] = [];
  for (const { model, batch } of picked) {
    for (const transform of transforms) {
      for (const sparsity of transform === 'dense' ? [0] : sparsities) {
        cases.push({ model, transform, sparsity, batch });
      }
    }
  }
  return cases;
}

/** CIFAR-10-shaped batches of random pixels: the step time does not depend on the content. */
function syntheticCifar(records: number, seed: number): { name: string; bytes: ArrayBuffer }[] {
  const rng = new Rng(seed);
  const batch = (count: number) => {
    const bytes = new Uint8Array(count * 3073);
    for (let r = 0; r < count; r++) {
      bytes[r * 3073] = rng.int(10);
      for (let i = 1; i < 3073; i++) bytes[r * 3073 + i] = rng.int(256);
    }
    return bytes.buffer;
  };
  return [
    { name: 'data_batch_1.bin', bytes: batch(records) },
    { name: 'test_batch.bin', bytes: batch(16) },
  ];
}

export interface TorchOptions {
  /** The Python with torch: /usr/bin/python3 here, `python3` on the GPU machines. */
  python: string;
  /** public/sift_load.py and scripts/torch_step_bench.py live under this root. */
  root: string;
}

/** PyTorch eager step time of the run's model, through an export and sift_load.py. */
async function torchStepMs(
  run: ReturnType<typeof prepareRun>,
  config: RunConfig,
  torch: TorchOptions,
  steps: number,
): Promise<{ ms: number | null; device: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'sift-torch-'));
  try {
    const file = join(dir, 'model.safetensors');
    writeFileSync(file, (await exportRun(run, false)).safetensors);
    const out = execFileSync(
      torch.python,
      [
        join(torch.root, 'scripts', 'torch_step_bench.py'),
        file,
        '--batch',
        String(config.batchSize),
        '--steps',
        String(steps),
        '--optimizer',
        config.optimizer,
      ],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, PYTHONPATH: join(torch.root, 'public') },
      },
    );
    const parsed = JSON.parse(out.trim().split('\n').pop()!) as { ms: number; device: string };
    return { ms: parsed.ms, device: parsed.device };
  } catch (e) {
    const message = (e as { stderr?: string }).stderr?.trim().split('\n').pop() ?? String(e);
    return { ms: null, device: `not run: ${message}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchTrainingSteps(
  gpu: WebGpuBackend,
  read: ReadDataFile,
  {
    cases = stepBenchCases(),
    warmup = 2,
    steps = 3,
    torch = null as TorchOptions | null,
    log = (_: string) => {},
  } = {},
): Promise<StepBenchResult[]> {
  const rt = gpu.rt;
  const dataCache = new Map<string, LoadedData>();
  const results: StepBenchResult[] = [];
  const denseMs = new Map<string, number>();
  for (const c of cases) {
    const isText = c.model.startsWith('gpt');
    const isCifar = c.model.startsWith('resnet18');
    const config: RunConfig = parseRunConfig({
      ...defaultRunConfig,
      model: c.model,
      dataset: isText ? 'builtin-text' : isCifar ? 'cifar10' : 'builtin-images',
      transform: c.transform,
      sparsity: c.sparsity,
      method: 'rigl',
      batchSize: c.batch,
      steps: 1000,
      ...(isText ? { optimizer: 'adamw' as const, lr: 1e-3 } : {}),
    });
    let data = dataCache.get(config.dataset);
    if (!data) {
      data = await loadData(config, {
        read,
        userFiles: isCifar ? syntheticCifar(Math.max(256, c.batch * 2), 1) : undefined,
      });
      dataCache.set(config.dataset, data);
    }
    const run = prepareRun({
      ...webGpuRunParts(gpu),
      config,
      data,
      evalSamples: c.batch,
    });
    try {
      for (let i = 0; i < warmup; i++) run.session.trainOneStep();
      await rt.sync();
      const before = rt.stats();
      const t0 = performance.now();
      for (let i = 0; i < steps; i++) run.session.trainOneStep();
      await rt.sync();
      const ms = (performance.now() - t0) / steps;
      const after = rt.stats();
      const key = `${c.model}@${c.batch}`;
      if (c.transform === 'dense') denseMs.set(key, ms);
      const paths = run.sparsity?.paths() ?? [];
      const csr = paths.filter((p) => p.path === 'csr').length;
      const perStep = (k: 'dispatches' | 'submits' | 'readbacks' | 'createdBuffers' | 'copies') =>
        (after[k] - before[k]) / steps;
      const reference = torch
        ? await torchStepMs(run, config, torch, Math.max(steps, 5))
        : { ms: null, device: null };
      const result: StepBenchResult = {
        ...c,
        msPerStep: ms,
        vsDense: ms / (denseMs.get(key) ?? NaN),
        dispatches: perStep('dispatches'),
        submits: perStep('submits'),
        readbacks: perStep('readbacks'),
        newBuffers: perStep('createdBuffers'),
        copies: perStep('copies'),
        torchMsPerStep: reference.ms,
        torchDevice: reference.device,
        gflops: run.cost.regular.theoretical / 1e9,
        executedGflops: run.cost.regular.executed / 1e9,
        paths: paths.length === 0 ? 'dense' : `${csr}/${paths.length} csr`,
      };
      log(
        `${c.model}@${c.batch} ${c.transform} s=${c.sparsity}: ${ms.toFixed(0)} ms/step, ` +
          `${result.dispatches} dispatches` +
          (reference.ms === null ? '' : `, torch ${reference.ms.toFixed(1)} ms`),
      );
      results.push(result);
    } finally {
      run.dispose();
    }
  }
  return results;
}

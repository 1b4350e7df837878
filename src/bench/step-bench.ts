// Whole training steps (forward, backward, optimiser, mask work) of the small ResNet under every
// transform and of the tiny GPT, with what each step costs the runtime: submits, dispatches,
// readbacks and buffer creations after warm-up (the last must be 0).
import type { ReadDataFile } from '../data/builtin';
import type { WebGpuBackend } from '../gpu/backend';
import { webGpuRunParts } from '../gpu/run-parts';
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
  batchSize: number;
}

export interface StepBenchResult extends StepBenchCase {
  msPerStep: number;
  /** Step time over the dense step time of the same model and batch. */
  vsDense: number;
  submitsPerStep: number;
  dispatchesPerStep: number;
  readbacksPerStep: number;
  buffersCreatedPerStep: number;
  /** Theoretical and executed training GFLOPs of one step. */
  gflops: number;
  executedGflops: number;
  paths: string;
}

const TRANSFORMS: TransformName[] = [
  'sparse-wide',
  'sparse-parallel',
  'sparse-factorized',
  'sparse-doped',
];

export function stepBenchCases(sparsities = [0.5, 0.75, 0.9], batchSize = 16): StepBenchCase[] {
  const cases: StepBenchCase[] = [
    { model: 'resnet-mini', transform: 'dense', sparsity: 0, batchSize },
  ];
  for (const s of sparsities)
    for (const t of TRANSFORMS)
      cases.push({ model: 'resnet-mini', transform: t, sparsity: s, batchSize });
  cases.push({ model: 'gpt-tiny', transform: 'dense', sparsity: 0, batchSize: 8 });
  cases.push({ model: 'gpt-tiny', transform: 'sparse-wide', sparsity: 0.75, batchSize: 8 });
  return cases;
}

export async function benchTrainingSteps(
  gpu: WebGpuBackend,
  read: ReadDataFile,
  { cases = stepBenchCases(), warmup = 2, steps = 3, log = (_: string) => {} } = {},
): Promise<StepBenchResult[]> {
  const rt = gpu.rt;
  const dataCache = new Map<string, LoadedData>();
  const results: StepBenchResult[] = [];
  const denseMs = new Map<string, number>();
  for (const c of cases) {
    const isText = c.model.startsWith('gpt');
    const config: RunConfig = parseRunConfig({
      ...defaultRunConfig,
      model: c.model,
      dataset: isText ? 'builtin-text' : 'builtin-images',
      transform: c.transform,
      sparsity: c.sparsity,
      method: 'rigl',
      batchSize: c.batchSize,
      steps: 1000,
      ...(isText ? { optimizer: 'adamw' as const, lr: 1e-3 } : {}),
    });
    let data = dataCache.get(config.dataset);
    if (!data) {
      data = await loadData(config, { read });
      dataCache.set(config.dataset, data);
    }
    const run = prepareRun({
      ...webGpuRunParts(gpu),
      config,
      data,
      evalSamples: c.batchSize,
    });
    for (let i = 0; i < warmup; i++) run.session.trainOneStep();
    await rt.sync();
    const before = rt.stats();
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) run.session.trainOneStep();
    await rt.sync();
    const ms = (performance.now() - t0) / steps;
    const after = rt.stats();
    const key = `${c.model}/${c.batchSize}`;
    if (c.transform === 'dense') denseMs.set(key, ms);
    const paths = run.sparsity?.paths() ?? [];
    const csr = paths.filter((p) => p.path === 'csr').length;
    const result: StepBenchResult = {
      ...c,
      msPerStep: ms,
      vsDense: ms / (denseMs.get(key) ?? ms),
      submitsPerStep: (after.submits - before.submits) / steps,
      dispatchesPerStep: (after.dispatches - before.dispatches) / steps,
      readbacksPerStep: (after.readbacks - before.readbacks) / steps,
      buffersCreatedPerStep: (after.createdBuffers - before.createdBuffers) / steps,
      gflops: run.cost.regular.theoretical / 1e9,
      executedGflops: run.cost.regular.executed / 1e9,
      paths: paths.length === 0 ? 'dense' : `${csr}/${paths.length} csr`,
    };
    log(`${c.model} ${c.transform} s=${c.sparsity}: ${ms.toFixed(0)} ms/step`);
    results.push(result);
    run.dispose();
  }
  return results;
}

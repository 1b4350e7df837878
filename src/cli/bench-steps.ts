// The whole-training-step half of `npm run bench` (--steps-only and the step flags): which rows
// run, where PyTorch is for the torchMsPerStep column, and the printed table.
import { execFileSync } from 'node:child_process';
import { fixed, formatTable } from '../bench/report';
import {
  benchTrainingSteps,
  STEP_BENCH_MODELS,
  STEP_BENCH_TRANSFORMS,
  stepBenchCases,
  type StepBenchCase,
  type StepBenchResult,
  type TorchOptions,
} from '../bench/step-bench';
import { nodeDataFiles } from '../data/builtin-node';
import type { WebGpuBackend } from '../gpu/backend';
import type { TransformName } from '../spec/run-config';
import { UsageError, type CliIo } from './cli-io';

export interface StepFlags {
  models?: string;
  transforms?: string;
  sparsities?: string;
  'step-count'?: string;
  torch?: string;
  'no-torch'?: boolean;
}

export interface StepBenchOptions {
  cases: StepBenchCase[];
  steps: number;
  /** The Python to time PyTorch with, or null to skip (resolved when the bench runs). */
  python: string | null | 'auto';
}

const list = (s: string | undefined) =>
  s === undefined
    ? undefined
    : s
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v.length > 0);

/** Parse and check the step flags (UsageError on a bad one, before anything runs). */
export function stepBenchOptions(flags: StepFlags, defaultSparsities?: number[]): StepBenchOptions {
  const models = list(flags.models);
  const known = STEP_BENCH_MODELS.flatMap((m) => [m.model, `${m.model}@${m.batch}`]);
  const unknownModel = models?.find((m) => !known.includes(m));
  if (unknownModel) {
    throw new UsageError(
      `--models: '${unknownModel}' is not one of ${[...new Set(known)].join(', ')}`,
    );
  }
  const transforms = list(flags.transforms) as TransformName[] | undefined;
  const unknownTransform = transforms?.find((t) => !STEP_BENCH_TRANSFORMS.includes(t));
  if (unknownTransform) {
    throw new UsageError(
      `--transforms: '${unknownTransform}' is not one of ${STEP_BENCH_TRANSFORMS.join(', ')}`,
    );
  }
  const sparsities = list(flags.sparsities)?.map(Number) ?? defaultSparsities;
  if (sparsities?.some((s) => !(s > 0 && s < 1))) {
    throw new UsageError(`--sparsities: need numbers in (0, 1), got '${flags.sparsities}'`);
  }
  const steps = flags['step-count'] === undefined ? 3 : Number(flags['step-count']);
  if (!Number.isInteger(steps) || steps < 1) {
    throw new UsageError(`--step-count: need a whole number >= 1, got '${flags['step-count']}'`);
  }
  const python = flags['no-torch'] ? null : (flags.torch ?? 'auto');
  return { cases: stepBenchCases({ models, transforms, sparsities }), steps, python };
}

function importsTorch(python: string): boolean {
  try {
    execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Debian's /usr/bin/python3 carries torch here; on the GPU machines it is the plain python3. */
function findTorchPython(choice: StepBenchOptions['python']): string | null {
  if (choice === null) return null;
  if (choice !== 'auto') return importsTorch(choice) ? choice : null;
  return ['/usr/bin/python3', 'python3'].find(importsTorch) ?? null;
}

export async function runStepBench(
  gpu: WebGpuBackend,
  options: StepBenchOptions,
  io: CliIo,
): Promise<StepBenchResult[]> {
  const python = findTorchPython(options.python);
  const torch: TorchOptions | null = python ? { python, root: process.cwd() } : null;
  io.out(
    `  training steps (forward + backward + optimiser + mask work), ${options.cases.length} rows; ` +
      `PyTorch: ${python ?? 'not run (no Python with torch)'}\n`,
  );
  const rows = await benchTrainingSteps(gpu, nodeDataFiles(), {
    cases: options.cases,
    steps: options.steps,
    torch,
    log: (line) => io.out(`    ${line}\n`),
  });
  io.out(
    formatTable(
      [
        'model',
        'batch',
        'transform',
        's',
        'ms/step',
        'vs dense',
        'torch ms',
        'dispatches',
        'copies',
        'submits',
        'readbacks',
        'new buffers',
        'GFLOP',
        'executed',
        'sparse path',
      ],
      rows.map((r) => [
        r.model,
        String(r.batch),
        r.transform,
        String(r.sparsity),
        fixed(r.msPerStep, 0),
        Number.isNaN(r.vsDense) ? '-' : `${fixed(r.vsDense, 2)}x`,
        r.torchMsPerStep === null ? '-' : fixed(r.torchMsPerStep, 1),
        fixed(r.dispatches, 0),
        fixed(r.copies, 0),
        fixed(r.submits, 1),
        fixed(r.readbacks, 1),
        fixed(r.newBuffers, 1),
        fixed(r.gflops, 2),
        fixed(r.executedGflops, 2),
        r.paths,
      ]),
    ).join('\n') + '\n',
  );
  return rows;
}

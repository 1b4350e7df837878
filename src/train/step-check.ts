// Whole training steps on a backend under test against the float64 CPU reference, from the same
// seed and batches: every kernel a model runs (fused or not, on whichever path the kernel profile
// picks) checked in context, not one op at a time. What is compared is each tensor's change over
// the steps (parameter updates, running statistics), relative to the reference change's size, so
// a wrong gradient shows even where the update is small against the initial weights.
import { SiftError } from '../common/errors';
import { CpuBackend } from '../reference/backend';
import { CpuSparseBackend } from '../reference/sparse';
import type { KernelProfile } from '../sparse/kernel-choice';
import {
  defaultRunConfig,
  parseRunConfig,
  transformNames,
  type RunConfig,
} from '../spec/run-config';
import type { Backend } from '../tensor/backend';
import type { SparseBackend } from '../tensor/sparse-backend';
import { loadData, prepareRun, type DataFiles, type LoadedData, type PreparedRun } from './setup';

/**
 * The largest deviation a correct step shows against the reference: float32 rounding came to
 * 1e-4 at most on SwiftShader (resnet-mini at batch 8, gpt-tiny at batch 4); a wrong index or a
 * missed term moves a whole gradient, i.e. O(1).
 */
export const STEP_CHECK_TOLERANCE = 2e-3;

/** One model, transform and sparse kernel path to check. */
export interface StepCheckCase {
  label: string;
  config: RunConfig;
  /** Run the sparse weights on the compressed path (else masked dense). */
  compressed: boolean;
}

/**
 * Every transform on resnet-mini on both sparse paths, and Sparse Parallel on gpt-tiny. One SGD
 * step each: its update is the gradient itself (later steps start from weights that already
 * differ, where a ReLU or top-k that flips on a rounding difference is no kernel error; AdamW's
 * first update is a sign, flipped by rounding wherever a gradient is near 0). Batch statistics
 * over few samples amplify rounding past any fixed bound (Sparse Factorized's narrow normed
 * bottleneck deviated by 4% at batch 3), hence batch 8.
 */
export function stepCheckCases(): StepCheckCase[] {
  const make = (overrides: Partial<RunConfig>): RunConfig =>
    parseRunConfig({
      ...defaultRunConfig,
      model: 'resnet-mini',
      optimizer: 'sgd',
      method: 'static',
      batchSize: 8,
      steps: 10,
      ...overrides,
    });
  return [
    {
      label: 'resnet-mini dense',
      config: make({ transform: 'dense', sparsity: 0 }),
      compressed: false,
    },
    ...transformNames
      .filter((t) => t !== 'dense')
      .flatMap((transform) =>
        [false, true].map((compressed) => ({
          label: `resnet-mini ${transform} s=0.75 ${compressed ? 'compressed' : 'masked dense'}`,
          config: make({ transform, sparsity: 0.75 }),
          compressed,
        })),
      ),
    {
      label: 'gpt-tiny sparse-parallel s=0.5 masked dense',
      config: make({
        model: 'gpt-tiny',
        dataset: 'builtin-text',
        transform: 'sparse-parallel',
        sparsity: 0.5,
        batchSize: 4,
      }),
      compressed: false,
    },
  ];
}

/** A case checked on `subject`: one training step against the CPU reference. */
export async function runStepCheck(
  c: StepCheckCase,
  subject: StepCheckSide,
  files: DataFiles,
): Promise<StepCheckResult> {
  return checkTrainingSteps({
    config: c.config,
    data: await loadData(c.config, files),
    subject,
    kernelProfile: {
      source: `step check: ${c.compressed ? 'compressed' : 'masked-dense'} path forced`,
      measured: true,
      csrMaxDensity: c.compressed ? 1 : 0,
    },
    steps: 1,
  });
}

/** What prepareRun needs from one side of the comparison. */
export interface StepCheckSide {
  backend: Backend;
  sparse: SparseBackend;
  adapterName?: string;
  sync(): Promise<void>;
}

export interface StepCheckPlan {
  config: RunConfig;
  data: LoadedData;
  subject: StepCheckSide;
  /** The kernel path choice, the same on both sides (the CPU reference runs either path). */
  kernelProfile: KernelProfile;
  steps: number;
}

export interface TensorDeviation {
  name: string;
  /** max |subject change - reference change| / max |reference change| (0 when both are 0). */
  relative: number;
  /** max |reference change|: how much the steps moved this tensor. */
  scale: number;
}

export interface StepCheckResult {
  /** Every parameter and buffer, worst first. */
  deviations: TensorDeviation[];
  /** Whether the sparse weights ran on the compressed path (as the profile chose). */
  paths: string[];
}

export const cpuReferenceSide = (): StepCheckSide => ({
  backend: new CpuBackend(),
  sparse: new CpuSparseBackend(),
  sync: () => Promise.resolve(),
});

async function snapshot(run: PreparedRun): Promise<Map<string, Float32Array | Float64Array>> {
  const out = new Map<string, Float32Array | Float64Array>();
  for (const [name, t] of run.model.module.stateDict()) out.set(name, await t.data());
  return out;
}

/** `steps` training steps on both sides; the change of every tensor compared. */
export async function checkTrainingSteps(plan: StepCheckPlan): Promise<StepCheckResult> {
  const sides = [plan.subject, cpuReferenceSide()];
  const changes: Map<string, Float64Array>[] = [];
  let paths: string[] = [];
  for (const side of sides) {
    const run = prepareRun({
      ...side,
      config: plan.config,
      data: plan.data,
      kernelProfile: plan.kernelProfile,
      evalSamples: plan.config.batchSize,
    });
    try {
      const before = await snapshot(run);
      for (let i = 0; i < plan.steps; i++) run.session.trainOneStep();
      await side.sync();
      const after = await snapshot(run);
      const change = new Map<string, Float64Array>();
      for (const [name, a] of after) {
        const b = before.get(name)!;
        change.set(
          name,
          Float64Array.from(a, (v, i) => v - b[i]),
        );
      }
      changes.push(change);
      if (side === plan.subject)
        paths = run.sparsity?.paths().map((p) => `${p.name}: ${p.path}`) ?? [];
    } finally {
      run.dispose();
    }
  }
  const [subject, reference] = changes;
  const deviations: TensorDeviation[] = [];
  for (const [name, want] of reference) {
    const got = subject.get(name);
    if (!got || got.length !== want.length) {
      throw new SiftError(
        'SHAPE_MISMATCH',
        `step check: ${name} differs in shape between backends`,
      );
    }
    let scale = 0;
    let worst = 0;
    for (let i = 0; i < want.length; i++) {
      scale = Math.max(scale, Math.abs(want[i]));
      const d = Math.abs(got[i] - want[i]);
      // NaN never compares greater; make it the worst deviation there is.
      worst = Number.isNaN(d) ? Infinity : Math.max(worst, d);
    }
    deviations.push({ name, scale, relative: worst === 0 ? 0 : worst / (scale || 1e-30) });
  }
  deviations.sort((a, b) => b.relative - a.relative);
  return { deviations, paths };
}

// RunConfig: everything that defines a training run. The UI builds it, the URL encodes it, the
// worker and the CLI run it, and the export writes it as config.json. One type, one validator.
import { SiftError } from '../common/errors';

export const transformNames = [
  'dense',
  'sparse-wide',
  'sparse-parallel',
  'sparse-factorized',
  'sparse-doped',
] as const;
export type TransformName = (typeof transformNames)[number];

export const dstMethods = ['static', 'set', 'rigl'] as const;
export type DstMethod = (typeof dstMethods)[number];

export const datasetNames = [
  'builtin-images',
  'builtin-text',
  'cifar10',
  'cifar100',
  'text-file',
] as const;
export type DatasetName = (typeof datasetNames)[number];

export const optimizerNames = ['sgd', 'adamw'] as const;
export type OptimizerName = (typeof optimizerNames)[number];

export const scheduleNames = ['constant', 'multistep', 'cosine'] as const;
export type ScheduleName = (typeof scheduleNames)[number];

export const maskInits = ['uniform', 'erk'] as const;
export type MaskInit = (typeof maskInits)[number];

export interface RunConfig {
  /** A preset name from src/models/presets.ts. */
  model: string;
  dataset: DatasetName;
  transform: TransformName;
  /** Fraction of zeros in every sparsified layer, 0 <= sparsity < 1. */
  sparsity: number;
  method: DstMethod;
  maskInit: MaskInit;
  /** RigL/SET: steps between mask updates (dT). */
  updateInterval: number;
  /** RigL/SET: initial drop fraction a0. */
  dropFraction: number;
  /** RigL/SET: stop updating after this fraction of the steps. */
  endFraction: number;
  optimizer: OptimizerName;
  lr: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  schedule: ScheduleName;
  warmupSteps: number;
  /** Global-norm gradient clip; 0 disables. */
  gradClip: number;
  batchSize: number;
  steps: number;
  /** Evaluate on held-out data every this many steps (and at the end). */
  evalEvery: number;
  /** Held-out samples per evaluation (images, or text windows); fewer evaluate faster. */
  evalSamples: number;
  /** Read metrics back from the GPU every this many steps. */
  metricsEvery: number;
  seed: number;
}

export const defaultRunConfig: RunConfig = {
  model: 'resnet-mini',
  dataset: 'builtin-images',
  // The first click trains the paper's headline transform at a sparsity where it shines.
  transform: 'sparse-wide',
  sparsity: 0.75,
  method: 'rigl',
  maskInit: 'uniform',
  updateInterval: 100,
  dropFraction: 0.3,
  endFraction: 0.75,
  optimizer: 'sgd',
  lr: 0.05,
  momentum: 0.9,
  nesterov: true,
  weightDecay: 5e-4,
  schedule: 'cosine',
  warmupSteps: 0,
  gradClip: 0,
  batchSize: 32,
  steps: 300,
  evalEvery: 50,
  evalSamples: 500,
  metricsEvery: 10,
  seed: 1,
};

type Problems = string[];

function check(problems: Problems, ok: boolean, message: string): void {
  if (!ok) problems.push(message);
}

/** Every problem with `c`, as sentences for the UI and CLI; empty when valid. */
export function runConfigProblems(c: RunConfig): string[] {
  const p: Problems = [];
  check(
    p,
    (transformNames as readonly string[]).includes(c.transform),
    `unknown transform '${c.transform}'`,
  );
  check(p, (dstMethods as readonly string[]).includes(c.method), `unknown method '${c.method}'`);
  check(
    p,
    (datasetNames as readonly string[]).includes(c.dataset),
    `unknown dataset '${c.dataset}'`,
  );
  check(
    p,
    (optimizerNames as readonly string[]).includes(c.optimizer),
    `unknown optimizer '${c.optimizer}'`,
  );
  check(
    p,
    (scheduleNames as readonly string[]).includes(c.schedule),
    `unknown schedule '${c.schedule}'`,
  );
  check(
    p,
    (maskInits as readonly string[]).includes(c.maskInit),
    `unknown mask init '${c.maskInit}'`,
  );
  check(p, c.sparsity >= 0 && c.sparsity < 1, `sparsity must be in [0, 1), got ${c.sparsity}`);
  check(
    p,
    Number.isInteger(c.updateInterval) && c.updateInterval >= 1,
    `update interval must be a whole number >= 1, got ${c.updateInterval}`,
  );
  check(
    p,
    c.dropFraction >= 0 && c.dropFraction <= 1,
    `drop fraction must be in [0, 1], got ${c.dropFraction}`,
  );
  check(
    p,
    c.endFraction > 0 && c.endFraction <= 1,
    `end fraction must be in (0, 1], got ${c.endFraction}`,
  );
  check(p, c.lr > 0 && c.lr < 10, `learning rate must be in (0, 10), got ${c.lr}`);
  check(p, c.momentum >= 0 && c.momentum < 1, `momentum must be in [0, 1), got ${c.momentum}`);
  check(
    p,
    c.weightDecay >= 0 && c.weightDecay < 1,
    `weight decay must be in [0, 1), got ${c.weightDecay}`,
  );
  check(
    p,
    Number.isInteger(c.warmupSteps) && c.warmupSteps >= 0,
    `warm-up steps must be a whole number >= 0`,
  );
  check(p, c.gradClip >= 0, `gradient clip must be >= 0`);
  check(
    p,
    Number.isInteger(c.batchSize) && c.batchSize >= 1 && c.batchSize <= 4096,
    `batch size must be a whole number in [1, 4096], got ${c.batchSize}`,
  );
  check(
    p,
    Number.isInteger(c.steps) && c.steps >= 1 && c.steps <= 1_000_000,
    `steps must be a whole number in [1, 1000000], got ${c.steps}`,
  );
  check(
    p,
    Number.isInteger(c.evalEvery) && c.evalEvery >= 1,
    `eval interval must be a whole number >= 1`,
  );
  check(
    p,
    Number.isInteger(c.evalSamples) && c.evalSamples >= 1 && c.evalSamples <= 100_000,
    `evaluation samples must be a whole number in [1, 100000], got ${c.evalSamples}`,
  );
  check(
    p,
    Number.isInteger(c.metricsEvery) && c.metricsEvery >= 1,
    `metrics interval must be a whole number >= 1`,
  );
  check(
    p,
    Number.isInteger(c.seed) && c.seed >= 0 && c.seed < 2 ** 32,
    `seed must be a whole number in [0, 2^32)`,
  );
  return p.filter((m) => m.length > 0);
}

/** Fill defaults for missing keys and validate; throws CONFIG_INVALID listing every problem. */
export function parseRunConfig(input: Partial<RunConfig>): RunConfig {
  const config: RunConfig = { ...defaultRunConfig, ...input };
  const problems = runConfigProblems(config);
  if (problems.length > 0) {
    throw new SiftError('CONFIG_INVALID', `Invalid run settings: ${problems.join('; ')}.`);
  }
  return config;
}

// Sweep recipes: a model, a training recipe and the transforms x sparsities x methods x seeds
// that reproduce one of the paper's comparisons at a size this tool can train. The page's
// "Reproduce: text" / "Reproduce: CIFAR" buttons and `npm run sweep -- --recipe text|cifar` read
// them; any explicit setting overrides the recipe. Pure data.
import { SiftError } from '../common/errors';
import type { DstMethod, RunConfig, TransformName } from './run-config';

export interface SweepRecipe {
  name: RecipeName;
  label: string;
  description: string;
  config: Partial<RunConfig>;
  transforms: TransformName[];
  sparsities: number[];
  methods: DstMethod[];
  seeds: number;
}

export const RECIPE_NAMES = ['text', 'cifar'] as const;
export type RecipeName = (typeof RECIPE_NAMES)[number];

/**
 * Character-level GPT on the built-in State of the Union text (1.36 M characters, 10% held out).
 * gpt-mini (4 x 128, 0.8 M block parameters) sees 32 x 128 = 4096 characters a step, so 3000
 * steps are about 10 passes over the training text: small enough a model that it keeps improving
 * the whole way instead of memorising, large enough that width matters. About 23 GFLOPs a dense
 * step, so a few minutes on a laptop GPU for dense; masked-dense Sparse Wide at s = .75 executes
 * about 4x that. The paper's GPT recipe (SIFT.md): AdamW (0.9, 0.95), cosine to lr / 10, weight
 * decay 0.1, clip 1.0; lr 3e-3 instead of 6e-4 because the model is 200x smaller; RigL dT 100 and
 * end 0.75 from SIFT.md's transformer range. Sparse Wide and Parallel at .5 and .75: the paper's
 * GPT result is Sparse Wide at 50%.
 */
const text: SweepRecipe = {
  name: 'text',
  label: 'Reproduce: text',
  description: 'gpt-mini on the built-in text, 3000 steps, dense vs Sparse Wide/Parallel + RigL',
  config: {
    model: 'gpt-mini',
    dataset: 'builtin-text',
    optimizer: 'adamw',
    lr: 3e-3,
    weightDecay: 0.1,
    gradClip: 1,
    schedule: 'cosine',
    warmupSteps: 100,
    batchSize: 32,
    steps: 3000,
    evalEvery: 250,
    evalSamples: 256,
    metricsEvery: 25,
    updateInterval: 100,
    dropFraction: 0.3,
    endFraction: 0.75,
    maskInit: 'uniform',
    seed: 1,
  },
  transforms: ['dense', 'sparse-wide', 'sparse-parallel'],
  sparsities: [0.5, 0.75],
  methods: ['rigl'],
  seeds: 3,
};

/**
 * SIFT.md's CIFAR-100 ResNet-18 recipe scaled from 200 epochs to 10: SGD Nesterov momentum 0.9,
 * lr 0.1, weight decay 5e-4, batch 128, crop (pad 4) + flip (train/setup.ts applies them to
 * 3-channel images), with a cosine schedule in place of the step decay at 30/60/80% (a step
 * schedule over 10 epochs drops the rate after 3). 50 000 images / 128 = 391 steps an epoch, so
 * 3910 steps. RigL as SIFT.md: a0 0.3, dT 100, end 0.75. Needs the CIFAR-100 files (dropped on the
 * page, or --dataset cifar100 --data-file). Transforms and sparsities as the paper's CIFAR table.
 */
const cifar: SweepRecipe = {
  name: 'cifar',
  label: 'Reproduce: CIFAR',
  description: 'ResNet-18 on CIFAR-100, 10 epochs, dense vs Sparse Wide/Parallel + RigL',
  config: {
    model: 'resnet18-cifar100',
    dataset: 'cifar100',
    optimizer: 'sgd',
    lr: 0.1,
    momentum: 0.9,
    nesterov: true,
    weightDecay: 5e-4,
    gradClip: 0,
    schedule: 'cosine',
    warmupSteps: 0,
    batchSize: 128,
    steps: 3910,
    evalEvery: 391,
    evalSamples: 10_000,
    metricsEvery: 25,
    updateInterval: 100,
    dropFraction: 0.3,
    endFraction: 0.75,
    maskInit: 'uniform',
    seed: 1,
  },
  transforms: ['dense', 'sparse-wide', 'sparse-parallel'],
  sparsities: [0.5, 0.75, 0.9],
  methods: ['rigl'],
  seeds: 3,
};

export const RECIPES: Readonly<Record<RecipeName, SweepRecipe>> = { text, cifar };

export function getRecipe(name: string): SweepRecipe {
  if ((RECIPE_NAMES as readonly string[]).includes(name)) return RECIPES[name as RecipeName];
  throw new SiftError(
    'CONFIG_INVALID',
    `unknown recipe "${name}"; expected one of ${RECIPE_NAMES.join(', ')}`,
  );
}

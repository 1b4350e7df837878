// Everything a run needs, assembled from a RunConfig: data source, model, optimiser, schedule,
// sparsity and the session. The worker and the CLI both call prepareRun; only the backends and
// the way files are read differ.
import { SiftError } from '../common/errors';
import {
  CIFAR100_NORMALIZATION,
  CIFAR10_NORMALIZATION,
  MNIST_NORMALIZATION,
  type Normalization,
} from '../data/augment';
import { loadBuiltinImages, loadBuiltinText, type ReadDataFile } from '../data/builtin';
import { loadCifar } from '../data/cifar';
import type { ImageDataset } from '../data/image-dataset';
import { decodeUtf8, prepareText, type TextSplits } from '../data/text';
import { countModel, zeroSkippingKernel, type ModelCount } from '../flops/count';
import { runSize, runSizeProblems, type RunLimits } from '../flops/limits';
import { trainingStepFlops } from '../flops/training';
import { buildModel, planFor, type BuiltModel } from '../models/build';
import { getPreset, type DatasetOverrides } from '../models/presets';
import { AdamW } from '../nn/optim/adamw';
import { constant, cosineWithWarmup, multistep, type LrSchedule } from '../nn/optim/schedule';
import { SGD, type Optimizer } from '../nn/optim/sgd';
import type { GptConfig } from '../spec/gpt-spec';
import type { RunConfig } from '../spec/run-config';
import type { Backend } from '../tensor/backend';
import type { SparseBackend } from '../tensor/sparse-backend';
import { ImageSource, TextSource } from './data-source';
import { TrainingSession, type SessionEvents, type StepCost } from './session';
import { SparsityController } from './sparsity';
import { defaultKernelProfile, type KernelProfile } from '../sparse/kernel-choice';
import type { DivergenceRule } from './divergence';
import type { BatchSource } from './types';

/** Datasets as loaded on the host, before batching. */
export type LoadedData =
  | {
      kind: 'images';
      name: string;
      train: ImageDataset;
      test: ImageDataset;
      normalization?: Normalization;
    }
  | { kind: 'text'; name: string; text: string };

/** Where a run's files come from: built-ins through `read`, user files as bytes. */
export interface DataFiles {
  read: ReadDataFile;
  /** CIFAR files (archive or .bin) or a text file the user picked. */
  userFiles?: { name: string; bytes: ArrayBuffer }[];
}

export async function loadData(config: RunConfig, files: DataFiles): Promise<LoadedData> {
  switch (config.dataset) {
    case 'builtin-images': {
      const { train, test } = await loadBuiltinImages(files.read);
      return {
        kind: 'images',
        name: 'built-in digits',
        train,
        test,
        normalization: MNIST_NORMALIZATION,
      };
    }
    case 'builtin-text':
      return { kind: 'text', name: 'State of the Union', text: await loadBuiltinText(files.read) };
    case 'cifar10':
    case 'cifar100': {
      if (!files.userFiles?.length) {
        throw new SiftError(
          'DATASET_MISSING',
          `${config.dataset} needs its files: pick the .tar.gz or the .bin batches`,
        );
      }
      const splits = await loadCifar(
        files.userFiles.map((f) => ({ name: f.name, data: f.bytes })),
        config.dataset,
      );
      const normalization =
        config.dataset === 'cifar10' ? CIFAR10_NORMALIZATION : CIFAR100_NORMALIZATION;
      return {
        kind: 'images',
        name: config.dataset,
        train: splits.train,
        test: splits.test,
        normalization,
      };
    }
    case 'text-file': {
      const file = files.userFiles?.[0];
      if (!file) throw new SiftError('DATASET_MISSING', 'pick a UTF-8 text file to train on');
      return {
        kind: 'text',
        name: file.name,
        text: decodeUtf8(new Uint8Array(file.bytes), file.name),
      };
    }
  }
}

export interface PreparedRun {
  backend: Backend;
  config: RunConfig;
  /** Dataset name and the sizes it imposed on the model. */
  dataset: { name: string } & DatasetOverrides;
  session: TrainingSession;
  model: BuiltModel;
  optimizer: Optimizer;
  sparsity: SparsityController | null;
  data: BatchSource;
  /** Per-step FLOPs used for the cumulative counters. */
  cost: StepCost;
  /** Character vocabulary of a text run (to decode samples and to export). */
  vocabulary?: string[];
  dispose(): void;
}

export interface PrepareOptions {
  backend: Backend;
  sparse: SparseBackend;
  config: RunConfig;
  data: LoadedData;
  events?: SessionEvents;
  sync(): Promise<void>;
  /** Which sparse kernel path wins where (src/sparse/kernel-choice.ts); default by adapter. */
  kernelProfile?: KernelProfile;
  /** The GPU adapter's name, to pick the default kernel profile. */
  adapterName?: string;
  /** Overrides config.evalSamples (tests, benchmarks). */
  evalSamples?: number;
  yieldNow?(): Promise<void>;
  /** The device's buffer limits and the parameter cap (default: flops/limits.ts). */
  limits?: RunLimits;
  divergence?: DivergenceRule;
}

/** Refuses, before anything is allocated, a run too large for the limits or too sparse to train. */
export function checkRunSize(
  config: RunConfig,
  overrides: DatasetOverrides,
  limits?: RunLimits,
): void {
  const modelPlan = planFor(config, overrides);
  const problems = runSizeProblems(
    runSize(modelPlan.model, countModel(modelPlan.model), config.batchSize),
    limits,
  );
  if (problems.length > 0) {
    throw new SiftError('CONFIG_TOO_LARGE', `This run cannot start: ${problems.join('; ')}.`);
  }
}

export function prepareRun(options: PrepareOptions): PreparedRun {
  const { backend, sparse, config, data } = options;
  const preset = getPreset(config.model);
  const evalSamples = options.evalSamples ?? config.evalSamples;
  let source: BatchSource;
  let overrides: DatasetOverrides;
  let vocabulary: string[] | undefined;
  if (data.kind === 'images') {
    if (preset.task !== 'classify') {
      throw new SiftError(
        'CONFIG_INVALID',
        `${config.model} is a language model; pick a text dataset or an image model`,
      );
    }
    overrides = {
      numClasses: data.train.classes,
      imageSize: data.train.height,
      inChannels: data.train.channels,
    };
    if (data.train.height !== data.train.width) {
      throw new SiftError(
        'DATASET_BAD_FORMAT',
        `${data.name}: images must be square, found ${data.train.height}x${data.train.width}`,
      );
    }
    source = new ImageSource(data.train, data.test, {
      seed: config.seed,
      batchSize: config.batchSize,
      normalization: data.normalization,
      // the paper's CIFAR recipe: random crop with 4 pixels of padding and horizontal flips. Digits
      // must not be flipped.
      augment: data.train.channels === 3 ? { cropPadding: 4, flip: true } : null,
      evalSamples,
    });
  } else {
    if (preset.task !== 'language') {
      throw new SiftError(
        'CONFIG_INVALID',
        `${config.model} is an image model; pick an image dataset or a GPT preset`,
      );
    }
    const contextLength = (preset.config as GptConfig).contextLength;
    const splits: TextSplits = prepareText(data.text, {
      blockSize: contextLength,
      source: data.name,
    });
    overrides = { vocabSize: splits.tokenizer.vocabSize, contextLength };
    vocabulary = [...splits.tokenizer.chars];
    source = new TextSource(splits, {
      seed: config.seed,
      batchSize: config.batchSize,
      blockSize: contextLength,
      evalSamples,
    });
  }

  checkRunSize(config, overrides, options.limits);
  const model = buildModel(backend, config, overrides);
  const profile = options.kernelProfile ?? defaultKernelProfile(options.adapterName ?? '');
  const sparsity =
    model.sparseWeights.length > 0
      ? new SparsityController(sparse, model.sparseWeights, config, profile)
      : null;
  const optimizer = makeOptimizer(model, config);
  sparsity?.attachOptimizer(optimizer);
  // Executed FLOPs follow the path each sparse weight runs: the compressed path executes its
  // active weights only, the masked-dense path the full dense-equivalent product.
  const csrWeights = new Set(
    sparsity
      ?.paths()
      .filter((p) => p.path === 'csr')
      .map((p) => p.name),
  );
  model.count = countModel(model.plan.model, {
    executed: (layer, macs) =>
      csrWeights.has(`${layer.name}.weight`) ? zeroSkippingKernel(layer, macs) : macs,
  });
  const cost = stepCost(model.count, config.batchSize);
  const session = new TrainingSession(
    {
      backend,
      config,
      model,
      data: source,
      optimizer,
      schedule: makeSchedule(config),
      cost,
      sparsity,
      sync: options.sync,
      yieldNow: options.yieldNow,
      divergence: options.divergence,
    },
    options.events,
  );
  return {
    backend,
    config,
    dataset: { name: data.name, ...overrides },
    session,
    model,
    optimizer,
    sparsity,
    data: source,
    cost,
    vocabulary,
    dispose() {
      session.dispose();
      optimizer.dispose();
      sparsity?.dispose();
      model.module.dispose();
    },
  };
}

function makeOptimizer(model: BuiltModel, config: RunConfig): Optimizer {
  const params = model.module.parameters();
  if (config.optimizer === 'sgd') {
    // the paper's CIFAR recipe decays every parameter (PyTorch SGD weight_decay).
    return new SGD(params, {
      lr: config.lr,
      momentum: config.momentum,
      nesterov: config.nesterov && config.momentum > 0,
      weightDecay: config.weightDecay,
    });
  }
  // nanoGPT: decay matrices and embeddings, not biases and norm gains.
  return new AdamW(
    [
      { params: params.filter((p) => p.rank >= 2), weightDecay: config.weightDecay },
      { params: params.filter((p) => p.rank < 2), weightDecay: 0 },
    ],
    { lr: config.lr, betas: [0.9, 0.95], weightDecay: config.weightDecay },
  );
}

/** The learning rate of each step: the paper's recipes scaled to the run's length. */
export function makeSchedule(config: RunConfig): LrSchedule {
  switch (config.schedule) {
    case 'constant':
      return constant(config.lr);
    case 'multistep':
      // CIFAR recipe: x0.2 at epochs 60/120/160 of 200, i.e. at 30%, 60% and 80% of training.
      return multistep(
        config.lr,
        [0.3, 0.6, 0.8].map((f) => Math.round(f * config.steps)),
        0.2,
      );
    case 'cosine':
      // GPT recipe: cosine from lr to lr / 10 after a linear warm-up.
      return cosineWithWarmup(
        config.lr,
        config.lr / 10,
        Math.min(config.warmupSteps, config.steps),
        config.steps,
      );
  }
}

export function stepCost(count: ModelCount, batchSize: number): StepCost {
  const regular = trainingStepFlops(count, batchSize, false);
  const update = trainingStepFlops(count, batchSize, true);
  return {
    regular: { theoretical: regular.theoreticalFlops, executed: regular.executedFlops },
    update: { theoretical: update.theoreticalFlops, executed: update.executedFlops },
  };
}

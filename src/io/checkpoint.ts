// Export and import of a run: a safetensors file with every weight and buffer under its PyTorch
// state-dict name (conv OIHW, linear [out, in]), each mask as U8 under `<param>_mask` (the name
// torch.nn.utils.prune gives its mask buffers), optional optimiser state under
// `optimizer.<param>.<state>`, and a sidecar config.json that describes the model fully.
import { SiftError } from '../common/errors';
import { countModel } from '../flops/count';
import { isWeightLayer, type Task } from '../spec/model-spec';
import type { Backend } from '../tensor/backend';
import type { Tensor } from '../tensor/tensor';
import { AdamW } from '../nn/optim/adamw';
import { parseRunConfig, type RunConfig } from '../spec/run-config';
import type { PreparedRun } from '../train/setup';
import { planImport } from './checkpoint-validate';
import { readSafetensors, writeSafetensors } from './safetensors';
import { readSnapshot, takeSnapshot, type Snapshot, type SnapshotSource } from './snapshot';

export const MASK_SUFFIX = '_mask';
export const OPTIMIZER_PREFIX = 'optimizer.';
export const CHECKPOINT_FORMAT = 'sift-playground/1';

interface PieceDescription {
  name: string;
  kind: string;
  shape?: number[];
  density?: number;
  stride?: number;
  padding?: number;
  features?: number;
}

/** The sidecar: everything needed to rebuild the model (here or in PyTorch) and the run. */
export interface CheckpointConfig {
  format: typeof CHECKPOINT_FORMAT;
  run: RunConfig;
  step: number;
  task: Task;
  /** The transformed architecture (Sparse Wide: widened), as src/spec describes it. */
  arch: unknown;
  transform: RunConfig['transform'];
  sparsity: number;
  /** The sparsity the sparse layers got (Sparse Wide re-solves it). */
  bodySparsity: number;
  /** Per base layer: what it became, pieces in forward order. */
  layers: { name: string; summary: string; pieces: PieceDescription[] }[];
  /** Character vocabulary of a text model, index = token id. */
  vocabulary?: string[];
  dataset: PreparedRun['dataset'];
  flops: {
    forwardMacsPerSample: number;
    denseForwardMacsPerSample: number;
    /** Cumulative training FLOPs at `step`, so a resumed run continues the count. */
    trainingFlops: number;
    executedFlops: number;
  };
  /** Per-step FLOPs of a regular and a mask-update step (so PyTorch continues the counters). */
  stepFlops?: PreparedRun['cost'];
  /**
   * The sparsified weights in the order the sparsity controller keeps them: SET's random stream
   * of each weight is seeded by this index (src/sparse/dst/set.ts), so a continuation needs it.
   */
  sparseWeights?: string[];
}

export interface ExportedRun {
  safetensors: Uint8Array;
  config: CheckpointConfig;
}

export function describeRun(run: PreparedRun): CheckpointConfig {
  const { plan } = run.model;
  return {
    format: CHECKPOINT_FORMAT,
    run: run.config,
    step: run.session.step,
    task: run.model.task,
    arch: plan.model.arch,
    transform: plan.transform,
    sparsity: plan.sparsity,
    bodySparsity: plan.bodySparsity,
    layers: plan.layers.map((lp) => ({
      name: lp.name,
      summary: lp.summary,
      pieces: lp.layers.map((l): PieceDescription => {
        if (isWeightLayer(l)) {
          const shape =
            l.kind === 'conv2d'
              ? [l.outChannels, l.inChannels, l.kernelSize, l.kernelSize]
              : [l.outFeatures, l.inFeatures];
          return l.kind === 'conv2d'
            ? {
                name: l.name,
                kind: l.kind,
                shape,
                density: l.density,
                stride: l.stride,
                padding: l.padding,
              }
            : { name: l.name, kind: l.kind, shape, density: l.density };
        }
        return { name: l.name, kind: l.kind, features: 'features' in l ? l.features : undefined };
      }),
    })),
    vocabulary: run.vocabulary,
    dataset: run.dataset,
    flops: {
      forwardMacsPerSample: run.model.count.budget.forwardMacs,
      denseForwardMacsPerSample: countModel(plan.base).budget.forwardMacs,
      trainingFlops: run.session.trainingFlops,
      executedFlops: run.session.executedFlops,
    },
    stepFlops: run.cost,
    sparseWeights: run.sparsity?.entries.map((e) => e.weight.name) ?? [],
  };
}

/** A run's tensors copied on the device at one moment, with the config of that moment. */
export interface RunSnapshot {
  config: CheckpointConfig;
  tensors: Snapshot;
}

/**
 * Every tensor a checkpoint holds (weights and buffers, masks, optionally optimiser state and
 * AdamW step counts), copied now: call between steps, and the readback may overlap training.
 */
export function snapshotRun(run: PreparedRun, withOptimizer: boolean): RunSnapshot {
  const sources: SnapshotSource[] = [];
  for (const [name, t] of run.model.module.stateDict())
    sources.push({ name, dtype: 'F32', shape: t.shape, storage: t.storage });
  for (const { weight, mask } of run.sparsity?.entries ?? []) {
    sources.push({
      name: `${weight.name}${MASK_SUFFIX}`,
      dtype: 'U8',
      shape: weight.weight.shape,
      storage: mask.storage,
    });
  }
  if (withOptimizer) {
    for (const [name, t] of optimizerState(run))
      sources.push({ name, dtype: 'F32', shape: t.shape, storage: t.storage });
  }
  return {
    config: describeRun(run),
    tensors: takeSnapshot(run.backend, sources, withOptimizer ? adamStepCounts(run) : []),
  };
}

/** Reads a snapshot back (one readback per tensor) and writes the checkpoint file. */
export async function exportSnapshot(
  backend: Backend,
  snapshot: RunSnapshot,
): Promise<ExportedRun> {
  const tensors = await readSnapshot(backend, snapshot.tensors);
  const safetensors = writeSafetensors(tensors, {
    format: CHECKPOINT_FORMAT,
    config: JSON.stringify(snapshot.config),
  });
  return { safetensors, config: snapshot.config };
}

/** The run as it is now, as a checkpoint file (weights, masks, optionally optimiser state). */
export function exportRun(run: PreparedRun, withOptimizer: boolean): Promise<ExportedRun> {
  return exportSnapshot(run.backend, snapshotRun(run, withOptimizer));
}

/** Optimiser state by checkpoint name: `optimizer.<param>.<momentum_buffer|exp_avg|exp_avg_sq>`. */
function optimizerState(run: PreparedRun): [string, Tensor][] {
  const kinds = run.config.optimizer === 'sgd' ? ['momentum_buffer'] : ['exp_avg', 'exp_avg_sq'];
  return [...run.model.module.namedParameters()].flatMap(([name, param]) =>
    run.optimizer
      .stateOf(param)
      .map((t, i): [string, Tensor] => [`${OPTIMIZER_PREFIX}${name}.${kinds[i]}`, t]),
  );
}

/**
 * AdamW's per-parameter step counts as `optimizer.<param>.step`, scalars as PyTorch keeps
 * state['step'] (they drive the bias correction, so a continued run needs them).
 */
function adamStepCounts(run: PreparedRun): [string, number][] {
  const opt = run.optimizer;
  if (!(opt instanceof AdamW)) return [];
  return adamStepCountNames(run).map(([name, param]) => [name, opt.stepCountOf(param)]);
}

/** The checkpoint names of AdamW's step counts with their parameters (none for SGD). */
function adamStepCountNames(run: PreparedRun): [string, Tensor][] {
  if (!(run.optimizer instanceof AdamW)) return [];
  return [...run.model.module.namedParameters()].map(([name, param]): [string, Tensor] => [
    `${OPTIMIZER_PREFIX}${name}.${STEP_STATE}`,
    param,
  ]);
}

const STEP_STATE = 'step';

export function parseCheckpointConfig(text: string): CheckpointConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new SiftError(
      'CHECKPOINT_MISMATCH',
      `config.json is not valid JSON: ${(e as Error).message}`,
    );
  }
  const c = raw as Partial<CheckpointConfig> | null;
  if (!c || c.format !== CHECKPOINT_FORMAT || !c.run) {
    throw new SiftError(
      'CHECKPOINT_MISMATCH',
      `config.json is not a SIFT Playground export (format ${String(c?.format)}, expected ${CHECKPOINT_FORMAT})`,
    );
  }
  return { ...(c as CheckpointConfig), run: parseRunConfig(c.run) };
}

/** The config embedded in a safetensors export's metadata. */
export function checkpointConfigOf(bytes: Uint8Array | ArrayBuffer): CheckpointConfig {
  const file = readSafetensors(bytes);
  const text = file.metadata.config;
  if (!text) {
    throw new SiftError(
      'CHECKPOINT_MISMATCH',
      'this safetensors file has no SIFT Playground config in its metadata',
    );
  }
  return parseCheckpointConfig(text);
}

/**
 * Load weights, buffers, masks (and optimiser state when present) into a run built from the same
 * config. Everything is checked first (src/io/checkpoint-validate.ts): a file that fails any
 * check changes nothing in the run.
 */
export function importInto(run: PreparedRun, bytes: Uint8Array | ArrayBuffer): CheckpointConfig {
  const file = readSafetensors(bytes);
  const config = checkpointConfigOf(bytes);
  const { assignments, masks, stepCounts } = planImport(run, file, config, {
    maskSuffix: MASK_SUFFIX,
    optimizerState: optimizerState(run),
    stepCountNames: adamStepCountNames(run),
  });
  const backend = run.backend;
  for (const { target, data } of assignments) {
    const uploaded = backend.upload(data);
    backend.assign(target, uploaded);
    backend.release(uploaded);
  }
  for (const { mask, values, active } of masks) {
    backend.release(mask.replace(backend.upload(values), active));
  }
  const opt = run.optimizer;
  if (opt instanceof AdamW)
    for (const { param, count } of stepCounts) opt.setStepCount(param, count);
  return config;
}

export { readSafetensors };

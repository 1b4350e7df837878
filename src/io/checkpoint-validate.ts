// The import side's checks, all made before a single value reaches the device: the run config
// in the file agrees with the run it loads into; every tensor has the name, dtype and shape the
// model expects (nothing missing, nothing extra); weights and optimiser state are finite; every
// mask is 0/1 with exactly the active count the plan gave the layer. The result is a list of
// host arrays to upload, so a bad file leaves the run untouched.
import { SiftError } from '../common/errors';
import type { Mask } from '../sparse/mask';
import type { RunConfig } from '../spec/run-config';
import type { Storage } from '../tensor/backend';
import type { Tensor } from '../tensor/tensor';
import type { PreparedRun } from '../train/setup';
import type { CheckpointConfig } from './checkpoint';
import type { SafetensorsFile, SafetensorsTensor } from './safetensors';

/** What an import writes once everything is checked. */
export interface ImportPlan {
  /** Weights, buffers and optimiser state: copied into existing storages. */
  assignments: { target: Storage; data: Float32Array }[];
  /** Masks: replaced whole with their (checked) active counts. */
  masks: { mask: Mask; values: Float32Array; active: number }[];
  /** AdamW step counts per parameter (bias correction). */
  stepCounts: { param: Tensor; count: number }[];
}

/** Checkpoint names the model defines (checkpoint.ts owns them). */
export interface CheckpointNames {
  maskSuffix: string;
  optimizerState: readonly [string, Tensor][];
  /** `optimizer.<param>.step` with its parameter; empty for optimisers without step counts. */
  stepCountNames: readonly [string, Tensor][];
}

/** RunConfig keys that decide the model, its masks and its optimiser state. */
const MODEL_KEYS = ['model', 'dataset', 'transform', 'sparsity', 'maskInit', 'optimizer'] as const;

function mismatch(message: string): SiftError {
  return new SiftError('CHECKPOINT_MISMATCH', message);
}

function invalid(message: string): SiftError {
  return new SiftError('CHECKPOINT_INVALID', message);
}

/** The file's run config must describe the same model as the run it is loaded into. */
export function checkConfigAgrees(file: CheckpointConfig, run: RunConfig, steps: number): void {
  const differing = MODEL_KEYS.filter((k) => file.run[k] !== run[k]);
  if (differing.length > 0) {
    throw mismatch(
      `the checkpoint was made with ${differing.map((k) => `${k} ${String(file.run[k])}`).join(', ')}; ` +
        `this run has ${differing.map((k) => `${k} ${String(run[k])}`).join(', ')}. Load it with the settings it was saved with.`,
    );
  }
  if (!Number.isInteger(file.step) || file.step < 0 || file.step > steps) {
    throw invalid(
      `the checkpoint's step ${String(file.step)} is not a whole number in [0, ${steps}]`,
    );
  }
  const { trainingFlops, executedFlops } = file.flops ?? {};
  if (
    ![trainingFlops, executedFlops].every(
      (x) => typeof x === 'number' && Number.isFinite(x) && x >= 0,
    )
  ) {
    throw invalid(
      'the checkpoint has no valid cumulative FLOP counts (flops.trainingFlops, flops.executedFlops)',
    );
  }
}

function expectShape(name: string, t: SafetensorsTensor, shape: readonly number[]): void {
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw mismatch(
      `${name}: the checkpoint has shape [${t.shape.join(', ')}], this model needs [${shape.join(', ')}]`,
    );
  }
}

function finiteFloats(name: string, t: SafetensorsTensor): Float32Array {
  if (t.dtype !== 'F32') throw invalid(`${name} is stored as ${t.dtype}; this model needs F32`);
  for (let i = 0; i < t.data.length; i++) {
    if (!Number.isFinite(t.data[i])) {
      throw invalid(
        `${name} holds ${t.data[i]} at index ${i}; a checkpoint must hold finite values`,
      );
    }
  }
  return t.data;
}

/** Check `file` against `run` and return what to write; nothing is written here. */
export function planImport(
  run: PreparedRun,
  file: SafetensorsFile,
  config: CheckpointConfig,
  { maskSuffix, optimizerState, stepCountNames }: CheckpointNames,
): ImportPlan {
  checkConfigAgrees(config, run.config, run.config.steps);
  const seen = new Set<string>();
  const take = (name: string, shape: readonly number[]): SafetensorsTensor => {
    const t = file.tensors.get(name);
    if (!t) throw mismatch(`the checkpoint has no tensor ${name}`);
    expectShape(name, t, shape);
    seen.add(name);
    return t;
  };
  const assignments: ImportPlan['assignments'] = [];
  for (const [name, target] of run.model.module.stateDict()) {
    assignments.push({
      target: target.storage,
      data: finiteFloats(name, take(name, target.shape)),
    });
  }
  const masks: ImportPlan['masks'] = [];
  for (const { weight, mask } of run.sparsity?.entries ?? []) {
    const name = `${weight.name}${maskSuffix}`;
    const t = take(name, weight.weight.shape);
    if (t.dtype !== 'U8') throw invalid(`${name} is stored as ${t.dtype}; masks are U8`);
    let active = 0;
    const values = new Float32Array(t.data.length);
    for (let i = 0; i < t.data.length; i++) {
      const v = t.data[i];
      if (v > 1) throw invalid(`${name} holds ${v} at index ${i}; a mask holds only 0 and 1`);
      values[i] = v;
      active += v;
    }
    if (active !== mask.activeCount) {
      throw mismatch(
        `${name} has ${active} active weights; this run's plan gives the layer exactly ${mask.activeCount}`,
      );
    }
    masks.push({ mask, values, active });
  }
  for (const [name, state] of optimizerState) {
    if (!file.tensors.has(name)) continue;
    assignments.push({ target: state.storage, data: finiteFloats(name, take(name, state.shape)) });
  }
  const stepCounts: ImportPlan['stepCounts'] = [];
  for (const [name, param] of stepCountNames) {
    if (!file.tensors.has(name)) continue;
    const t = file.tensors.get(name)!;
    seen.add(name);
    const count = t.data[0];
    if (t.dtype !== 'F32' || t.data.length !== 1 || !Number.isInteger(count) || count < 0) {
      throw invalid(
        `${name} must be one whole number >= 0 (F32), found ${t.dtype} [${Array.from(t.data).join(', ')}]`,
      );
    }
    stepCounts.push({ param, count });
  }
  const extra = [...file.tensors.keys()].filter((name) => !seen.has(name));
  if (extra.length > 0) {
    throw mismatch(
      `the checkpoint has ${extra.length} tensor(s) this model does not: ${extra.slice(0, 3).join(', ')}` +
        (extra.length > 3 ? ', ...' : ''),
    );
  }
  return { assignments, masks, stepCounts };
}

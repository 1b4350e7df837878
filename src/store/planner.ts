// The store's one door to the pure planners (models/presets, spec/model-spec,
// sparse/transforms/plan, flops/): what the slider readout shows and which presets exist.
// Components never call these; selectors do.
import { countModel } from '../flops/count';
import { runSize, runSizeProblems } from '../flops/limits';
import type { OptimizerKind } from '../flops/memory';
import {
  isPresetName,
  presetSpec,
  PRESET_NAMES,
  PRESETS,
  type DatasetOverrides,
} from '../models/presets';
import type { DatasetName, RunConfig } from '../spec/run-config';
import { toSparsity } from '../spec/sparsity';
import { plan } from '../sparse/transforms/plan';
import { planReport, type FlopsReport } from '../sparse/transforms/report';

export type ModelFamily = 'image' | 'text';

export interface PresetInfo {
  name: string;
  family: ModelFamily;
  description: string;
  /** Too large to train in a browser; shown for its FLOPs and shapes. */
  shapeOnly: boolean;
}

const presets: PresetInfo[] = PRESET_NAMES.map((name) => ({
  name,
  family: PRESETS[name].task === 'language' ? 'text' : 'image',
  description: PRESETS[name].description,
  shapeOnly: PRESETS[name].isShapeOnly,
}));

export function modelPresets(): PresetInfo[] {
  return presets;
}

export function isModelPreset(name: string): boolean {
  return isPresetName(name);
}

export function presetInfo(name: string): PresetInfo | undefined {
  return presets.find((p) => p.name === name);
}

export function presetFamily(name: string): ModelFamily {
  return presetInfo(name)?.family ?? 'image';
}

/** One weight layer as the transform rebuilds it. */
export interface LayerReadout {
  name: string;
  /** The planner's one line, e.g. "3x3 conv 16->16 widened to 32->32, density 0.25". */
  summary: string;
}

export interface SetupReadout {
  /** One line: what the transform does at this sparsity ("width 16 -> 32", "4 branches", ...). */
  summary: string;
  layers: LayerReadout[];
  paramsTotal: number;
  paramsActive: number;
  /** Forward FLOPs per sample in the iso-FLOP budget (2 per multiply-add), sparse layers at their density. */
  forwardFlops: number;
  denseForwardFlops: number;
  /** forwardFlops / denseForwardFlops: 1 means iso-FLOP. */
  flopRatio: number;
  /** What masked-dense kernels compute per sample (zeros included), and its ratio to dense. */
  executedForwardFlops: number;
  executedRatio: number;
  /** Estimated GPU memory for training at this batch size. */
  memoryBytes: number;
  /** Things worth knowing (re-solved densities, non-iso-FLOP parts). */
  notes: string[];
  /** Why this run must not start (too many parameters, a buffer over the limits, starved layers). */
  sizeProblems: string[];
}

export type ReadoutResult = { ok: true; readout: SetupReadout } | { ok: false; problem: string };

/** The shape a dataset gives the model; the worker builds the model with the same overrides. */
export function datasetOverrides(dataset: DatasetName): DatasetOverrides {
  switch (dataset) {
    case 'builtin-images':
      return { imageSize: 28, inChannels: 1, numClasses: 10 };
    case 'cifar10':
      return { imageSize: 32, inChannels: 3, numClasses: 10 };
    case 'cifar100':
      return { imageSize: 32, inChannels: 3, numClasses: 100 };
    default:
      return {};
  }
}

function optimizerKind(config: RunConfig): OptimizerKind {
  if (config.optimizer === 'adamw') return 'adamw';
  return config.momentum > 0 ? 'sgd-momentum' : 'sgd';
}

function transformSummary(report: FlopsReport): string {
  const sparse = report.layers.filter((l) => l.isSparsified);
  const s = report.sparsity;
  const body = Number(report.bodySparsity.toFixed(4));
  const range = (values: number[]) => {
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    return lo === hi ? `${lo}` : `${lo}–${hi}`;
  };
  switch (report.transform) {
    case 'dense':
      return s === 0
        ? 'The dense model.'
        : `Same sizes, ${sparse.length} layers at sparsity ${s} (a sparse baseline, below dense FLOPs).`;
    case 'sparse-wide':
      return report.wide
        ? `Width ${report.wide.widthFrom} → ${report.wide.widthTo} (k = ${report.wide.scale.toFixed(3)}), body sparsity ${Number(report.bodySparsity.toFixed(4))}.`
        : 'Sparse Wide.';
    case 'sparse-parallel': {
      const branches = sparse.map((l) => l.branches ?? 1);
      return `${range(branches)} parallel sparse branches per layer, each at sparsity ${body}.`;
    }
    case 'sparse-factorized': {
      const ranks = sparse.map((l) => l.rank ?? 0);
      return `Each layer → V·ReLU(norm(U x)), inner width d = ${range(ranks)}, U and V at sparsity ${body}.`;
    }
    case 'sparse-doped': {
      const ranks = sparse.map((l) => l.rank ?? 0);
      return `Each layer → dense rank-${range(ranks)} U·V plus the full layer at sparsity ${body}.`;
    }
  }
}

/** What the setup's model becomes under its transform and sparsity: the slider readout. */
export function planReadout(config: RunConfig): ReadoutResult {
  try {
    const spec = presetSpec(config.model, datasetOverrides(config.dataset));
    const modelPlan = plan(spec, config.transform, toSparsity(config.sparsity));
    const report = planReport(modelPlan, {
      batchSize: config.batchSize,
      optimizer: optimizerKind(config),
    });
    const notes: string[] = [];
    if (report.transform === 'sparse-wide' && report.bodySparsity !== report.sparsity) {
      notes.push(
        `The wider dense stem and head cost extra, so the body runs at sparsity ${Number(report.bodySparsity.toFixed(4))} instead of ${report.sparsity} to stay iso-FLOP.`,
      );
    }
    if (report.transform === 'sparse-parallel' && report.bodySparsity !== report.sparsity) {
      notes.push(
        `1/(1 − s) is not a whole number of branches here, so each branch runs at sparsity ${Number(report.bodySparsity.toFixed(4))} instead of ${report.sparsity} to stay iso-FLOP.`,
      );
    }
    const outsideRatio = report.outsideBudget.forwardMacs / report.outsideBudget.denseForwardMacs;
    if (report.outsideBudget.denseForwardMacs > 0 && Math.abs(outsideRatio - 1) > 0.005) {
      notes.push(
        `Outside the iso-FLOP budget (attention scores, tied LM head): ${formatRatio(outsideRatio)}× dense.`,
      );
    }
    if (presetInfo(config.model)?.shapeOnly)
      notes.push('This preset is for FLOP counts only; it is too large to train here.');
    // FLOPs = 2 x MACs (multiply and add), as flops/training.ts counts training FLOPs.
    return {
      ok: true,
      readout: {
        summary: transformSummary(report),
        layers: report.layers.map((l) => ({ name: l.name, summary: l.summary })),
        paramsTotal: report.paramsTotal,
        paramsActive: report.paramsActive,
        forwardFlops: 2 * report.forwardMacs,
        denseForwardFlops: 2 * report.denseForwardMacs,
        flopRatio: report.ratio,
        executedForwardFlops: 2 * report.executedForwardMacs,
        executedRatio: report.executedRatio,
        memoryBytes: report.memory.totalBytes,
        notes,
        // WebGPU's default limits: the worker checks the adapter's own again at Start.
        sizeProblems: runSizeProblems(
          runSize(modelPlan.model, countModel(modelPlan.model), config.batchSize),
        ),
      },
    };
  } catch (e) {
    return { ok: false, problem: e instanceof Error ? e.message : String(e) };
  }
}

function formatRatio(x: number): string {
  return Number(x.toPrecision(3)).toString();
}

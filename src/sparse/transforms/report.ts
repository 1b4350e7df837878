// One serialisable summary of a plan: budget MACs against dense, per-layer rows, parameters,
// training FLOPs per step and a memory estimate. The flops CLI prints it (as a table or JSON) and
// the UI can render the same object, so neither does arithmetic of its own.
import {
  countModel,
  maskedDenseKernel,
  type ExecutedMacsModel,
  type MacTotals,
  type WeightLayerCount,
} from '../../flops/count';
import {
  estimateTrainingMemory,
  type MemoryEstimate,
  type OptimizerKind,
} from '../../flops/memory';
import { trainingStepFlops, type TrainingFlops } from '../../flops/training';
import { isWeightLayer } from '../../spec/model-spec';
import type { ModelPlan } from './plan';
import type { TransformName } from '../../spec/run-config';

export interface LayerReport {
  name: string;
  role: string;
  isSparsified: boolean;
  summary: string;
  branches?: number;
  rank?: number;
  /** The base layer dense: what this layer cost before the transform. */
  denseMacs: number;
  /** Summed over the replacement's weight layers. */
  denseEquivalentMacs: number;
  forwardMacs: number;
  executedMacs: number;
  params: number;
  activeParams: number;
  /** The replacement's weight layers (one for dense, Wide and most stems and heads). */
  pieces: WeightLayerCount[];
}

export interface FlopsReport {
  model: string;
  transform: TransformName;
  sparsity: number;
  /** Density-defining sparsity of the sparse layers (differs from `sparsity` after Wide's re-solve). */
  bodySparsity: number;
  wide?: ModelPlan['wide'];
  /** Theoretical forward MACs per sample in the iso-FLOP budget, sparse layers at their density. */
  forwardMacs: number;
  /** Forward MACs per sample of the untransformed dense model's budget. */
  denseForwardMacs: number;
  /** forwardMacs / denseForwardMacs: 1 is iso-FLOP. */
  ratio: number;
  /** Budget MACs the kernels execute (masked dense kernels: the dense-equivalent size). */
  executedForwardMacs: number;
  executedRatio: number;
  /** Outside the budget (attention scores, tied LM head), transformed and dense. */
  outsideBudget: MacTotals & { attentionMacs: number; denseForwardMacs: number };
  paramsTotal: number;
  paramsActive: number;
  denseParamsTotal: number;
  training: {
    batchSize: number;
    /** A regular step: 3 x forward. */
    step: TrainingFlops;
    /** A RigL update step: 2 x sparse + dense forward. */
    rigLUpdateStep: TrainingFlops;
    /** The dense model's step, for comparison. */
    denseStep: TrainingFlops;
  };
  memory: MemoryEstimate & { batchSize: number; optimizer: OptimizerKind };
  layers: LayerReport[];
}

export interface ReportOptions {
  executed?: ExecutedMacsModel;
  batchSize?: number;
  optimizer?: OptimizerKind;
}

export function planReport(p: ModelPlan, options: ReportOptions = {}): FlopsReport {
  const executed = options.executed ?? maskedDenseKernel;
  const batchSize = options.batchSize ?? 1;
  const optimizer = options.optimizer ?? (p.base.task === 'language' ? 'adamw' : 'sgd-momentum');
  const count = countModel(p.model, { executed });
  const dense = countModel(p.base, { executed });
  const byName = new Map(count.weightLayers.map((c) => [c.name, c]));
  const denseByName = new Map(dense.weightLayers.map((c) => [c.name, c]));

  const layers = p.layers.map((lp): LayerReport => {
    const pieces = lp.layers
      .filter(isWeightLayer)
      .map((l) => byName.get(l.name) as WeightLayerCount);
    const sum = (
      key: 'denseEquivalentMacs' | 'forwardMacs' | 'executedMacs' | 'params' | 'activeParams',
    ) => pieces.reduce((t, c) => t + c[key], 0);
    return {
      name: lp.name,
      role: lp.original.role,
      isSparsified: lp.original.isSparsified,
      summary: lp.summary,
      ...(lp.branches !== undefined && { branches: lp.branches }),
      ...(lp.rank !== undefined && { rank: lp.rank }),
      denseMacs: (denseByName.get(lp.name) as WeightLayerCount).denseEquivalentMacs,
      denseEquivalentMacs: sum('denseEquivalentMacs'),
      forwardMacs: sum('forwardMacs'),
      executedMacs: sum('executedMacs'),
      params: sum('params'),
      activeParams: sum('activeParams'),
      pieces,
    };
  });

  const denseForwardMacs = dense.budget.denseEquivalentMacs;
  return {
    model: p.base.name,
    transform: p.transform,
    sparsity: p.sparsity,
    bodySparsity: p.bodySparsity,
    ...(p.wide && { wide: p.wide }),
    forwardMacs: count.budget.forwardMacs,
    denseForwardMacs,
    ratio: count.budget.forwardMacs / denseForwardMacs,
    executedForwardMacs: count.budget.executedMacs,
    executedRatio: count.budget.executedMacs / denseForwardMacs,
    outsideBudget: {
      ...count.outsideBudget,
      denseForwardMacs: dense.outsideBudget.denseEquivalentMacs,
    },
    paramsTotal: count.paramsTotal,
    paramsActive: count.paramsActive,
    denseParamsTotal: dense.paramsTotal,
    training: {
      batchSize,
      step: trainingStepFlops(count, batchSize),
      rigLUpdateStep: trainingStepFlops(count, batchSize, true),
      denseStep: trainingStepFlops(dense, batchSize),
    },
    memory: {
      ...estimateTrainingMemory(p.model, count, batchSize, optimizer),
      batchSize,
      optimizer,
    },
    layers,
  };
}

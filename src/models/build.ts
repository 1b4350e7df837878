// RunConfig + what the dataset decides -> the transformed model, instantiated on a backend.
import { Rng } from '../common/rng';
import { SiftError } from '../common/errors';
import { countModel, type ModelCount } from '../flops/count';
import { normal } from '../nn/init';
import type { RunConfig } from '../spec/run-config';
import { toSparsity } from '../spec/sparsity';
import { plan, type ModelPlan } from '../sparse/transforms/plan';
import type { Backend } from '../tensor/backend';
import type { TrainableModel } from '../train/types';
import { Gpt } from './gpt';
import { getPreset, presetSpec, type DatasetOverrides } from './presets';
import { ResNet } from './resnet';
import type { SparseWeight } from './units';

export interface BuiltModel extends TrainableModel {
  plan: ModelPlan;
  /** Per-sample MACs and parameter counts of the transformed model. */
  count: ModelCount;
  sparseWeights: SparseWeight[];
}

/** The plan a run uses (pure: also what the UI's readout and the CLI's flops command show). */
export function planFor(config: RunConfig, overrides: DatasetOverrides): ModelPlan {
  return plan(presetSpec(config.model, overrides), config.transform, toSparsity(config.sparsity));
}

export function buildModel(
  backend: Backend,
  config: RunConfig,
  overrides: DatasetOverrides,
): BuiltModel {
  const preset = getPreset(config.model);
  if (preset.isShapeOnly) {
    throw new SiftError(
      'CONFIG_INVALID',
      `${config.model} is a shape-only preset for FLOP counts; it is too large to train here`,
    );
  }
  const modelPlan = planFor(config, overrides);
  const sparseWeights: SparseWeight[] = [];
  const rng = new Rng(config.seed);
  const module =
    modelPlan.model.arch.kind === 'resnet'
      ? new ResNet(modelPlan, { backend, rng, sparseWeights })
      : new Gpt(modelPlan, {
          backend,
          rng,
          sparseWeights,
          linearInit: (n, _fanIn, r) => normal(n, 0.02, r),
        });
  return {
    task: modelPlan.model.task,
    module,
    forward: (x) => module.forward(x),
    plan: modelPlan,
    count: countModel(modelPlan.model),
    sparseWeights,
  };
}

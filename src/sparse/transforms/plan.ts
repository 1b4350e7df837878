// plan(spec, transform, sparsity): what every layer of a model becomes under a SIFT transform,
// with widths, branches, ranks and densities, as a new ModelSpec that flops/ counts and models/
// instantiates. Pure and cheap: the UI calls it on every slider move.
//
// Where the paper is silent or only implies, the choices made here are listed and numbered in
// docs/sift-method.md, "Decisions"; comments below refer to them by number.
import { SiftError } from '../../common/errors';
import { countModel } from '../../flops/count';
import {
  isWeightLayer,
  weightLayers,
  weightNumel,
  type LayerSpec,
  type ModelSpec,
  type NormLayer,
  type WeightLayer,
} from '../../spec/model-spec';
import type { Sparsity } from '../../spec/sparsity';
import { denseLayer } from './dense';
import { describeShape, describeWidths, formatDensity } from './layer-pieces';
import { sparseDopedLayer } from './sparse-doped';
import { sparseFactorizedLayer } from './sparse-factorized';
import { sparseParallelLayer } from './sparse-parallel';
import { sparseWideModel, type WideModel } from './sparse-wide';
import type { TransformName } from '../../spec/run-config';
import type { LayerReplacement } from './types';

/** What one weight layer of the base model became. */
export interface LayerPlan extends LayerReplacement {
  /** Name of the layer in the base model. */
  name: string;
  /** The layer as the untransformed model has it. */
  original: WeightLayer;
}

export interface ModelPlan {
  transform: TransformName;
  /** The sparsity asked for. */
  sparsity: Sparsity;
  /** The sparsity the sparse layers run at after each family's re-solve (point 14). */
  bodySparsity: Sparsity;
  /** The untransformed model. */
  base: ModelSpec;
  /** The transformed model: every layer with its shape and density. */
  model: ModelSpec;
  /** One entry per weight layer of `base`, in order. */
  layers: LayerPlan[];
  /** Theoretical budget MACs of `model` over dense budget MACs of `base` (1 = iso-FLOP). */
  flopRatio: number;
  /** Sparse Wide only: scale, widths and the two sparsities. */
  wide?: Omit<WideModel, 'spec'>;
}

type LayerTransform = (
  layer: WeightLayer,
  sparsity: Sparsity,
  followingNorm?: NormLayer,
) => LayerReplacement;

const LAYER_TRANSFORMS: Record<Exclude<TransformName, 'sparse-wide'>, LayerTransform> = {
  dense: denseLayer,
  'sparse-parallel': sparseParallelLayer,
  'sparse-factorized': sparseFactorizedLayer,
  'sparse-doped': sparseDopedLayer,
};

function assertUntransformed(spec: ModelSpec): void {
  for (const layer of spec.layers) {
    if (isWeightLayer(layer) && layer.density !== 1) {
      throw new SiftError(
        'INVALID_ARGUMENT',
        `plan() needs an untransformed spec; ${layer.name} already has density ${layer.density}`,
      );
    }
  }
}

/** "dense", plus whether the weight is shared or outside the budget (the tied LM head). */
function denseState(layer: WeightLayer): string {
  const tied = layer.kind === 'linear' && layer.tiedTo ? `, tied to ${layer.tiedTo}` : '';
  return `dense${tied}${layer.inIsoFlopBudget ? '' : ', outside the budget'}`;
}

function flopRatio(base: ModelSpec, model: ModelSpec): number {
  return countModel(model).budget.forwardMacs / countModel(base).budget.denseEquivalentMacs;
}

function effectiveSparsity(model: ModelSpec, asked: Sparsity): Sparsity {
  let kept = 0;
  let total = 0;
  for (const l of weightLayers(model).filter((w) => w.isSparsified)) {
    kept += l.density * weightNumel(l);
    total += weightNumel(l);
  }
  const effective = total === 0 ? asked : 1 - kept / total;
  return (Math.abs(effective - asked) < 1e-12 ? asked : effective) as Sparsity;
}

function planWide(base: ModelSpec, sparsity: Sparsity): ModelPlan {
  const { spec: model, ...wide } = sparseWideModel(base, sparsity);
  const wideByName = new Map(model.layers.map((l) => [l.name, l]));
  const layers = base.layers.filter(isWeightLayer).map((original): LayerPlan => {
    const widened = wideByName.get(original.name) as WeightLayer;
    const state = widened.isSparsified
      ? `density ${formatDensity(widened.density)}`
      : denseState(widened);
    const from = describeWidths(original);
    const to = describeWidths(widened);
    return {
      name: original.name,
      original,
      layers: [widened],
      summary: `${describeShape(original)}${from === to ? '' : ` widened to ${to}`}, ${state}`,
    };
  });
  return {
    transform: 'sparse-wide',
    sparsity,
    bodySparsity: wide.resolvedSparsity,
    base,
    model,
    layers,
    flopRatio: flopRatio(base, model),
    wide,
  };
}

/**
 * Plans `transform` at `sparsity` over an untransformed spec: the transformed model (a ModelSpec
 * with densities) and, per weight layer, what it became. Stem, classifier and LM head stay dense.
 */
export function plan(spec: ModelSpec, transform: TransformName, sparsity: Sparsity): ModelPlan {
  assertUntransformed(spec);
  if (transform === 'sparse-wide') return planWide(spec, sparsity);

  const layerTransform = LAYER_TRANSFORMS[transform];
  const norms = new Map(
    spec.layers
      .filter((l): l is NormLayer => l.kind === 'batchnorm2d' || l.kind === 'layernorm')
      .map((l) => [l.name, l]),
  );
  const layers: LayerPlan[] = [];
  const replacedNorms = new Set<string>();
  for (const original of spec.layers.filter(isWeightLayer)) {
    const replacement: LayerReplacement = original.isSparsified
      ? layerTransform(
          original,
          sparsity,
          original.normName ? norms.get(original.normName) : undefined,
        )
      : { layers: [original], summary: `${describeShape(original)}, ${denseState(original)}` };
    if (replacement.replacesNorm) replacedNorms.add(replacement.replacesNorm);
    layers.push({ name: original.name, original, ...replacement });
  }
  const byName = new Map(layers.map((p) => [p.name, p]));
  const modelLayers: LayerSpec[] = spec.layers.flatMap((l): LayerSpec[] => {
    if (isWeightLayer(l)) return (byName.get(l.name) as LayerPlan).layers;
    return replacedNorms.has(l.name) ? [] : [l];
  });
  const model: ModelSpec = { ...spec, layers: modelLayers };
  return {
    transform,
    sparsity,
    bodySparsity: effectiveSparsity(model, sparsity),
    base: spec,
    model,
    layers,
    flopRatio: flopRatio(spec, model),
  };
}

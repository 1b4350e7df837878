// plan(spec, transform, sparsity): what every layer of a model becomes under a SIFT transform,
// with widths, branches, ranks and densities, as a new ModelSpec that flops/ counts and models/
// instantiates. Pure and cheap: the UI calls it on every slider move.
//
// Decisions where SIFT.md is silent (or only implies), kept in one place:
//  1. Sparse Wide, ResNet: base width floor(base * k) (the reference code's int()); stage widths
//     stay base * (1, 2, 4, 8), so 64 -> 90/180/360/720 at s = .5, 128/256/512/1024 at .75,
//     202/404/808/1616 at .9 (SIFT.md's 90/128/202).
//  2. Sparse Wide, GPT: d_model * k rounded to the nearest multiple of n_head (head count kept,
//     head dim grows), MLP width = 4 * d_model: GPT-3 Small 768 -> 1092 (.5), 1536 (.75), 2424 (.9).
//  3. Sparse Wide widens everything with the width: stem output, classifier input, norms, GPT
//     embeddings and the tied LM head. Image channels, classes, vocabulary and context do not.
//  4. Sparse Wide re-solve: one density for all sparsified layers, (F_dense - F_fixed,wide) /
//     F_body,wide, capped at 1 (floor rounding can leave the body under budget at small s); an
//     error if the dense layers alone exceed the budget. For a GPT the budget holds the block
//     linears only (point 9), so there is no fixed part and the re-solve only undoes rounding.
//  5. Iso-FLOP at every slider position (issue 11: within 1% of dense for s in [0, .95], every
//     preset), so each family re-solves its density after rounding, as SIFT.md's Wide does:
//     Parallel n = round(1 / (1 - s)) branches at density 1/n (s = .6: 3 branches at sparsity
//     .667; n = 1, s < 1/3, is the dense layer); Factorized U, V at D_in D_out / (d (D_in + D_out))
//     after rounding d up; Doped W at 1 - r (D_in + D_out) / (D_in D_out) after rounding r down.
//     At s = .5/.75/.9 Parallel's density is exactly 1 - s; the others move by under one rank.
//     `bodySparsity` reports the sparsity the sparse layers actually run at (point 14).
//  6. Parallel branch norms: a ResNet conv's BN is replaced by one BN per branch (the reference's
//     sum_j bn_j(conv_j x)); a GPT linear has no norm after it, so each branch gets a new
//     LayerNorm over its outputs when n > 1.
//  7. All four families transform every sparsified layer, ResNet 1x1 shortcuts included (a 1x1
//     "k x k" U with the shortcut's stride). The reference code leaves shortcuts as one sparse
//     conv in Parallel/Factorized/Doped, under budget by about s x 1.1% on ResNet-18; transforming
//     them keeps every layer iso-FLOP on its own.
//  8. Factorized: U has no bias (a norm follows), V carries the layer's bias; the norm between is
//     BatchNorm2d after a conv and LayerNorm after a linear, the activation ReLU in both (SIFT.md).
//     Doped: U and V have no bias, W keeps the layer's name and bias; rank 0 means no U, V.
//  9. GPT: Q, K, V are the one fused c_attn weight (d -> 3d) as GPT-2/nanoGPT store it, and are
//     transformed as one layer (Factorized/Doped ranks use D_out = 3d). Attention scores (QK^T and
//     AV, 2 T^2 d MACs per block, the full square a dense kernel runs) and the tied LM head are
//     outside the iso-FLOP budget and reported separately; they grow with Sparse Wide.
// 10. 'dense' at s > 0 keeps every size and runs the sparsified layers at density 1 - s: the
//     sparse-training baseline (static/SET/RigL), not iso-FLOP.
// 11. s = 0 gives the dense model for every transform: same names, shapes and density 1.
// 12. Costs are per sample (one image, or one sequence of context length T); theoretical MACs use
//     the density the mask realises (activeCount / numel, spec/sparsity.ts), not the nominal one.
// 13. New modules are named under the layer they replace: Parallel `X.branches.j` + `X.norms.j`,
//     Factorized `X.u`, `X.norm`, `X.v`, Doped `X` (sparse W) + `X.u`, `X.v`.
// 14. bodySparsity: the parameter-weighted sparsity of the sparsified layers, 1 - sum(density *
//     numel) / sum(numel); the asked sparsity itself when they agree to 1e-12 (dense baseline,
//     and every family at s = 0), so readouts print 0.5, not 0.5000000000000001.
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
import type { LayerReplacement, TransformName } from './types';

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

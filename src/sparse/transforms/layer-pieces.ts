// Builders for the pieces a transform replaces a layer with (U, V, branches, their norms), so each
// transform file states only its structure and sizes.
import type { Conv2dLayer, LinearLayer, NormLayer, WeightLayer } from '../../spec/model-spec';
import type { Density } from '../../spec/sparsity';

export interface PieceOptions {
  name: string;
  density: Density;
  isSparsified: boolean;
  hasBias: boolean;
}

/** A copy of `layer` under a new name and density, with no norm of its own recorded. */
export function copyLayer(layer: WeightLayer, o: PieceOptions): WeightLayer {
  return { ...layer, ...o, normName: undefined };
}

/**
 * Same input, kernel, stride and padding as `layer`, `outWidth` outputs: a branch of Parallel
 * (outWidth = original) or the U of Factorized / Doped (outWidth = rank).
 */
export function withOutputWidth(
  layer: WeightLayer,
  outWidth: number,
  o: PieceOptions,
): WeightLayer {
  return layer.kind === 'conv2d'
    ? ({ ...layer, ...o, normName: undefined, outChannels: outWidth } satisfies Conv2dLayer)
    : ({ ...layer, ...o, normName: undefined, outFeatures: outWidth } satisfies LinearLayer);
}

/**
 * A 1x1 conv (or linear) from `inWidth` to `layer`'s outputs at `layer`'s output resolution: the V
 * of Factorized / Doped.
 */
export function pointwiseToOutput(
  layer: WeightLayer,
  inWidth: number,
  o: PieceOptions,
): WeightLayer {
  if (layer.kind === 'linear') {
    return { ...layer, ...o, normName: undefined, inFeatures: inWidth } satisfies LinearLayer;
  }
  return {
    ...layer,
    ...o,
    normName: undefined,
    inChannels: inWidth,
    kernelSize: 1,
    stride: 1,
    padding: 0,
    inHeight: layer.outHeight,
    inWidth: layer.outWidth,
  } satisfies Conv2dLayer;
}

/**
 * The norm that fits a layer's output of width `features`: BatchNorm2d after a conv, LayerNorm
 * after a linear (GPT), with a bias unless the model has none (GPT `hasBias: false`).
 */
export function normAfter(layer: WeightLayer, name: string, features: number): NormLayer {
  return layer.kind === 'conv2d'
    ? {
        kind: 'batchnorm2d',
        name,
        role: 'norm',
        features,
        elementsPerSample: features * layer.outHeight * layer.outWidth,
        hasBias: true,
      }
    : {
        kind: 'layernorm',
        name,
        role: 'norm',
        features,
        elementsPerSample: features * layer.rows,
        hasBias: layer.hasBias,
      };
}

/** "64->128", for summaries. */
export function describeWidths(layer: WeightLayer): string {
  return layer.kind === 'conv2d'
    ? `${layer.inChannels}->${layer.outChannels}`
    : `${layer.inFeatures}->${layer.outFeatures}`;
}

/** "3x3 conv 64->128" or "linear 768->2304", for summaries. */
export function describeShape(layer: WeightLayer): string {
  return layer.kind === 'conv2d'
    ? `${layer.kernelSize}x${layer.kernelSize} conv ${describeWidths(layer)}`
    : `linear ${describeWidths(layer)}`;
}

export function formatDensity(density: number): string {
  return Number(density.toPrecision(4)).toString();
}

// "dense": no structural change. At s = 0 this is the dense baseline; at s > 0 every sparsified
// layer keeps its size at density 1 - s, the plain sparse-training baseline (static, SET, RigL)
// that SIFT compares against. Not iso-FLOP: it costs about (1 - s) of dense.
import type { WeightLayer } from '../../spec/model-spec';
import { densityOf, type Sparsity } from '../../spec/sparsity';
import { describeShape, formatDensity } from './layer-pieces';
import type { LayerReplacement } from './types';

export function denseLayer(layer: WeightLayer, sparsity: Sparsity): LayerReplacement {
  if (sparsity === 0) return { layers: [layer], summary: `${describeShape(layer)}, dense` };
  const density = densityOf(sparsity);
  return {
    layers: [{ ...layer, density }],
    summary: `${describeShape(layer)} at density ${formatDensity(density)}`,
  };
}

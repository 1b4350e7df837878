// Sparse Factorized (docs/sift-method.md): y = V act(norm(U x)), U: D_in -> d and V: d -> D_out,
// both sparse, with d = D_in D_out / ((D_in + D_out)(1 - s)) rounded up and U, V then at the
// density that makes the pair cost exactly the dense layer (iso-flop.ts factorizedDensity). In a
// conv net U is a k x k conv C_in -> d with the original stride and padding (D_in = k k C_in) and
// V a 1x1 conv d -> C_out.
import type { WeightLayer } from '../../spec/model-spec';
import type { Sparsity } from '../../spec/sparsity';
import { matmulDims } from '../../spec/model-spec';
import { factorizedDensity, factorizedRank } from './iso-flop';
import {
  describeShape,
  formatDensity,
  normAfter,
  pointwiseToOutput,
  withOutputWidth,
} from './layer-pieces';
import type { LayerReplacement } from './types';

export function sparseFactorizedLayer(layer: WeightLayer, sparsity: Sparsity): LayerReplacement {
  // docs/sift-method.md: at s = 0 every transform is exactly the dense layer; a rank-d bottleneck
  // is not.
  if (sparsity === 0) return { layers: [layer], summary: `${describeShape(layer)}, dense` };
  const { dIn, dOut } = matmulDims(layer);
  const rank = factorizedRank(dIn, dOut, sparsity);
  const density = factorizedDensity(dIn, dOut, rank);
  const u = withOutputWidth(layer, rank, {
    name: `${layer.name}.u`,
    density,
    isSparsified: true,
    hasBias: false, // the norm after U has its own shift
  });
  const v = pointwiseToOutput(layer, rank, {
    name: `${layer.name}.v`,
    density,
    isSparsified: true,
    hasBias: layer.hasBias,
  });
  const norm = normAfter(layer, `${layer.name}.norm`, rank);
  return {
    layers: [u, norm, v],
    rank,
    summary:
      `U ${describeShape(u)} + ${norm.kind === 'batchnorm2d' ? 'BN' : 'LN'} + ReLU + ` +
      `V ${describeShape(v)}, both at density ${formatDensity(density)}`,
  };
}

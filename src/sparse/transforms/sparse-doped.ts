// Sparse Doped (docs/sift-method.md): y = V(U x) + W x with a DENSE low-rank pair (no activation
// between) and the full-size W sparse at s; rank r = s D_in D_out / (D_in + D_out) rounded down,
// and W at the density that spends what the floor left over (iso-flop.ts dopedSparseDensity). In
// a conv net U is a k x k conv C_in -> r with the original stride and V a 1x1 conv r -> C_out. U
// and V stay dense as the paper says (the released code masks them too, which breaks iso-FLOP).
import type { WeightLayer } from '../../spec/model-spec';
import { FULL_DENSITY, type Sparsity } from '../../spec/sparsity';
import { matmulDims } from '../../spec/model-spec';
import { dopedRank, dopedSparseDensity } from './iso-flop';
import {
  copyLayer,
  describeShape,
  formatDensity,
  pointwiseToOutput,
  withOutputWidth,
} from './layer-pieces';
import type { LayerReplacement } from './types';

export function sparseDopedLayer(layer: WeightLayer, sparsity: Sparsity): LayerReplacement {
  const { dIn, dOut } = matmulDims(layer);
  const rank = dopedRank(dIn, dOut, sparsity);
  const density = dopedSparseDensity(dIn, dOut, rank);
  // W keeps the layer's name, so its parameter path is the dense model's.
  const w = copyLayer(layer, {
    name: layer.name,
    density,
    isSparsified: true,
    hasBias: layer.hasBias,
  });
  if (rank === 0) {
    // Too small a sparsity for one rank: the cheapest iso-FLOP layer is the dense one.
    return { layers: [layer], rank: 0, summary: `${describeShape(layer)}, dense (rank 0)` };
  }
  const dense = { density: FULL_DENSITY, isSparsified: false, hasBias: false };
  const u = withOutputWidth(layer, rank, { name: `${layer.name}.u`, ...dense });
  const v = pointwiseToOutput(layer, rank, { name: `${layer.name}.v`, ...dense });
  return {
    layers: [w, u, v],
    rank,
    summary:
      `W ${describeShape(layer)} at density ${formatDensity(density)} + ` +
      `dense U ${describeShape(u)}, V ${describeShape(v)}`,
  };
}

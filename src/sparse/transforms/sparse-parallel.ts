// Sparse Parallel (docs/sift-method.md): y = sum_j norm_j(W_j x) with n = 1/(1 - s) sparse copies
// of the layer, each at density 1 - s and with its own norm, so n (1 - s) = 1 keeps the FLOPs.
// RepVGG-style branches, as the reference BlockISOFlopParallel sums bn_j(conv_j(x)).
import type { NormLayer, WeightLayer } from '../../spec/model-spec';
import { densityOf, type Sparsity } from '../../spec/sparsity';
import { parallelBranches } from './iso-flop';
import { copyLayer, describeShape, formatDensity, normAfter } from './layer-pieces';
import type { LayerReplacement } from './types';

/**
 * `followingNorm` is the norm the base model applies to this layer's output (a ResNet conv's BN):
 * the branches' norms replace it. Without one (GPT linears) each branch gets a new LayerNorm over
 * its outputs, and a single branch (n = 1) gets none, so it is exactly the sparse layer.
 */
export function sparseParallelLayer(
  layer: WeightLayer,
  sparsity: Sparsity,
  followingNorm?: NormLayer,
): LayerReplacement {
  const n = parallelBranches(sparsity);
  const density = densityOf(sparsity);
  if (n === 1) {
    return {
      layers: [{ ...layer, density }],
      branches: 1,
      summary: `1 branch: ${describeShape(layer)} at density ${formatDensity(density)}`,
    };
  }
  const layers: (WeightLayer | NormLayer)[] = [];
  for (let j = 0; j < n; j++) {
    layers.push(
      copyLayer(layer, {
        name: `${layer.name}.branches.${j}`,
        density,
        isSparsified: true,
        hasBias: layer.hasBias,
      }),
    );
    const normName = `${layer.name}.norms.${j}`;
    layers.push(
      followingNorm
        ? { ...followingNorm, name: normName }
        : normAfter(
            layer,
            normName,
            layer.kind === 'conv2d' ? layer.outChannels : layer.outFeatures,
          ),
    );
  }
  const normKind = followingNorm?.kind ?? (layer.kind === 'conv2d' ? 'batchnorm2d' : 'layernorm');
  return {
    layers,
    replacesNorm: followingNorm?.name,
    branches: n,
    summary:
      `${n} branches: ${describeShape(layer)} at density ${formatDensity(density)}, ` +
      `own ${normKind === 'batchnorm2d' ? 'BN' : 'LN'} each`,
  };
}

// Sparse Parallel (docs/sift-method.md): y = sum_j norm_j(W_j x) with n = round(1/(1 - s)) sparse
// copies of the layer, each at density 1/n and with its own norm, so n branches cost the dense
// layer at any s (1/n = 1 - s at s = .5/.75/.9). RepVGG-style branches, as the reference
// BlockISOFlopParallel sums bn_j(conv_j(x)).
import type { NormLayer, WeightLayer } from '../../spec/model-spec';
import type { Sparsity } from '../../spec/sparsity';
import { parallelBranchDensity, parallelBranches } from './iso-flop';
import { copyLayer, describeShape, formatDensity, normAfter } from './layer-pieces';
import type { LayerReplacement } from './types';

/**
 * `followingNorm` is the norm the base model applies to this layer's output (a ResNet conv's BN):
 * the branches' norms replace it. Without one (GPT linears) each branch gets a new LayerNorm over
 * its outputs, and a single branch (n = 1, s < 1/3) gets none: it is the dense layer, the only
 * one-branch layer that costs what the dense one did.
 */
export function sparseParallelLayer(
  layer: WeightLayer,
  sparsity: Sparsity,
  followingNorm?: NormLayer,
): LayerReplacement {
  const n = parallelBranches(sparsity);
  const density = parallelBranchDensity(n);
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

// A model described as an ordered list of layers with shapes: enough to count MACs and parameters
// and to instantiate the modules later (models/ turns a spec into Modules). No tensors here.
// Layer names are PyTorch module paths so exports load into the same PyTorch module unchanged.
import { SiftError } from '../common/errors';
import type { GptConfig } from './gpt-spec';
import type { ResNetConfig } from './resnet-spec';
import type { Density } from './sparsity';

/** The architecture a spec was built from; sparse-wide rebuilds a spec from a widened config. */
export type ArchConfig = ResNetConfig | GptConfig;

/**
 * Where a layer sits. SIFT sparsifies `body` weight layers only; `stem`, `classifier` and `lm-head`
 * stay dense (docs/sift-method.md, "Which layers").
 */
export type WeightRole = 'stem' | 'body' | 'classifier' | 'lm-head';

interface WeightLayerBase {
  name: string;
  role: WeightRole;
  hasBias: boolean;
  /** SIFT sparsifies this weight (every conv/linear except stem and classifier / LM head). */
  isSparsified: boolean;
  /** Planned fraction of kept weights: 1 in an untransformed spec, set by sparse/transforms/plan. */
  density: Density;
  /**
   * Counted in the iso-FLOP budget. True for every conv and linear of a ResNet (the paper's
   * 555.47M MACs include stem and FC); false for the tied GPT LM head, which docs/sift-method.md
   * reports separately because it is not iso-FLOP.
   */
  inIsoFlopBudget: boolean;
  /** Name of the norm applied directly to this layer's output, if any (ResNet conv -> BN). */
  normName?: string;
}

/** y: (Cout, outH, outW) = conv(x: (Cin, inH, inW)), weight (Cout, Cin, k, k) as PyTorch (OIHW). */
export interface Conv2dLayer extends WeightLayerBase {
  kind: 'conv2d';
  inChannels: number;
  outChannels: number;
  kernelSize: number;
  stride: number;
  padding: number;
  inHeight: number;
  inWidth: number;
  outHeight: number;
  outWidth: number;
}

/** y: (rows, out) = x: (rows, in) W^T, weight (out, in) as PyTorch; rows = positions per sample. */
export interface LinearLayer extends WeightLayerBase {
  kind: 'linear';
  inFeatures: number;
  outFeatures: number;
  /** Rows per sample: 1 for a classifier, T (context length) for a GPT linear. */
  rows: number;
  /** Parameter shared with another layer (GPT lm_head uses transformer.wte); not counted twice. */
  tiedTo?: string;
}

export type WeightLayer = Conv2dLayer | LinearLayer;

/** BatchNorm2d over channels or LayerNorm over the last dim; affine weight and (if hasBias) bias. */
export interface NormLayer {
  kind: 'batchnorm2d' | 'layernorm';
  name: string;
  role: 'norm';
  features: number;
  /** Output elements per sample (for activation memory). */
  elementsPerSample: number;
  hasBias: boolean;
}

/** Lookup table (numEmbeddings, embeddingDim); `rows` lookups per sample. No MACs. */
export interface EmbeddingLayer {
  kind: 'embedding';
  name: string;
  role: 'embedding';
  numEmbeddings: number;
  embeddingDim: number;
  rows: number;
}

/**
 * The two activation-activation matmuls of causal self-attention, QK^T and AV, for one block. Not
 * a PyTorch module and no parameters: the name (`transformer.h.0.attn.scores`) only labels the
 * cost. Not iso-FLOP (docs/sift-method.md): reported beside the budget.
 */
export interface AttentionLayer {
  kind: 'attention';
  name: string;
  role: 'attention';
  nHead: number;
  headDim: number;
  seqLen: number;
}

export type LayerSpec = WeightLayer | NormLayer | EmbeddingLayer | AttentionLayer;

/** What a model is trained to do; also the `task` of an exported config.json. */
export type Task = 'classify' | 'language';

/** A whole model: what it was built from, what it consumes, and its layers in forward order. */
export interface ModelSpec {
  /** Preset or descriptive name, for tables and exports. */
  name: string;
  task: Task;
  arch: ArchConfig;
  /** Per-sample input: (C, H, W) image or (T,) token ids. */
  inputShape: readonly number[];
  layers: readonly LayerSpec[];
}

export function isWeightLayer(layer: LayerSpec): layer is WeightLayer {
  return layer.kind === 'conv2d' || layer.kind === 'linear';
}

export function weightLayers(spec: ModelSpec): WeightLayer[] {
  return spec.layers.filter(isWeightLayer);
}

/** The weight shape as PyTorch stores it: conv (Cout, Cin, k, k), linear (out, in). */
export function weightShape(layer: WeightLayer): number[] {
  return layer.kind === 'conv2d'
    ? [layer.outChannels, layer.inChannels, layer.kernelSize, layer.kernelSize]
    : [layer.outFeatures, layer.inFeatures];
}

export function weightNumel(layer: WeightLayer): number {
  return weightShape(layer).reduce((p, d) => p * d, 1);
}

/**
 * A weight layer as one matmul per sample (docs/sift-method.md, "FLOPs"): `rows` output positions,
 * each a dot product of length dIn = k*k*Cin (conv) or in (linear), for dOut = Cout or out outputs.
 */
export interface MatmulDims {
  rows: number;
  dIn: number;
  dOut: number;
}

export function matmulDims(layer: WeightLayer): MatmulDims {
  return layer.kind === 'conv2d'
    ? {
        rows: layer.outHeight * layer.outWidth,
        dIn: layer.kernelSize * layer.kernelSize * layer.inChannels,
        dOut: layer.outChannels,
      }
    : { rows: layer.rows, dIn: layer.inFeatures, dOut: layer.outFeatures };
}

/** Output size of a conv or pool along one axis (PyTorch's floor formula, dilation 1). */
export function convOutputSize(
  inSize: number,
  kernelSize: number,
  stride: number,
  padding: number,
): number {
  const out = Math.floor((inSize + 2 * padding - kernelSize) / stride) + 1;
  if (out < 1) {
    throw new SiftError(
      'CONFIG_INVALID',
      `conv with kernel ${kernelSize}, stride ${stride}, padding ${padding} on size ${inSize} ` +
        'has no output positions',
    );
  }
  return out;
}

export function findLayer(spec: ModelSpec, name: string): LayerSpec {
  const layer = spec.layers.find((l) => l.name === name);
  if (!layer) throw new SiftError('INVALID_ARGUMENT', `no layer named ${name} in ${spec.name}`);
  return layer;
}

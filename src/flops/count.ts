// Forward MACs and parameters of a ModelSpec, per layer and per model (docs/sift-method.md,
// "FLOPs"). A conv or linear costs rows * dIn * dOut multiply-adds per sample; a sparse one costs
// its kept fraction of that in theory, and whatever the kernel executes in practice. Norms,
// activations, residual adds, pooling, softmax and biases are excluded from every MAC total: the
// paper's budget (0.5555 GMACs for CIFAR ResNet-18) counts convs + FC only, and they are small
// beside them.
import {
  isWeightLayer,
  matmulDims,
  weightNumel,
  weightShape,
  type AttentionLayer,
  type LayerSpec,
  type ModelSpec,
  type WeightLayer,
} from '../spec/model-spec';
import { activeCount } from '../spec/sparsity';

/** Multiply-adds per sample of a weight layer run dense at its (possibly widened) size. */
export function denseEquivalentMacs(layer: WeightLayer): number {
  const { rows, dIn, dOut } = matmulDims(layer);
  return rows * dIn * dOut;
}

/** Kept fraction of a weight as the mask holds it: active count / numel (exact, not nominal). */
export function realizedDensity(layer: WeightLayer): number {
  if (!layer.isSparsified) return 1;
  const numel = weightNumel(layer);
  return activeCount(numel, layer.density) / numel;
}

/** QK^T and AV of one attention block: 2 * T * T * d MACs, the full square a dense kernel runs. */
export function attentionMacs(layer: AttentionLayer): number {
  return 2 * layer.seqLen * layer.seqLen * layer.nHead * layer.headDim;
}

/**
 * MACs a kernel actually executes for a weight layer, given its dense-equivalent MACs. The
 * caller supplies the model of its kernels (e.g. sparse/kernel-choice picks per density and
 * shape); two bounds are provided below.
 */
export type ExecutedMacsModel = (layer: WeightLayer, denseEquivalentMacs: number) => number;

/** Masked dense kernels multiply every entry, zeros included: cost = dense-equivalent. */
export const maskedDenseKernel: ExecutedMacsModel = (_layer, macs) => macs;

/** An ideal zero-skipping kernel: cost = kept fraction of the dense-equivalent. */
export const zeroSkippingKernel: ExecutedMacsModel = (layer, macs) => macs * realizedDensity(layer);

export interface WeightLayerCount {
  name: string;
  kind: WeightLayer['kind'];
  role: WeightLayer['role'];
  shape: number[];
  isSparsified: boolean;
  inIsoFlopBudget: boolean;
  /** Kept fraction as the mask holds it (1 for dense layers). */
  density: number;
  denseEquivalentMacs: number;
  /** Theoretical: dense-equivalent times density. */
  forwardMacs: number;
  executedMacs: number;
  /** Weight + bias entries (0 for a weight tied to another layer). */
  params: number;
  /** Kept weight entries + bias. */
  activeParams: number;
}

/** Sums of one part of a model, per sample. */
export interface MacTotals {
  forwardMacs: number;
  denseEquivalentMacs: number;
  executedMacs: number;
}

export interface ModelCount {
  weightLayers: WeightLayerCount[];
  /**
   * Layers in the iso-FLOP budget (docs/sift-method.md): what transforms must keep equal to dense.
   */
  budget: MacTotals;
  /**
   * Outside the budget: attention scores and layers such as the tied LM head (docs/sift-method.md,
   * "The four transforms").
   */
  outsideBudget: MacTotals & { attentionMacs: number };
  /** budget + outsideBudget: what a forward pass costs in all. */
  total: MacTotals;
  /** Every parameter (weights at full size, biases, norms, embeddings), tied weights once. */
  paramsTotal: number;
  /** Parameters that are not masked out. */
  paramsActive: number;
}

export interface CountOptions {
  executed?: ExecutedMacsModel;
}

function otherParams(layer: Exclude<LayerSpec, WeightLayer>): number {
  switch (layer.kind) {
    case 'batchnorm2d':
    case 'layernorm':
      return layer.features * (layer.hasBias ? 2 : 1);
    case 'embedding':
      return layer.numEmbeddings * layer.embeddingDim;
    case 'attention':
      return 0;
  }
}

export function countWeightLayer(
  layer: WeightLayer,
  executed: ExecutedMacsModel = maskedDenseKernel,
): WeightLayerCount {
  const shape = weightShape(layer);
  const numel = weightNumel(layer);
  const density = realizedDensity(layer);
  const macs = denseEquivalentMacs(layer);
  const bias = layer.hasBias ? shape[0] : 0;
  const isTied = layer.kind === 'linear' && layer.tiedTo !== undefined;
  return {
    name: layer.name,
    kind: layer.kind,
    role: layer.role,
    shape,
    isSparsified: layer.isSparsified,
    inIsoFlopBudget: layer.inIsoFlopBudget,
    density,
    denseEquivalentMacs: macs,
    forwardMacs: density === 1 ? macs : macs * density,
    executedMacs: executed(layer, macs),
    params: isTied ? 0 : numel + bias,
    activeParams: isTied
      ? 0
      : (layer.isSparsified ? activeCount(numel, layer.density) : numel) + bias,
  };
}

const zero = (): MacTotals => ({ forwardMacs: 0, denseEquivalentMacs: 0, executedMacs: 0 });

function addTo(t: MacTotals, c: MacTotals): void {
  t.forwardMacs += c.forwardMacs;
  t.denseEquivalentMacs += c.denseEquivalentMacs;
  t.executedMacs += c.executedMacs;
}

/** Counts a whole spec, per sample (one image, or one sequence of contextLength tokens). */
export function countModel(spec: ModelSpec, options: CountOptions = {}): ModelCount {
  const executed = options.executed ?? maskedDenseKernel;
  const weightLayers: WeightLayerCount[] = [];
  const budget = zero();
  const outsideBudget = { ...zero(), attentionMacs: 0 };
  let paramsTotal = 0;
  let paramsActive = 0;
  for (const layer of spec.layers) {
    if (isWeightLayer(layer)) {
      const c = countWeightLayer(layer, executed);
      weightLayers.push(c);
      addTo(c.inIsoFlopBudget ? budget : outsideBudget, c);
      paramsTotal += c.params;
      paramsActive += c.activeParams;
    } else {
      if (layer.kind === 'attention') {
        const macs = attentionMacs(layer);
        outsideBudget.attentionMacs += macs;
        addTo(outsideBudget, { forwardMacs: macs, denseEquivalentMacs: macs, executedMacs: macs });
      }
      const p = otherParams(layer);
      paramsTotal += p;
      paramsActive += p;
    }
  }
  const total = zero();
  addTo(total, budget);
  addTo(total, outsideBudget);
  return { weightLayers, budget, outsideBudget, total, paramsTotal, paramsActive };
}

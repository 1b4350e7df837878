// Rough training-memory estimate for the UI: parameters, gradients and optimiser state stored at
// full (dense-equivalent) size, as masked kernels keep them, plus one byte per mask entry and the
// activations backward needs. The activation term is an order of magnitude, not an allocator
// trace: it counts each layer output once (twice after a norm, for the activation that follows)
// and the attention score and probability matrices.
import { isWeightLayer, matmulDims, weightNumel, type ModelSpec } from '../spec/model-spec';
import type { ModelCount } from './count';

export type OptimizerKind = 'sgd' | 'sgd-momentum' | 'adamw';

/** Extra float32 slots per parameter: momentum for SGD, two moments for Adam(W). */
const OPTIMIZER_SLOTS: Record<OptimizerKind, number> = { sgd: 0, 'sgd-momentum': 1, adamw: 2 };

const FLOAT_BYTES = 4;

export interface MemoryEstimate {
  parameterBytes: number;
  gradientBytes: number;
  optimizerStateBytes: number;
  /** u8 masks of the sparse weights. */
  maskBytes: number;
  activationBytes: number;
  totalBytes: number;
}

/** Activation values kept per sample for backward (rough, see the header). */
export function activationElementsPerSample(spec: ModelSpec): number {
  let elements = spec.inputShape.reduce((p, d) => p * d, 1);
  for (const layer of spec.layers) {
    if (isWeightLayer(layer)) {
      const { rows, dOut } = matmulDims(layer);
      elements += rows * dOut;
    } else if (layer.kind === 'attention') {
      elements += 2 * layer.nHead * layer.seqLen * layer.seqLen;
    } else if (layer.kind === 'embedding') {
      elements += layer.rows * layer.embeddingDim;
    } else {
      elements += 2 * layer.elementsPerSample;
    }
  }
  return elements;
}

export function estimateTrainingMemory(
  spec: ModelSpec,
  count: ModelCount,
  batchSize: number,
  optimizer: OptimizerKind,
): MemoryEstimate {
  const parameterBytes = count.paramsTotal * FLOAT_BYTES;
  let maskBytes = 0;
  for (const layer of spec.layers) {
    if (isWeightLayer(layer) && layer.isSparsified && layer.density < 1) {
      maskBytes += weightNumel(layer);
    }
  }
  const activationBytes = batchSize * activationElementsPerSample(spec) * FLOAT_BYTES;
  const optimizerStateBytes = OPTIMIZER_SLOTS[optimizer] * parameterBytes;
  return {
    parameterBytes,
    gradientBytes: parameterBytes,
    optimizerStateBytes,
    maskBytes,
    activationBytes,
    totalBytes: 2 * parameterBytes + optimizerStateBytes + maskBytes + activationBytes,
  };
}

// What a run will allocate, checked against what the device and the user allow, before anything
// is built: the parameter count (a cap the user can raise), the largest single GPU buffer (the
// adapter's maxBufferSize and maxStorageBufferBindingSize: one tensor must fit one binding), and
// the active weights of every sparse layer. A Sparse Wide ResNet-18 at s = 0.999 would build 76M
// parameters and never finish a step on a laptop; s = 0.99999 rounds every mask to zero weights.
import { isWeightLayer, matmulDims, weightNumel, type ModelSpec } from '../spec/model-spec';
import type { ModelCount } from './count';

export interface RunLimits {
  /** The adapter's maxBufferSize, in bytes. */
  maxBufferBytes: number;
  /** The adapter's maxStorageBufferBindingSize, in bytes. */
  maxBindingBytes: number;
  /** Total parameters (weights at full size, as masked kernels store them). */
  maxParams: number;
}

/**
 * WebGPU's default limits (what every adapter grants: 256 MiB buffers, 128 MiB bindings) and a
 * 20M-parameter cap, about 10x resnet18-cifar10 widened by Sparse Wide at s = 0.9 is 11M x 3.
 */
export const defaultRunLimits: RunLimits = {
  maxBufferBytes: 256 * 2 ** 20,
  maxBindingBytes: 128 * 2 ** 20,
  maxParams: 20_000_000,
};

const FLOAT_BYTES = 4;

export interface SparseLayerSize {
  name: string;
  /** Active weights at the layer's density (rounded as the masks round them). */
  activeCount: number;
  /** Fewest active weights this layer may keep: one per output unit. */
  minActive: number;
}

export interface RunSize {
  paramsTotal: number;
  /** The largest single buffer the run binds: a weight, a layer output or a conv's im2col tile. */
  largestBuffer: { name: string; bytes: number };
  sparseLayers: SparseLayerSize[];
}

/** Sizes of a planned model at a batch size (pure; uses the same counts as the FLOP readout). */
export function runSize(spec: ModelSpec, count: ModelCount, batchSize: number): RunSize {
  let largestBuffer = { name: '', bytes: 0 };
  const consider = (name: string, elements: number) => {
    const bytes = elements * FLOAT_BYTES;
    if (bytes > largestBuffer.bytes) largestBuffer = { name, bytes };
  };
  const sparseLayers: SparseLayerSize[] = [];
  for (const layer of spec.layers) {
    if (!isWeightLayer(layer)) continue;
    const { rows, dIn, dOut } = matmulDims(layer);
    consider(`${layer.name}.weight`, weightNumel(layer));
    consider(`${layer.name} output`, batchSize * rows * dOut);
    if (layer.kind === 'conv2d') consider(`${layer.name} im2col`, batchSize * rows * dIn);
    if (layer.isSparsified && layer.density < 1) {
      sparseLayers.push({
        name: layer.name,
        activeCount: Math.round(layer.density * weightNumel(layer)),
        minActive: dOut,
      });
    }
  }
  return { paramsTotal: count.paramsTotal, largestBuffer, sparseLayers };
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/**
 * Why a run of this size must not start, as sentences; empty when it may. The active-weight
 * floor is one weight per output unit (channel or feature): below it some outputs are certainly
 * dead and the layer no longer computes what the transform describes.
 */
export function runSizeProblems(size: RunSize, limits: RunLimits = defaultRunLimits): string[] {
  const problems: string[] = [];
  if (size.paramsTotal > limits.maxParams) {
    problems.push(
      `the model would have ${(size.paramsTotal / 1e6).toFixed(1)}M parameters, over the ` +
        `${(limits.maxParams / 1e6).toFixed(1)}M cap; lower the sparsity (Sparse Wide and Sparse Parallel grow with it) or pick a smaller model`,
    );
  }
  const bufferLimit = Math.min(limits.maxBufferBytes, limits.maxBindingBytes);
  if (size.largestBuffer.bytes > bufferLimit) {
    problems.push(
      `${size.largestBuffer.name} needs a ${mib(size.largestBuffer.bytes)} buffer, over this GPU's ` +
        `${mib(bufferLimit)} limit (maxBufferSize ${mib(limits.maxBufferBytes)}, ` +
        `maxStorageBufferBindingSize ${mib(limits.maxBindingBytes)}); lower the batch size, the sparsity or the model size`,
    );
  }
  const starved = size.sparseLayers.filter((l) => l.activeCount < l.minActive);
  if (starved.length > 0) {
    const first = starved[0];
    problems.push(
      `at this sparsity ${starved.length} sparse layer(s) keep fewer active weights than outputs ` +
        `(${first.name}: ${first.activeCount} active for ${first.minActive} outputs); lower the sparsity`,
    );
  }
  return problems;
}

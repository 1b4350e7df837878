// Forward conv2d throughput at the small ResNet's layer shapes (resnet-mini: 28x28x1 input,
// widths 16/32/64), through the op the models use (src/ops/conv.ts: im2col + matmul + layout).
import type { WebGpuBackend } from '../gpu/backend';
import { presetSpec } from '../models/presets';
import { conv2d } from '../ops/conv';
import { noGrad } from '../tensor/tape';
import { tensor } from '../tensor/tensor';
import { randomArray } from './matmul-bench';
import { gflops, timeGpu, type TimingOptions } from './timing';

export interface ConvCase {
  /** Layer names of the preset that share this shape. */
  name: string;
  batch: number;
  inChannels: number;
  outChannels: number;
  size: number;
  kernel: number;
  stride: number;
  padding: number;
  outSize: number;
}

export interface ConvResult extends ConvCase {
  ms: number;
  gflops: number;
}

/** Timing budget per conv shape (ours and the peer's alike). */
export const CONV_TIMING: TimingOptions = { minMs: 400, maxIterations: 50, rounds: 2 };

/** 2 * N * OH * OW * O * C * KH * KW (multiply-adds of the forward pass, times 2). */
export const convFlops = (c: ConvCase): number =>
  2 * c.batch * c.outSize * c.outSize * c.outChannels * c.inChannels * c.kernel * c.kernel;

/** "layer2.0.conv1 16->32 3x3/2 28px": the layers, channels, kernel / stride, input size. */
export const convLabel = (c: ConvCase): string =>
  `${c.name} ${c.inChannels}->${c.outChannels} ${c.kernel}x${c.kernel}/${c.stride} ${c.size}px`;

/** Distinct conv shapes of a preset's model at a given batch size, in network order. */
export function convCases(preset = 'resnet-mini', batch = 32): ConvCase[] {
  const byShape = new Map<string, ConvCase>();
  for (const layer of presetSpec(preset).layers) {
    if (layer.kind !== 'conv2d') continue;
    const c: ConvCase = {
      name: layer.name,
      batch,
      inChannels: layer.inChannels,
      outChannels: layer.outChannels,
      size: layer.inHeight,
      kernel: layer.kernelSize,
      stride: layer.stride,
      padding: layer.padding,
      outSize: layer.outHeight,
    };
    const key = [c.inChannels, c.outChannels, c.size, c.kernel, c.stride, c.padding].join('/');
    const seen = byShape.get(key);
    if (seen) seen.name += `, ${layer.name}`;
    else byShape.set(key, c);
  }
  return [...byShape.values()];
}

/** One forward conv2d per case (no bias, as the ResNet's convs), in GFLOP/s. */
export async function benchConv(
  gpu: WebGpuBackend,
  cases: readonly ConvCase[] = convCases(),
  onResult?: (r: ConvResult) => void,
): Promise<ConvResult[]> {
  const results: ConvResult[] = [];
  for (const c of cases) {
    const xShape = [c.batch, c.inChannels, c.size, c.size];
    const wShape = [c.outChannels, c.inChannels, c.kernel, c.kernel];
    const x = tensor(
      gpu,
      randomArray(
        xShape.reduce((p, d) => p * d, 1),
        3,
      ),
      xShape,
    );
    const w = tensor(
      gpu,
      randomArray(
        wShape.reduce((p, d) => p * d, 1),
        4,
      ),
      wShape,
    );
    const { msPerIteration } = await timeGpu(
      gpu.rt,
      () => noGrad(() => conv2d(x, w, null, { stride: c.stride, padding: c.padding })).dispose(),
      CONV_TIMING,
    );
    x.dispose();
    w.dispose();
    const r = { ...c, ms: msPerIteration, gflops: gflops(convFlops(c), msPerIteration) };
    results.push(r);
    onResult?.(r);
  }
  return results;
}

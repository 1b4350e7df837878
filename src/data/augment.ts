// Image augmentation and normalisation on NCHW batches, as torchvision's standard CIFAR pipeline
// (RandomCrop(32, padding=4), RandomHorizontalFlip(), ToTensor(), Normalize(mean, std)): crop and
// flip run on the raw pixels, so padding is black before normalisation, as there.

import { SiftError } from '../common/errors';
import type { Rng } from '../common/rng';
import type { ImageDataset } from './image-dataset';

/** Raw pixels (0..255) or floats. */
export type PixelArray = Uint8Array | Float32Array;
/** (N, C, H, W). */
export type BatchShape = readonly [number, number, number, number];

/** Per-channel mean and standard deviation in 0..1 pixel units, as torchvision's Normalize. */
export interface Normalization {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** The usual constants, measured on each training set. */
export const MNIST_NORMALIZATION: Normalization = { mean: [0.1307], std: [0.3081] };
export const CIFAR10_NORMALIZATION: Normalization = {
  mean: [0.4914, 0.4822, 0.4465],
  std: [0.247, 0.2435, 0.2616],
};
export const CIFAR100_NORMALIZATION: Normalization = {
  mean: [0.5071, 0.4865, 0.4409],
  std: [0.2673, 0.2564, 0.2762],
};

function checkShape(x: PixelArray, shape: BatchShape, what: string): void {
  const [N, C, H, W] = shape;
  if (shape.some((d) => !Number.isInteger(d) || d < 0) || x.length !== N * C * H * W) {
    throw new SiftError(
      'SHAPE_MISMATCH',
      `${what}: shape (${shape.join(', ')}) needs ${N * C * H * W} values, found ${x.length}`,
    );
  }
}

function sameKind<T extends PixelArray>(x: T, length: number): T {
  return (x instanceof Uint8Array ? new Uint8Array(length) : new Float32Array(length)) as T;
}

/**
 * Pads each image with `pad` zeros on every side and crops H x W at offset (dy, dx) in [0, 2 pad],
 * taken from `offsets` as (N, 2) pairs. x: (N, C, H, W) -> (N, C, H, W).
 */
export function cropWithPadding<T extends PixelArray>(
  x: T,
  shape: BatchShape,
  pad: number,
  offsets: ArrayLike<number>,
): T {
  checkShape(x, shape, 'cropWithPadding');
  const [N, C, H, W] = shape;
  if (offsets.length !== 2 * N) {
    throw new SiftError(
      'SHAPE_MISMATCH',
      `cropWithPadding: expected ${2 * N} offsets, found ${offsets.length}`,
    );
  }
  const out = sameKind(x, x.length);
  for (let n = 0; n < N; n++) {
    const dy = offsets[2 * n] - pad;
    const dx = offsets[2 * n + 1] - pad;
    if (Math.abs(dy) > pad || Math.abs(dx) > pad) {
      throw new SiftError(
        'INVALID_ARGUMENT',
        `cropWithPadding: offsets (${offsets[2 * n]}, ${offsets[2 * n + 1]}) of image ${n} outside 0..${2 * pad}`,
      );
    }
    for (let c = 0; c < C; c++) {
      const plane = (n * C + c) * H * W;
      for (let i = 0; i < H; i++) {
        const si = i + dy;
        if (si < 0 || si >= H) continue;
        for (let j = 0; j < W; j++) {
          const sj = j + dx;
          if (sj >= 0 && sj < W) out[plane + i * W + j] = x[plane + si * W + sj];
        }
      }
    }
  }
  return out;
}

/** Random crop with zero padding: per image, dy and dx uniform in [0, 2 pad]. */
export function randomCropWithPadding<T extends PixelArray>(
  x: T,
  shape: BatchShape,
  pad: number,
  rng: Rng,
): T {
  const offsets = new Int32Array(2 * shape[0]);
  for (let k = 0; k < offsets.length; k++) offsets[k] = rng.int(2 * pad + 1);
  return cropWithPadding(x, shape, pad, offsets);
}

/** Mirrors image n left-right where flips[n] is truthy. x: (N, C, H, W) -> (N, C, H, W). */
export function flipHorizontal<T extends PixelArray>(
  x: T,
  shape: BatchShape,
  flips: ArrayLike<unknown>,
): T {
  checkShape(x, shape, 'flipHorizontal');
  const [N, C, H, W] = shape;
  if (flips.length !== N) {
    throw new SiftError(
      'SHAPE_MISMATCH',
      `flipHorizontal: expected ${N} flags, found ${flips.length}`,
    );
  }
  const out = sameKind(x, x.length);
  out.set(x);
  for (let n = 0; n < N; n++) {
    if (!flips[n]) continue;
    for (let row = n * C * H; row < (n + 1) * C * H; row++) {
      const base = row * W;
      for (let j = 0; j < W; j++) out[base + j] = x[base + W - 1 - j];
    }
  }
  return out;
}

/** Flips each image with probability `probability`. */
export function randomHorizontalFlip<T extends PixelArray>(
  x: T,
  shape: BatchShape,
  rng: Rng,
  probability = 0.5,
): T {
  const flips = Array.from({ length: shape[0] }, () => rng.next() < probability);
  return flipHorizontal(x, shape, flips);
}

/**
 * (x - mean[c]) / std[c] per channel. Uint8 input is first scaled to 0..1 (x / 255); float input
 * is taken to be in 0..1 already. x: (N, C, H, W) -> float32 (N, C, H, W).
 */
export function normalize(x: PixelArray, shape: BatchShape, norm: Normalization): Float32Array {
  checkShape(x, shape, 'normalize');
  const [N, C, H, W] = shape;
  if (norm.mean.length !== C || norm.std.length !== C || norm.std.some((s) => !(s > 0))) {
    throw new SiftError(
      'INVALID_ARGUMENT',
      `normalize: expected ${C} means and ${C} positive stds, found mean [${norm.mean.join(', ')}], std [${norm.std.join(', ')}]`,
    );
  }
  const scale = x instanceof Uint8Array ? 1 / 255 : 1;
  const out = new Float32Array(x.length);
  const plane = H * W;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const mean = norm.mean[c];
      const invStd = 1 / norm.std[c];
      const base = (n * C + c) * plane;
      for (let k = base; k < base + plane; k++) out[k] = (x[k] * scale - mean) * invStd;
    }
  }
  return out;
}

/** Per-channel mean and (population) standard deviation of a dataset, in 0..1 units. */
export function channelStats(ds: ImageDataset): Normalization {
  const C = ds.channels;
  const plane = ds.height * ds.width;
  const sum = new Float64Array(C);
  const sumSq = new Float64Array(C);
  for (let n = 0; n < ds.count; n++) {
    for (let c = 0; c < C; c++) {
      const base = (n * C + c) * plane;
      for (let k = base; k < base + plane; k++) {
        const v = ds.images[k] / 255;
        sum[c] += v;
        sumSq[c] += v * v;
      }
    }
  }
  const count = ds.count * plane;
  if (count === 0)
    throw new SiftError('INVALID_ARGUMENT', `channelStats: ${ds.name} has no pixels`);
  const mean = Array.from(sum, (s) => s / count);
  const std = Array.from(sumSq, (s, c) => Math.sqrt(Math.max(s / count - mean[c] * mean[c], 0)));
  return { mean, std };
}

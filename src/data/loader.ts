// Seeded, shuffling batches over an ImageDataset: uint8 pixels are gathered, augmented and
// normalised into float32 per batch. Batch `step` is a pure function of (seed, step), so a resumed
// run sees exactly the batches the original would have, without replaying the ones before.

import { SiftError } from '../common/errors';
import { randomU32, Rng } from '../common/rng';
import {
  normalize,
  randomCropWithPadding,
  randomHorizontalFlip,
  type BatchShape,
  type Normalization,
} from './augment';
import { imageBytes, type ImageDataset } from './image-dataset';

/** Training-time augmentation; null or absent means none (evaluation). */
export interface AugmentOptions {
  /** Zero padding for the random crop (4 for CIFAR); 0 or absent disables the crop. */
  readonly cropPadding?: number;
  /** Random horizontal flip with probability 1/2. */
  readonly flip?: boolean;
}

export interface ImageLoaderOptions {
  readonly batchSize: number;
  readonly seed: number;
  readonly normalization: Normalization;
  /** A fresh permutation each epoch (default true); false keeps dataset order. */
  readonly shuffle?: boolean;
  /** Drop the last partial batch of an epoch (default: same as `shuffle`). */
  readonly dropLast?: boolean;
  readonly augment?: AugmentOptions | null;
}

/** One batch, ready to upload. */
export interface ImageBatch {
  /** (B, C, H, W) normalised float32. */
  readonly images: Float32Array;
  /** (B) class indices as float32 (integer data is stored as float32). */
  readonly labels: Float32Array;
  readonly batchSize: number;
  readonly shape: BatchShape;
  /** Global batch number, epoch, and position within the epoch. */
  readonly step: number;
  readonly epoch: number;
  readonly indexInEpoch: number;
}

// Distinct derived streams so the shuffle and the augmentation never share random numbers.
const SHUFFLE_STREAM = 0x243f6a88;
const AUGMENT_STREAM = 0x13198a2e;

/** A seeded batch iterator with epochs; see ImageLoaderOptions for the defaults. */
export class ImageBatchLoader {
  readonly batchesPerEpoch: number;
  private readonly shuffle: boolean;
  private readonly dropLast: boolean;
  private cachedEpoch = -1;
  private cachedOrder: Uint32Array = new Uint32Array(0);

  constructor(
    readonly dataset: ImageDataset,
    readonly options: ImageLoaderOptions,
  ) {
    const { batchSize, seed } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new SiftError(
        'INVALID_ARGUMENT',
        `batch size must be a positive integer, found ${batchSize}`,
      );
    }
    if (!Number.isInteger(seed))
      throw new SiftError('INVALID_ARGUMENT', `seed must be an integer, found ${seed}`);
    const { mean, std } = options.normalization;
    if (mean.length !== dataset.channels || std.length !== dataset.channels) {
      throw new SiftError(
        'INVALID_ARGUMENT',
        `${dataset.name} has ${dataset.channels} channels, normalisation gives ${mean.length} means and ${std.length} stds`,
      );
    }
    const pad = options.augment?.cropPadding ?? 0;
    if (!Number.isInteger(pad) || pad < 0) {
      throw new SiftError(
        'INVALID_ARGUMENT',
        `crop padding must be a non-negative integer, found ${pad}`,
      );
    }
    this.shuffle = options.shuffle ?? true;
    this.dropLast = options.dropLast ?? this.shuffle;
    this.batchesPerEpoch = this.dropLast
      ? Math.floor(dataset.count / batchSize)
      : Math.ceil(dataset.count / batchSize);
    if (this.batchesPerEpoch === 0) {
      throw new SiftError(
        'INVALID_ARGUMENT',
        `${dataset.name} has ${dataset.count} images, fewer than one batch of ${batchSize}` +
          (this.dropLast ? ' (the last partial batch is dropped)' : ''),
      );
    }
  }

  /** Dataset indices in the order epoch `epoch` visits them. */
  order(epoch: number): Uint32Array {
    if (epoch !== this.cachedEpoch) {
      const n = this.dataset.count;
      const order = new Uint32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
      if (this.shuffle) {
        const rng = new Rng(randomU32(this.options.seed ^ SHUFFLE_STREAM, epoch));
        for (let i = n - 1; i > 0; i--) {
          const j = rng.int(i + 1);
          const t = order[i];
          order[i] = order[j];
          order[j] = t;
        }
      }
      this.cachedEpoch = epoch;
      this.cachedOrder = order;
    }
    return this.cachedOrder;
  }

  /** Global batch `step` (epoch = floor(step / batchesPerEpoch)). */
  batchAt(step: number): ImageBatch {
    if (!Number.isInteger(step) || step < 0) {
      throw new SiftError('INVALID_ARGUMENT', `step must be a non-negative integer, found ${step}`);
    }
    const ds = this.dataset;
    const epoch = Math.floor(step / this.batchesPerEpoch);
    const indexInEpoch = step % this.batchesPerEpoch;
    const order = this.order(epoch);
    const start = indexInEpoch * this.options.batchSize;
    const end = Math.min(start + this.options.batchSize, ds.count);
    const B = end - start;
    const per = imageBytes(ds);
    let pixels = new Uint8Array(B * per);
    const labels = new Float32Array(B);
    for (let b = 0; b < B; b++) {
      const index = order[start + b];
      pixels.set(ds.images.subarray(index * per, (index + 1) * per), b * per);
      labels[b] = ds.labels[index];
    }
    const shape: BatchShape = [B, ds.channels, ds.height, ds.width];
    const augment = this.options.augment;
    if (augment && (augment.cropPadding || augment.flip)) {
      const rng = new Rng(randomU32(this.options.seed ^ AUGMENT_STREAM, step));
      if (augment.cropPadding)
        pixels = randomCropWithPadding(pixels, shape, augment.cropPadding, rng);
      if (augment.flip) pixels = randomHorizontalFlip(pixels, shape, rng);
    }
    return {
      images: normalize(pixels, shape, this.options.normalization),
      labels,
      batchSize: B,
      shape,
      step,
      epoch,
      indexInEpoch,
    };
  }

  /** The batches of one epoch, in order. */
  *epoch(epoch: number): Generator<ImageBatch> {
    for (let i = 0; i < this.batchesPerEpoch; i++)
      yield this.batchAt(epoch * this.batchesPerEpoch + i);
  }

  /** Endless batches from `startStep` on, crossing epochs. */
  *batches(startStep = 0): Generator<ImageBatch> {
    for (let step = startStep; ; step++) yield this.batchAt(step);
  }
}

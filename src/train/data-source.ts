// BatchSource adapters over the datasets of src/data: images (built-in digits, CIFAR) and text.
// Training batch k is a pure function of (seed, k), so a run resumed at step k sees the batches the
// original would have; evaluation batches are fixed and the same for every evaluation.
import { channelStats, type Normalization } from '../data/augment';
import type { ImageDataset } from '../data/image-dataset';
import { ImageBatchLoader, type AugmentOptions } from '../data/loader';
import { sampleTextBatch, sequentialTextBatches, type TextSplits } from '../data/text';
import type { BatchSource, HostBatch } from './types';

export interface ImageSourceOptions {
  seed: number;
  batchSize: number;
  normalization?: Normalization;
  augment?: AugmentOptions | null;
  /** Evaluate on at most this many test images (the first ones; the split is pre-shuffled). */
  evalSamples: number;
}

export class ImageSource implements BatchSource {
  private readonly loader: ImageBatchLoader;
  private readonly evalLoader: ImageBatchLoader;
  private step = 0;
  private evalCache: HostBatch[] | null = null;

  constructor(
    readonly train: ImageDataset,
    readonly test: ImageDataset,
    private readonly options: ImageSourceOptions,
  ) {
    const normalization = options.normalization ?? channelStats(train);
    this.loader = new ImageBatchLoader(train, {
      batchSize: options.batchSize,
      seed: options.seed,
      normalization,
      augment: options.augment ?? null,
    });
    this.evalLoader = new ImageBatchLoader(test, {
      batchSize: options.batchSize,
      seed: 0,
      normalization,
      shuffle: false,
      dropLast: false,
    });
  }

  get classes(): number {
    return this.train.classes;
  }

  /** Continue from a given step (resume). */
  seek(step: number): void {
    this.step = step;
  }

  nextTrain(): HostBatch {
    const b = this.loader.batchAt(this.step++);
    return { inputs: b.images, inputShape: [...b.shape], targets: b.labels };
  }

  evalBatches(): HostBatch[] {
    if (!this.evalCache) {
      const batches: HostBatch[] = [];
      let seen = 0;
      for (let i = 0; seen < Math.min(this.options.evalSamples, this.test.count); i++) {
        const b = this.evalLoader.batchAt(i);
        const take = Math.min(b.batchSize, this.options.evalSamples - seen);
        const [, c, h, w] = b.shape;
        batches.push({
          inputs: b.images.subarray(0, take * c * h * w),
          inputShape: [take, c, h, w],
          targets: b.labels.subarray(0, take),
        });
        seen += take;
        if (b.indexInEpoch === this.evalLoader.batchesPerEpoch - 1) break;
      }
      this.evalCache = batches;
    }
    return this.evalCache;
  }
}

export interface TextSourceOptions {
  seed: number;
  batchSize: number;
  blockSize: number;
  /** Evaluate on at most this many validation windows. */
  evalSamples: number;
}

export class TextSource implements BatchSource {
  private step = 0;
  private evalCache: HostBatch[] | null = null;

  constructor(
    readonly splits: TextSplits,
    private readonly options: TextSourceOptions,
  ) {}

  get vocabSize(): number {
    return this.splits.tokenizer.vocabSize;
  }

  seek(step: number): void {
    this.step = step;
  }

  nextTrain(): HostBatch {
    const { batchSize, blockSize, seed } = this.options;
    const b = sampleTextBatch(this.splits.train, batchSize, blockSize, seed, this.step++);
    return { inputs: b.inputs, inputShape: [b.batchSize, blockSize], targets: b.targets };
  }

  evalBatches(): HostBatch[] {
    const { batchSize, blockSize, evalSamples } = this.options;
    this.evalCache ??= sequentialTextBatches(
      this.splits.val,
      batchSize,
      blockSize,
      Math.max(1, Math.ceil(evalSamples / batchSize)),
    ).map((b) => ({ inputs: b.inputs, inputShape: [b.batchSize, blockSize], targets: b.targets }));
    return this.evalCache;
  }
}

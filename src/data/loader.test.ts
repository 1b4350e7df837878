import { describe, expect, it } from 'vitest';
import { expectClose } from '../testing/expect-close';
import type { ImageDataset } from './image-dataset';
import { ImageBatchLoader, type ImageLoaderOptions } from './loader';

// Image i is filled with the value i and labelled i % 5, so a batch reveals which images it holds.
function toy(count: number, C = 2, H = 3, W = 3): ImageDataset {
  const per = C * H * W;
  return {
    name: 'toy',
    images: Uint8Array.from({ length: count * per }, (_, k) => Math.floor(k / per)),
    labels: Uint8Array.from({ length: count }, (_, i) => i % 5),
    count,
    channels: C,
    height: H,
    width: W,
    classes: 5,
  };
}

const identity = { mean: [0, 0], std: [1 / 255, 1 / 255] }; // normalised value = pixel value
const base: ImageLoaderOptions = { batchSize: 4, seed: 42, normalization: identity };

/** The dataset index of each image in a batch (every pixel of image i equals i). */
function indices(images: Float32Array, per: number): number[] {
  return Array.from({ length: images.length / per }, (_, b) => Math.round(images[b * per]));
}

describe('ImageBatchLoader', () => {
  const ds = toy(10);
  const per = 18;

  it('visits a fresh permutation every epoch, reproducibly for the seed', () => {
    const loader = new ImageBatchLoader(ds, base);
    expect(loader.batchesPerEpoch).toBe(2); // 10 images, batches of 4, last partial dropped
    const epochs = [0, 1, 2].map((e) =>
      [...loader.epoch(e)].flatMap((b) => indices(b.images, per)),
    );
    for (const seen of epochs) {
      expect(seen).toHaveLength(8);
      expect(new Set(seen).size).toBe(8);
    }
    expect(epochs[0]).not.toEqual(epochs[1]);
    const again = new ImageBatchLoader(ds, base);
    expect([...again.epoch(1)].flatMap((b) => indices(b.images, per))).toEqual(epochs[1]);
    const other = new ImageBatchLoader(ds, { ...base, seed: 43 });
    expect([...other.epoch(0)].flatMap((b) => indices(b.images, per))).not.toEqual(epochs[0]);
  });

  it('makes batch k a pure function of (seed, k), whatever came before', () => {
    const a = new ImageBatchLoader(ds, { ...base, augment: { cropPadding: 1, flip: true } });
    const b = new ImageBatchLoader(ds, { ...base, augment: { cropPadding: 1, flip: true } });
    const stream = a.batches(0);
    const seen = Array.from({ length: 7 }, () => stream.next().value);
    const direct = b.batchAt(6);
    expect(direct.images).toEqual(seen[6]?.images);
    expect(direct.labels).toEqual(seen[6]?.labels);
    expect([direct.epoch, direct.indexInEpoch, direct.step]).toEqual([3, 0, 6]);
    expect(b.batchAt(2).images).toEqual(seen[2]?.images);
  });

  it('keeps labels with their images and reports float32 shapes', () => {
    const batch = new ImageBatchLoader(ds, base).batchAt(3);
    expect(batch.shape).toEqual([4, 2, 3, 3]);
    expect(batch.images).toBeInstanceOf(Float32Array);
    const idx = indices(batch.images, per);
    expect(Array.from(batch.labels)).toEqual(idx.map((i) => i % 5));
  });

  it('evaluates in dataset order with a final partial batch', () => {
    const loader = new ImageBatchLoader(ds, { ...base, shuffle: false });
    const batches = [...loader.epoch(0)];
    expect(batches.map((b) => b.batchSize)).toEqual([4, 4, 2]);
    expect(batches.flatMap((b) => indices(b.images, per))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('normalises with the given statistics', () => {
    const loader = new ImageBatchLoader(ds, {
      ...base,
      shuffle: false,
      normalization: { mean: [0.1, 0.2], std: [0.5, 0.25] },
    });
    const { images } = loader.batchAt(0);
    const want = Array.from({ length: 4 * per }, (_, k) => {
      const value = Math.floor(k / per) / 255;
      const c = Math.floor(k / 9) % 2;
      return c === 0 ? (value - 0.1) / 0.5 : (value - 0.2) / 0.25;
    });
    expectClose(images, want, { atol: 1e-6 });
  });

  it('augments differently per step but identically per seed and step', () => {
    const bigger = toy(8, 1, 6, 6);
    const opts: ImageLoaderOptions = {
      batchSize: 8,
      seed: 9,
      shuffle: false,
      normalization: { mean: [0], std: [1 / 255] },
      augment: { cropPadding: 2, flip: true },
    };
    const loader = new ImageBatchLoader(bigger, opts);
    const s0 = loader.batchAt(0).images;
    const s1 = loader.batchAt(1).images;
    expect(s0).not.toEqual(s1);
    expect(new ImageBatchLoader(bigger, opts).batchAt(1).images).toEqual(s1);
    // Cropping brings in zero padding somewhere; images 1..7 are non-zero everywhere before it.
    expect(s0.subarray(36).some((v) => v === 0)).toBe(true);
  });

  it('rejects impossible settings', () => {
    expect(() => new ImageBatchLoader(toy(3), base)).toThrow(
      'toy has 3 images, fewer than one batch of 4 (the last partial batch is dropped)',
    );
    expect(() => new ImageBatchLoader(ds, { ...base, batchSize: 0 })).toThrow(/positive integer/);
    expect(() => new ImageBatchLoader(ds, { ...base, augment: { cropPadding: 1.5 } })).toThrow(
      /crop padding must be a non-negative integer, found 1.5/,
    );
    expect(
      () => new ImageBatchLoader(ds, { ...base, normalization: { mean: [0], std: [1] } }),
    ).toThrow(/2 channels, normalisation gives 1 means/);
  });
});

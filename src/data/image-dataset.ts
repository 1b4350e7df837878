// The in-memory form every image source (built-in digits, CIFAR) parses into: raw uint8 pixels in
// NCHW order plus one label byte per image. Float conversion happens per batch in loader.ts, so a
// 50k-image CIFAR set costs 150 MB of bytes rather than 600 MB of floats.

import { SiftError } from '../common/errors';

/** A labelled image set held as bytes. */
export interface ImageDataset {
  /** Short human name, e.g. 'mnist-train' or 'cifar10-test'. */
  readonly name: string;
  /** (N, C, H, W) pixels, 0..255. */
  readonly images: Uint8Array;
  /** (N) class indices in [0, classes). */
  readonly labels: Uint8Array;
  readonly count: number;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly classes: number;
  /** One name per class where the source provides them. */
  readonly classNames?: readonly string[];
}

/** Bytes of one image: C * H * W. */
export function imageBytes(ds: Pick<ImageDataset, 'channels' | 'height' | 'width'>): number {
  return ds.channels * ds.height * ds.width;
}

/**
 * Checks the invariants every consumer relies on (array lengths, label range) and returns `ds`.
 * Parsers call it last so a bug in one shows up as a precise error rather than as garbage batches.
 */
export function checkImageDataset(ds: ImageDataset): ImageDataset {
  const dims = [ds.count, ds.channels, ds.height, ds.width, ds.classes];
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0) || ds.classes < 1) {
    throw new SiftError(
      'DATASET_BAD_FORMAT',
      `${ds.name}: dimensions must be non-negative integers with at least one class, found ` +
        `count ${ds.count}, C ${ds.channels}, H ${ds.height}, W ${ds.width}, classes ${ds.classes}`,
    );
  }
  const wantPixels = ds.count * imageBytes(ds);
  if (ds.images.length !== wantPixels) {
    throw new SiftError(
      'DATASET_BAD_FORMAT',
      `${ds.name}: expected ${wantPixels} pixel bytes (${ds.count} x ${ds.channels} x ${ds.height} x ` +
        `${ds.width}), found ${ds.images.length}`,
    );
  }
  if (ds.labels.length !== ds.count) {
    throw new SiftError(
      'DATASET_BAD_FORMAT',
      `${ds.name}: expected ${ds.count} labels, found ${ds.labels.length}`,
    );
  }
  for (let i = 0; i < ds.count; i++) {
    if (ds.labels[i] >= ds.classes) {
      throw new SiftError(
        'DATASET_BAD_FORMAT',
        `${ds.name}: image ${i} has label ${ds.labels[i]}, expected 0..${ds.classes - 1}`,
      );
    }
  }
  if (ds.classNames !== undefined && ds.classNames.length !== ds.classes) {
    throw new SiftError(
      'DATASET_BAD_FORMAT',
      `${ds.name}: expected ${ds.classes} class names, found ${ds.classNames.length}`,
    );
  }
  return ds;
}

/** Images [start, start + count) as a new dataset sharing no memory with `ds`. */
export function sliceImages(
  ds: ImageDataset,
  start: number,
  count: number,
  name = `${ds.name}[${start}:${start + count}]`,
): ImageDataset {
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0) {
    throw new SiftError(
      'INVALID_ARGUMENT',
      `sliceImages: bad range start ${start}, count ${count}`,
    );
  }
  if (start + count > ds.count) {
    throw new SiftError(
      'INVALID_ARGUMENT',
      `sliceImages: range [${start}, ${start + count}) exceeds ${ds.name}'s ${ds.count} images`,
    );
  }
  const per = imageBytes(ds);
  return {
    ...ds,
    name,
    count,
    images: ds.images.slice(start * per, (start + count) * per),
    labels: ds.labels.slice(start, start + count),
  };
}

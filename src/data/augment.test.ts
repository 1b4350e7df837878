import { describe, expect, it } from 'vitest';
import { Rng } from '../common/rng';
import { expectClose } from '../testing/expect-close';
import {
  channelStats,
  cropWithPadding,
  flipHorizontal,
  normalize,
  randomCropWithPadding,
  randomHorizontalFlip,
  type BatchShape,
} from './augment';
import type { ImageDataset } from './image-dataset';

// Pixel (n, c, i, j) = 1 + distinct small value, so 0 can only come from padding.
function batch(shape: BatchShape): Uint8Array {
  const [N, C, H, W] = shape;
  return Uint8Array.from({ length: N * C * H * W }, (_, k) => 1 + (k % 250));
}

describe('flip', () => {
  it('mirrors each row of the chosen images only', () => {
    const x = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]); // (2, 1, 2, 3)
    const y = flipHorizontal(x, [2, 1, 2, 3], [true, false]);
    expect(Array.from(y)).toEqual([3, 2, 1, 6, 5, 4, 7, 8, 9, 10, 11, 12]);
  });

  it('is its own inverse on uint8 and float batches', () => {
    const shape: BatchShape = [3, 2, 4, 5];
    const x = batch(shape);
    const rng = new Rng(3);
    const flips = [true, false, true];
    expect(flipHorizontal(flipHorizontal(x, shape, flips), shape, flips)).toEqual(x);
    const f = Float32Array.from(x, (v) => v / 7);
    const once = randomHorizontalFlip(f, shape, rng, 1);
    expect(once).not.toEqual(f);
    expect(once).toBeInstanceOf(Float32Array);
    expect(flipHorizontal(once, shape, [1, 1, 1])).toEqual(f);
  });
});

describe('crop with padding', () => {
  const shape: BatchShape = [2, 3, 6, 5];
  const x = batch(shape);

  it('is the identity at the centre offset and keeps the shape', () => {
    const y = cropWithPadding(x, shape, 4, [4, 4, 4, 4]);
    expect(y).toEqual(x);
    expect(y).not.toBe(x);
  });

  it('shifts the image and fills the uncovered border with zeros', () => {
    // Offset (0, 1) with pad 2: output (i, j) = input (i - 2, j - 1).
    const y = cropWithPadding(x, shape, 2, [0, 1, 2, 2]);
    const [, C, H, W] = shape;
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < H; i++) {
        for (let j = 0; j < W; j++) {
          const got = y[(0 * C + c) * H * W + i * W + j];
          const si = i - 2;
          const sj = j - 1;
          const want = si < 0 || sj < 0 ? 0 : x[(0 * C + c) * H * W + si * W + sj];
          expect(got).toBe(want);
        }
      }
    }
    // The second image used the centre offset.
    expect(y.subarray(C * H * W)).toEqual(x.subarray(C * H * W));
  });

  it('random crops keep every pixel either padding or a shifted input pixel', () => {
    const rng = new Rng(11);
    const [N, C, H, W] = shape;
    let zeros = 0;
    for (let trial = 0; trial < 20; trial++) {
      const y = randomCropWithPadding(x, shape, 4, rng);
      expect(y.length).toBe(x.length);
      for (let n = 0; n < N; n++) {
        // Find the shift from one interior pixel, then check the whole image against it.
        const plane = n * C * H * W;
        let found = false;
        for (let dy = -4; dy <= 4 && !found; dy++) {
          for (let dx = -4; dx <= 4 && !found; dx++) {
            let ok = true;
            for (let c = 0; c < C && ok; c++) {
              for (let i = 0; i < H && ok; i++) {
                for (let j = 0; j < W && ok; j++) {
                  const si = i + dy;
                  const sj = j + dx;
                  const want =
                    si < 0 || si >= H || sj < 0 || sj >= W ? 0 : x[plane + c * H * W + si * W + sj];
                  ok = y[plane + c * H * W + i * W + j] === want;
                }
              }
            }
            found = ok;
          }
        }
        expect(found).toBe(true);
      }
      zeros += y.filter((v) => v === 0).length;
    }
    expect(zeros).toBeGreaterThan(0);
  });

  it('rejects offsets outside the padded image and wrong shapes', () => {
    expect(() => cropWithPadding(x, shape, 2, [5, 0, 0, 0])).toThrow(
      /offsets \(5, 0\) of image 0 outside 0\.\.4/,
    );
    expect(() => cropWithPadding(x, [2, 3, 6, 4], 2, [0, 0, 0, 0])).toThrow(
      expect.objectContaining({ code: 'SHAPE_MISMATCH' }),
    );
  });
});

describe('normalisation', () => {
  it('scales uint8 to 0..1 then applies per-channel mean and std', () => {
    const x = Uint8Array.from([0, 255, 51, 102]); // (1, 2, 1, 2)
    const y = normalize(x, [1, 2, 1, 2], { mean: [0.5, 0.2], std: [0.5, 0.1] });
    expectClose(y, [-1, 1, 0, 2], { atol: 1e-6 });
    const f = normalize(Float32Array.from([0.5, 1]), [1, 1, 1, 2], { mean: [0.5], std: [0.25] });
    expectClose(f, [0, 2], { atol: 1e-6 });
    expect(() => normalize(x, [1, 2, 1, 2], { mean: [0.5], std: [0.5] })).toThrow(
      /expected 2 means/,
    );
    expect(() => normalize(x, [1, 2, 1, 2], { mean: [0, 0], std: [1, 0] })).toThrow(
      /positive stds/,
    );
  });

  it('measures channel statistics that normalise a dataset to mean 0, std 1', () => {
    const rng = new Rng(5);
    const shape: BatchShape = [7, 3, 4, 4];
    const images = Uint8Array.from(
      { length: 7 * 3 * 16 },
      (_, k) => ((k >> 4) % 3) * 60 + rng.int(50),
    );
    const ds: ImageDataset = {
      name: 'toy',
      images,
      labels: new Uint8Array(7),
      count: 7,
      channels: 3,
      height: 4,
      width: 4,
      classes: 1,
    };
    const stats = channelStats(ds);
    const y = normalize(images, shape, stats);
    for (let c = 0; c < 3; c++) {
      const values: number[] = [];
      for (let n = 0; n < 7; n++)
        values.push(...y.subarray((n * 3 + c) * 16, (n * 3 + c + 1) * 16));
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
      expectClose([mean, variance], [0, 1], { atol: 1e-5 });
    }
    expect(stats.mean[2]).toBeGreaterThan(stats.mean[1]);
  });
});

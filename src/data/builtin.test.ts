import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_OUT_DIR, prepareData } from '../../scripts/prepare-data.mjs';
import {
  BUILTIN_FILES,
  decodeImageSetFile,
  encodeImageSet,
  fetchDataFiles,
  loadBuiltinImages,
  loadBuiltinText,
  parseImageSet,
} from './builtin';
import { nodeDataFiles } from './builtin-node';
import { channelStats } from './augment';
import type { ImageDataset } from './image-dataset';
import { CharTokenizer } from './text';
import { catchSiftError, gzip } from './test-fixtures';

function toy(): ImageDataset {
  return {
    name: 'toy',
    images: Uint8Array.from({ length: 3 * 2 * 4 * 5 }, (_, k) => (k * 37) & 0xff),
    labels: Uint8Array.from([2, 0, 6]),
    count: 3,
    channels: 2,
    height: 4,
    width: 5,
    classes: 7,
  };
}

describe('image-set format', () => {
  it('round-trips, gzipped or not', async () => {
    const ds = toy();
    const bytes = encodeImageSet(ds);
    expect(bytes.length).toBe(32 + 120 + 3);
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe('SIFTIMG1');
    const parsed = parseImageSet(bytes, 'toy.bin');
    expect(parsed).toMatchObject({ count: 3, channels: 2, height: 4, width: 5, classes: 7 });
    expect(parsed.images).toEqual(ds.images);
    expect(parsed.labels).toEqual(ds.labels);
    expect((await decodeImageSetFile(gzip(bytes), 'toy.bin.gz')).images).toEqual(ds.images);
    expect((await decodeImageSetFile(bytes.buffer as ArrayBuffer, 'toy.bin')).labels).toEqual(
      ds.labels,
    );
  });

  it('gives every damaged file DATASET_BAD_FORMAT with expected and found', () => {
    const good = encodeImageSet(toy());
    const withField = (offset: number, value: number): Uint8Array => {
      const b = good.slice();
      new DataView(b.buffer).setUint32(offset, value, true);
      return b;
    };
    const badLabel = good.slice();
    badLabel[badLabel.length - 1] = 7;
    const cases: [Uint8Array, string][] = [
      [good.subarray(0, 20), 'expected at least a 32-byte header, found 20 bytes'],
      [
        new TextEncoder().encode('<!doctype html><html>........................'),
        "expected magic 'SIFTIMG1', found bytes 3c 21 64 6f 63 74 79 70 ... (this looks like an HTML page",
      ],
      [withField(12, 0), 'header height is 0, expected 1..4096'],
      [withField(20, 9), 'header channels is 9, expected 1..4'],
      [withField(24, 300), 'header classes is 300, expected 1..256'],
      [withField(28, 1), 'header reserved field is 1, expected 0'],
      [
        withField(8, 4),
        'header says 4 images of 2x4x5, so expected 32 + 4 x (40 + 1) = 196 bytes, found 155',
      ],
      [good.subarray(0, good.length - 1), 'expected 32 + 3 x (40 + 1) = 155 bytes, found 154'],
      [badLabel, 'image 2 has label 7, expected 0..6'],
    ];
    for (const [bytes, message] of cases) {
      expect(() => parseImageSet(bytes, 'f.bin')).toThrow(
        expect.objectContaining({
          code: 'DATASET_BAD_FORMAT',
          message: expect.stringContaining(message),
        }),
      );
    }
  });
});

describe('data file readers', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('fetches from the given base and reports a missing file', async () => {
    const seen: string[] = [];
    vi.stubGlobal('fetch', async (url: URL) => {
      seen.push(url.href);
      return url.pathname.endsWith('text.txt')
        ? new Response('hello')
        : new Response('not found', { status: 404 });
    });
    const read = fetchDataFiles('http://app.test/sub/data/');
    expect(await loadBuiltinText(read)).toBe('hello');
    expect(seen).toEqual(['http://app.test/sub/data/text.txt']);
    const e = await catchSiftError(() => loadBuiltinImages(read));
    expect(e.code).toBe('DATASET_MISSING');
    expect(e.message).toContain(
      '/sub/data/mnist-train.bin.gz: expected the built-in data file, got HTTP 404',
    );
  });

  it('reports a missing directory in Node', async () => {
    const e = await catchSiftError(() => loadBuiltinText(nodeDataFiles('/nonexistent/sift')));
    expect(e).toMatchObject({ code: 'DATASET_MISSING' });
    expect(e.message).toContain('/nonexistent/sift/text.txt not found: run `npm run prepare-data`');
  });

  it('rejects built-in text that is not UTF-8', async () => {
    const read = async (): Promise<Uint8Array> => Uint8Array.from([0x68, 0x69, 0xff]);
    expect((await catchSiftError(() => loadBuiltinText(read))).code).toBe('TEXT_BAD_UTF8');
  });
});

describe('prepared built-in data', () => {
  beforeAll(() => {
    if (!existsSync(join(DEFAULT_OUT_DIR, BUILTIN_FILES.manifest)))
      prepareData({ log: () => undefined });
  });

  it('holds 9000 + 1000 real 28x28 digits, all classes, disjoint splits', async () => {
    const { train, test } = await loadBuiltinImages(nodeDataFiles());
    expect([train.count, test.count]).toEqual([9000, 1000]);
    expect([train.channels, train.height, train.width, train.classes]).toEqual([1, 28, 28, 10]);
    expect(train.classNames?.[3]).toBe('3');
    for (const ds of [train, test]) {
      const perClass = new Array(10).fill(0);
      for (const label of ds.labels) perClass[label]++;
      // MNIST classes are roughly balanced: each holds 7-13% of the images.
      for (const n of perClass) expect(n / ds.count).toBeGreaterThan(0.07);
      for (const n of perClass) expect(n / ds.count).toBeLessThan(0.13);
    }
    // Real MNIST statistics (mean 0.1307, std 0.3081 on the full training set).
    const stats = channelStats(train);
    expect(stats.mean[0]).toBeGreaterThan(0.11);
    expect(stats.mean[0]).toBeLessThan(0.15);
    expect(stats.std[0]).toBeGreaterThan(0.28);
    expect(stats.std[0]).toBeLessThan(0.34);
    // No test image appears in the training set.
    const key = (ds: ImageDataset, i: number): string =>
      ds.images.subarray(i * 784, (i + 1) * 784).join(',');
    const trainKeys = new Set(Array.from({ length: train.count }, (_, i) => key(train, i)));
    let shared = 0;
    for (let i = 0; i < test.count; i++) if (trainKeys.has(key(test, i))) shared++;
    expect(shared).toBe(0);
  });

  it('holds about 1.4 MB of State of the Union text with a small vocabulary', async () => {
    const text = await loadBuiltinText(nodeDataFiles());
    expect(text.length).toBeGreaterThan(1_000_000);
    expect(text.startsWith('State of the Union Address, ')).toBe(true);
    const vocab = CharTokenizer.fromText(text).vocabSize;
    expect(vocab).toBeGreaterThan(60);
    expect(vocab).toBeLessThan(120);
  });

  it('is idempotent: a second run rewrites nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-data-'));
    try {
      const lines: string[] = [];
      const first = prepareData({ outDir: dir, log: (l) => lines.push(l) });
      const stamp = statSync(join(dir, BUILTIN_FILES.imagesTrain)).mtimeMs;
      const second = prepareData({ outDir: dir, log: (l) => lines.push(l) });
      expect(second).toEqual(first);
      expect(lines[1]).toMatch(/is up to date/);
      expect(statSync(join(dir, BUILTIN_FILES.imagesTrain)).mtimeMs).toBe(stamp);
      // Deterministic: the same bytes as the shared copy.
      const shared = join(DEFAULT_OUT_DIR, BUILTIN_FILES.imagesTest);
      expect(readFileSync(join(dir, BUILTIN_FILES.imagesTest)).equals(readFileSync(shared))).toBe(
        true,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

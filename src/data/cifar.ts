// CIFAR-10 and CIFAR-100 in their official binary format, from the .tar.gz as distributed or from
// the extracted .bin files, parsed in the browser or Node. https://www.cs.toronto.edu/~kriz/cifar.html
// CIFAR-10 record: <1 label byte><3072 pixel bytes>; CIFAR-100 record: <coarse><fine><3072 bytes>.
// The 3072 bytes are the red, green and blue 32x32 planes in row-major order, i.e. already CHW.

import { SiftError } from '../common/errors';
import { readAll, readHead, toNamedSource, type InputFile, type NamedSource } from './bytes';
import { gunzipChunks, isGzip } from './gzip';
import { checkImageDataset, type ImageDataset } from './image-dataset';
import { looksLikeTar, TarExtractor, type TarMember } from './tar';

export type CifarVariant = 'cifar10' | 'cifar100';

const PIXELS = 3 * 32 * 32;
const VARIANT_TITLE: Record<CifarVariant, string> = { cifar10: 'CIFAR-10', cifar100: 'CIFAR-100' };
const EXPECTED_FILES =
  'CIFAR-10 data_batch_1..5.bin + test_batch.bin, or CIFAR-100 train.bin + test.bin';

/** Record layout of each variant. */
export const CIFAR_FORMATS = {
  cifar10: { labelBytes: 1, recordBytes: 1 + PIXELS, classes: 10, coarseClasses: 0 },
  cifar100: { labelBytes: 2, recordBytes: 2 + PIXELS, classes: 100, coarseClasses: 20 },
} as const;

/** The class names of CIFAR-10 (batches.meta.txt), used when the archive's meta file is absent. */
export const CIFAR10_CLASS_NAMES = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
] as const;

/** A parsed CIFAR split. For CIFAR-100, `labels` are the 100 fine labels. */
export interface CifarDataset extends ImageDataset {
  /** CIFAR-100 only: (N) superclass labels in [0, 20). */
  readonly coarseLabels?: Uint8Array;
}

export interface CifarSplits {
  readonly variant: CifarVariant;
  readonly train: CifarDataset;
  readonly test: CifarDataset;
}

interface BatchFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Which variant and split a member or file name belongs to, by the official names. */
function classifyName(path: string): { variant: CifarVariant; split: 'train' | 'test' } | null {
  const name = baseName(path);
  if (/^data_batch_\d+\.bin$/.test(name)) return { variant: 'cifar10', split: 'train' };
  if (name === 'test_batch.bin') return { variant: 'cifar10', split: 'test' };
  if (name === 'train.bin') return { variant: 'cifar100', split: 'train' };
  if (name === 'test.bin') return { variant: 'cifar100', split: 'test' };
  return null;
}

function isMetaName(path: string): boolean {
  return /^(batches\.meta|fine_label_names|coarse_label_names)\.txt$/.test(baseName(path));
}

function batchOrder(name: string): number {
  const m = /(\d+)\.bin$/.exec(baseName(name));
  return m ? parseInt(m[1], 10) : 0;
}

/**
 * Parses one or more batch files of one split into a dataset (images copied out of the records).
 * Throws CIFAR_BAD_LENGTH when a file is not a whole number of records, CIFAR_BAD_LABEL for a label
 * byte outside the variant's range.
 */
export function parseCifarBatches(
  files: readonly BatchFile[],
  variant: CifarVariant,
  name: string,
  classNames?: readonly string[],
): CifarDataset {
  const format = CIFAR_FORMATS[variant];
  const other = CIFAR_FORMATS[variant === 'cifar10' ? 'cifar100' : 'cifar10'];
  let count = 0;
  for (const file of files) {
    const n = file.bytes.length;
    if (n === 0 || n % format.recordBytes !== 0) {
      const whole = Math.floor(n / format.recordBytes);
      const hint =
        n > 0 && n % other.recordBytes === 0
          ? `; its size is a multiple of ${other.recordBytes}, the ${VARIANT_TITLE[variant === 'cifar10' ? 'cifar100' : 'cifar10']} record size`
          : '';
      throw new SiftError(
        'CIFAR_BAD_LENGTH',
        `${file.name}: expected a non-zero multiple of ${format.recordBytes} bytes ` +
          `(${format.labelBytes} label byte${format.labelBytes > 1 ? 's' : ''} + ${PIXELS} pixel bytes per image), ` +
          `found ${n} bytes (${whole} whole records + ${n - whole * format.recordBytes} bytes)${hint}`,
      );
    }
    count += n / format.recordBytes;
  }
  const images = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  const coarseLabels = variant === 'cifar100' ? new Uint8Array(count) : undefined;
  let index = 0;
  for (const file of files) {
    const records = file.bytes.length / format.recordBytes;
    for (let r = 0; r < records; r++, index++) {
      const at = r * format.recordBytes;
      const fine = file.bytes[at + format.labelBytes - 1];
      if (fine >= format.classes) {
        throw new SiftError(
          'CIFAR_BAD_LABEL',
          `${file.name}: record ${r} (byte ${at + format.labelBytes - 1}) has label ${fine}, expected 0..${format.classes - 1}`,
        );
      }
      if (coarseLabels) {
        const coarse = file.bytes[at];
        if (coarse >= format.coarseClasses) {
          throw new SiftError(
            'CIFAR_BAD_LABEL',
            `${file.name}: record ${r} (byte ${at}) has coarse label ${coarse}, expected 0..${format.coarseClasses - 1}`,
          );
        }
        coarseLabels[index] = coarse;
      }
      labels[index] = fine;
      images.set(
        file.bytes.subarray(at + format.labelBytes, at + format.recordBytes),
        index * PIXELS,
      );
    }
  }
  const ds: CifarDataset = {
    name,
    images,
    labels,
    count,
    channels: 3,
    height: 32,
    width: 32,
    classes: format.classes,
    ...(classNames && classNames.length === format.classes ? { classNames } : {}),
    ...(coarseLabels ? { coarseLabels } : {}),
  };
  checkImageDataset(ds);
  return ds;
}

function labelNames(text: Uint8Array | undefined): string[] | undefined {
  if (!text) return undefined;
  const names = new TextDecoder()
    .decode(text)
    .split(/\r?\n/)
    .map((s) => s.trim());
  return names.filter((s) => s.length > 0);
}

/** Groups batch files into train and test of one variant and parses both. */
function assemble(
  batches: BatchFile[],
  meta: TarMember[],
  source: string,
  wantVariant?: CifarVariant,
): CifarSplits {
  if (batches.length === 0) {
    throw new SiftError(
      'CIFAR_NO_BATCHES',
      `${source}: no CIFAR batch files found (expected ${EXPECTED_FILES}), found no .bin files`,
    );
  }
  const unknown = batches.filter((b) => classifyName(b.name) === null).map((b) => baseName(b.name));
  if (unknown.length > 0) {
    throw new SiftError(
      'CIFAR_NO_BATCHES',
      `${source}: ${unknown.join(', ')} ${unknown.length > 1 ? 'are not' : 'is not'} a CIFAR batch file ` +
        `(expected the official names: ${EXPECTED_FILES})`,
    );
  }
  const seen = new Set<string>();
  for (const b of batches) {
    if (seen.has(baseName(b.name))) {
      throw new SiftError('CIFAR_NO_BATCHES', `${source}: ${baseName(b.name)} was given twice`);
    }
    seen.add(baseName(b.name));
  }
  const found = batches.flatMap((b) => {
    const kind = classifyName(b.name);
    return kind ? [{ ...b, ...kind }] : [];
  });
  const variants = [...new Set(found.map((f) => f.variant))];
  if (variants.length > 1) {
    throw new SiftError(
      'CIFAR_NO_BATCHES',
      `${source}: mixes CIFAR-10 and CIFAR-100 files (${found.map((f) => baseName(f.name)).join(', ')}); pick one data set`,
    );
  }
  const variant = variants[0];
  if (wantVariant && wantVariant !== variant) {
    throw new SiftError(
      'CIFAR_NO_BATCHES',
      `${source}: expected ${VARIANT_TITLE[wantVariant]} files, found ${VARIANT_TITLE[variant]} files ` +
        `(${found.map((f) => baseName(f.name)).join(', ')})`,
    );
  }
  const train = found
    .filter((f) => f.split === 'train')
    .sort((a, b) => batchOrder(a.name) - batchOrder(b.name));
  const test = found.filter((f) => f.split === 'test');
  const testName = variant === 'cifar10' ? 'test_batch.bin' : 'test.bin';
  const trainName = variant === 'cifar10' ? 'data_batch_N.bin' : 'train.bin';
  if (train.length === 0 || test.length === 0) {
    const have = found.map((f) => baseName(f.name));
    throw new SiftError(
      'CIFAR_NO_BATCHES',
      `${source}: ${VARIANT_TITLE[variant]} needs training and test batches; found ` +
        `${have.join(', ') || 'none'}, missing ${train.length === 0 ? trainName : testName}`,
    );
  }
  const metaByName = new Map(meta.map((m) => [baseName(m.name), m.bytes]));
  const classNames =
    variant === 'cifar10'
      ? (labelNames(metaByName.get('batches.meta.txt')) ?? [...CIFAR10_CLASS_NAMES])
      : labelNames(metaByName.get('fine_label_names.txt'));
  return {
    variant,
    train: parseCifarBatches(train, variant, `${variant}-train`, classNames),
    test: parseCifarBatches(test, variant, `${variant}-test`, classNames),
  };
}

async function extractArchive(
  file: NamedSource,
  gzipped: boolean,
): Promise<{ batches: TarMember[]; meta: TarMember[] }> {
  const keep = (name: string): boolean => classifyName(name) !== null || isMetaName(name);
  const extractor = new TarExtractor(file.name, keep);
  if (gzipped) {
    let first = true;
    for await (const chunk of gunzipChunks(file.data, file.name)) {
      // Checked on the first chunk so a gzipped non-tar fails fast instead of after inflating it all.
      if (first && chunk.length >= 512 && !looksLikeTar(chunk)) {
        throw new SiftError(
          'TAR_CORRUPT',
          `${file.name}: the gzip content is not a tar archive (expected the .tar.gz as distributed)`,
        );
      }
      first = false;
      extractor.push(chunk);
    }
  } else {
    extractor.push(await readAll(file.data));
  }
  const members = extractor.finish();
  return {
    batches: members.filter((m) => classifyName(m.name) !== null),
    meta: members.filter((m) => isMetaName(m.name)),
  };
}

/**
 * Loads CIFAR-10 or CIFAR-100 from what the user picked: one archive (.tar.gz as distributed, or
 * .tar), or the extracted .bin batch files (plus optional label-name .txt files). The variant is
 * read from the official file names; `variant` only guards against picking the wrong data set.
 */
export async function loadCifar(
  files: readonly InputFile[],
  variant?: CifarVariant,
): Promise<CifarSplits> {
  const sources = files.map(toNamedSource);
  if (sources.length === 0) {
    throw new SiftError(
      'CIFAR_NO_BATCHES',
      'no file picked: expected the CIFAR .tar.gz or its .bin files',
    );
  }
  const batches: TarMember[] = [];
  const meta: TarMember[] = [];
  for (const file of sources) {
    const head = await readHead(file.data, 512);
    if (isGzip(head) || looksLikeTar(head)) {
      const found = await extractArchive(file, isGzip(head));
      batches.push(...found.batches);
      meta.push(...found.meta);
    } else if (isMetaName(file.name)) {
      meta.push({ name: file.name, bytes: await readAll(file.data) });
    } else if (/\.(tar\.gz|tgz|gz)$/i.test(file.name)) {
      throw new SiftError(
        'GZIP_NOT_GZIP',
        `${file.name}: the name says gzip but the file does not start with the gzip bytes 1f 8b 08`,
      );
    } else {
      batches.push({ name: file.name, bytes: await readAll(file.data) });
    }
  }
  const label = sources.length === 1 ? sources[0].name : `${sources.length} files`;
  return assemble(batches, meta, label, variant);
}

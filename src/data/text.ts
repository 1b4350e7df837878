// Character-level language-model data, as nanoGPT's shakespeare_char: the vocabulary is the sorted
// set of characters (Unicode code points) in the text, the last 10% is held out for validation,
// and training batches are random (T + 1)-token windows chosen by a counter-based RNG so batch k of
// seed s is the same after a resume as in the original run.

import { SiftError } from '../common/errors';
import { randomU32 } from '../common/rng';

/**
 * Strict UTF-8 decoding (a leading BOM is dropped). Throws TEXT_BAD_UTF8 with the byte offset and
 * bytes of the first invalid sequence, since a mis-encoded file would otherwise train on U+FFFD.
 */
export function decodeUtf8(bytes: Uint8Array, source: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const shown = Array.from(bytes.subarray(at, at + 4), (b) => b.toString(16).padStart(2, '0'));
    throw new SiftError(
      'TEXT_BAD_UTF8',
      `${source}: expected UTF-8 text, found an invalid byte sequence at byte ${at} of ${bytes.length} ` +
        `(${shown.join(' ')}); save the file as UTF-8`,
    );
  }
}

/** Offset of the first byte that starts an invalid UTF-8 sequence (RFC 3629), or bytes.length. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0; // overlong
      if (b === 0xed) hi = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90; // overlong
      if (b === 0xf4) hi = 0x8f; // above U+10FFFF
    } else return i;
    if (i + need >= bytes.length) return i; // truncated sequence
    const second = bytes[i + 1];
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= need; k++) {
      if (bytes[i + k] < 0x80 || bytes[i + k] > 0xbf) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}

/** Maps characters (code points) to ids 0..V-1 in code-point order, so a vocabulary is stable. */
export class CharTokenizer {
  private readonly ids: Map<string, number>;

  private constructor(readonly chars: readonly string[]) {
    this.ids = new Map(chars.map((c, i) => [c, i]));
  }

  /** The vocabulary of `text`. Throws TEXT_TOO_SHORT for empty text. */
  static fromText(text: string): CharTokenizer {
    if (text.length === 0)
      throw new SiftError('TEXT_TOO_SHORT', 'expected non-empty text, found 0 characters');
    const set = new Set<string>();
    for (const c of text) set.add(c);
    return new CharTokenizer([...set].sort(byCodePoint));
  }

  /** Rebuilds a tokenizer from its vocabulary string (as saved by `vocabulary`), validating it. */
  static fromVocabulary(vocabulary: string): CharTokenizer {
    const chars = [...vocabulary];
    for (let i = 1; i < chars.length; i++) {
      if (byCodePoint(chars[i - 1], chars[i]) >= 0) {
        throw new SiftError(
          'CONFIG_INVALID',
          `vocabulary must list distinct characters in code-point order; position ${i} ` +
            `(U+${codePointHex(chars[i])}) follows U+${codePointHex(chars[i - 1])}`,
        );
      }
    }
    if (chars.length === 0) throw new SiftError('CONFIG_INVALID', 'vocabulary is empty');
    return new CharTokenizer(chars);
  }

  get vocabSize(): number {
    return this.chars.length;
  }

  /** All characters in id order, as one string (for the run's config JSON). */
  get vocabulary(): string {
    return this.chars.join('');
  }

  /** text -> (L) ids, L = number of code points. Throws INVALID_ARGUMENT for an unknown character. */
  encode(text: string): Int32Array {
    const out: number[] = [];
    let position = 0;
    for (const c of text) {
      const id = this.ids.get(c);
      if (id === undefined) {
        throw new SiftError(
          'INVALID_ARGUMENT',
          `character ${JSON.stringify(c)} (U+${codePointHex(c)}) at position ${position} is not in the ` +
            `${this.vocabSize}-character vocabulary`,
        );
      }
      out.push(id);
      position++;
    }
    return Int32Array.from(out);
  }

  /** (L) ids -> text. Throws INVALID_ARGUMENT for an id outside 0..V-1. */
  decode(ids: ArrayLike<number>): string {
    let text = '';
    for (let i = 0; i < ids.length; i++) {
      const c = this.chars[ids[i]];
      if (c === undefined || !Number.isInteger(ids[i])) {
        throw new SiftError(
          'INVALID_ARGUMENT',
          `token ${ids[i]} at position ${i} is outside the vocabulary 0..${this.vocabSize - 1}`,
        );
      }
      text += c;
    }
    return text;
  }
}

function byCodePoint(a: string, b: string): number {
  return (a.codePointAt(0) as number) - (b.codePointAt(0) as number);
}

function codePointHex(c: string): string {
  return (c.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0');
}

/** A tokenised corpus split into training and validation ids. */
export interface TextSplits {
  readonly tokenizer: CharTokenizer;
  /** The first (1 - valFraction) of the ids. */
  readonly train: Int32Array;
  /** The last valFraction of the ids. */
  readonly val: Int32Array;
}

/**
 * Tokenises `text` and holds out its last `valFraction` for validation. Throws TEXT_TOO_SHORT
 * unless both parts hold at least one (blockSize + 1)-token window.
 */
export function prepareText(
  text: string,
  {
    blockSize,
    valFraction = 0.1,
    source = 'text',
  }: { blockSize: number; valFraction?: number; source?: string },
): TextSplits {
  if (!Number.isInteger(blockSize) || blockSize < 1) {
    throw new SiftError(
      'INVALID_ARGUMENT',
      `blockSize must be a positive integer, found ${blockSize}`,
    );
  }
  if (!(valFraction > 0 && valFraction < 1)) {
    throw new SiftError('INVALID_ARGUMENT', `valFraction must be in (0, 1), found ${valFraction}`);
  }
  if (text.length === 0) {
    throw new SiftError('TEXT_TOO_SHORT', `${source}: expected text, found an empty file`);
  }
  const tokenizer = CharTokenizer.fromText(text);
  const ids = tokenizer.encode(text);
  const valCount = Math.floor(ids.length * valFraction);
  const window = blockSize + 1;
  if (valCount < window || ids.length - valCount < window) {
    let need = window;
    while (
      Math.floor(need * valFraction) < window ||
      need - Math.floor(need * valFraction) < window
    )
      need++;
    throw new SiftError(
      'TEXT_TOO_SHORT',
      `${source}: found ${ids.length} characters; with block size ${blockSize} and the last ` +
        `${Math.round(valFraction * 100)}% held out, each split needs a ${window}-character window, ` +
        `so expected at least ${need} characters`,
    );
  }
  return {
    tokenizer,
    train: ids.subarray(0, ids.length - valCount),
    val: ids.subarray(ids.length - valCount),
  };
}

/** B windows of T + 1 consecutive ids, also split into next-token inputs and targets. */
export interface TextBatch {
  readonly batchSize: number;
  readonly blockSize: number;
  /** (B, T + 1) ids as float32 (integer data is stored as float32). */
  readonly windows: Float32Array;
  /** (B, T): windows[:, :T]. */
  readonly inputs: Float32Array;
  /** (B, T): windows[:, 1:]. */
  readonly targets: Float32Array;
}

function batchFromStarts(ids: Int32Array, starts: readonly number[], blockSize: number): TextBatch {
  const B = starts.length;
  const T = blockSize;
  const windows = new Float32Array(B * (T + 1));
  const inputs = new Float32Array(B * T);
  const targets = new Float32Array(B * T);
  starts.forEach((start, b) => {
    for (let t = 0; t <= T; t++) windows[b * (T + 1) + t] = ids[start + t];
    for (let t = 0; t < T; t++) {
      inputs[b * T + t] = ids[start + t];
      targets[b * T + t] = ids[start + t + 1];
    }
  });
  return { batchSize: B, blockSize: T, windows, inputs, targets };
}

function checkWindow(ids: Int32Array, batchSize: number, blockSize: number): void {
  if (
    !Number.isInteger(batchSize) ||
    batchSize < 1 ||
    !Number.isInteger(blockSize) ||
    blockSize < 1
  ) {
    throw new SiftError(
      'INVALID_ARGUMENT',
      `batch size and block size must be positive integers, found B ${batchSize}, T ${blockSize}`,
    );
  }
  if (ids.length < blockSize + 1) {
    throw new SiftError(
      'TEXT_TOO_SHORT',
      `expected at least ${blockSize + 1} tokens for one window of block size ${blockSize}, found ${ids.length}`,
    );
  }
}

/**
 * Training batch number `batchIndex` of stream `seed`: B windows starting at uniform positions in
 * [0, L - T - 1]. A pure function of (ids, B, T, seed, batchIndex).
 */
export function sampleTextBatch(
  ids: Int32Array,
  batchSize: number,
  blockSize: number,
  seed: number,
  batchIndex: number,
): TextBatch {
  checkWindow(ids, batchSize, blockSize);
  const positions = ids.length - blockSize;
  const starts: number[] = [];
  for (let b = 0; b < batchSize; b++) {
    const u = randomU32(seed, batchIndex * batchSize + b);
    starts.push(Math.floor((u / 4294967296) * positions));
  }
  return batchFromStarts(ids, starts, blockSize);
}

/**
 * Non-overlapping windows from the start of `ids` (stride T), grouped into batches of at most B,
 * at most `maxBatches` of them: a seed-independent evaluation set, so eval loss is comparable
 * across runs and identical after an import.
 */
export function sequentialTextBatches(
  ids: Int32Array,
  batchSize: number,
  blockSize: number,
  maxBatches = Infinity,
): TextBatch[] {
  checkWindow(ids, batchSize, blockSize);
  const windowCount = Math.floor((ids.length - 1) / blockSize);
  const batches: TextBatch[] = [];
  for (let w = 0; w < windowCount && batches.length < maxBatches; w += batchSize) {
    const starts: number[] = [];
    for (let b = w; b < Math.min(w + batchSize, windowCount); b++) starts.push(b * blockSize);
    batches.push(batchFromStarts(ids, starts, blockSize));
  }
  return batches;
}

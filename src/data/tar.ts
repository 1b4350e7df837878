// A minimal streaming tar reader (POSIX ustar + GNU long names + pax `path`), enough for the
// CIFAR archives as distributed. It is fed decompressed chunks and keeps only the members asked
// for, so a 180 MB archive never sits in memory next to the arrays parsed from it.
// Format: https://www.gnu.org/software/tar/manual/html_node/Standard.html

import { SiftError } from '../common/errors';

const BLOCK = 512;
/** Long-name and pax records are tiny; a larger one means a corrupt header, not a real file. */
const MAX_META_BYTES = 1 << 20;
/**
 * A kept member is read into one array; CIFAR's largest (cifar-100 train.bin) is 150 MB. A header
 * claiming more is corrupt or not a dataset, and allocating it would fail with a bare RangeError.
 */
export const MAX_MEMBER_BYTES = 512 * 2 ** 20;

/** One extracted archive member. */
export interface TarMember {
  /** Path inside the archive, e.g. 'cifar-10-batches-bin/data_batch_1.bin'. */
  readonly name: string;
  readonly bytes: Uint8Array;
}

function readString(block: Uint8Array, start: number, length: number): string {
  let end = start;
  while (end < start + length && block[end] !== 0) end++;
  return new TextDecoder().decode(block.subarray(start, end));
}

/** Octal ASCII number, or GNU base-256 when the top bit of the first byte is set. */
function readNumber(block: Uint8Array, start: number, length: number): number {
  if (block[start] & 0x80) {
    let value = block[start] & 0x7f;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + block[i];
    return value;
  }
  const text = readString(block, start, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) return Number.NaN;
  return parseInt(text, 8);
}

/** The header checksum rule: byte sum with the 8-byte checksum field counted as spaces. */
function headerChecksum(block: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i];
  return sum;
}

function isZeroBlock(block: Uint8Array): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

/** Whether `head` (at least 512 bytes) starts with a valid tar header. */
export function looksLikeTar(head: Uint8Array): boolean {
  if (head.length < BLOCK) return false;
  const block = head.subarray(0, BLOCK);
  return !isZeroBlock(block) && readNumber(block, 148, 8) === headerChecksum(block);
}

interface PendingMember {
  name: string;
  kind: 'keep' | 'skip' | 'longname' | 'pax';
  size: number;
  /** Data bytes still to read, then padding bytes up to the block boundary. */
  dataLeft: number;
  padLeft: number;
  buffer: Uint8Array | null;
  filled: number;
}

/**
 * Push decompressed chunks in order, then call finish() for the kept members. Throws TAR_CORRUPT
 * with the member and byte offset on a bad header checksum, a malformed size, or truncation.
 */
export class TarExtractor {
  private readonly header = new Uint8Array(BLOCK);
  private headerFilled = 0;
  private member: PendingMember | null = null;
  private zeroBlocks = 0;
  private ended = false;
  private offset = 0;
  private nextName: string | null = null;
  private lastName: string | null = null;
  private readonly kept: TarMember[] = [];

  /** `keep(name)` decides which regular files to extract; the rest are skipped unread. */
  constructor(
    private readonly source: string,
    private readonly keep: (name: string) => boolean,
  ) {}

  push(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length && !this.ended) {
      if (this.member) {
        at += this.consumeMember(chunk, at);
      } else {
        const take = Math.min(BLOCK - this.headerFilled, chunk.length - at);
        this.header.set(chunk.subarray(at, at + take), this.headerFilled);
        this.headerFilled += take;
        at += take;
        if (this.headerFilled === BLOCK) {
          this.headerFilled = 0;
          this.onHeader();
          this.offset += BLOCK;
        }
      }
    }
  }

  /** The kept members; throws if the archive stopped before its end-of-archive blocks. */
  finish(): TarMember[] {
    if (this.ended) return this.kept;
    const where = `${this.source}: tar archive is truncated`;
    if (this.member) {
      const got = this.member.size - this.member.dataLeft;
      throw new SiftError(
        'TAR_CORRUPT',
        this.member.dataLeft > 0
          ? `${where}: member '${this.member.name}' declares ${this.member.size} bytes, only ${got} present`
          : `${where}: member '${this.member.name}' lacks its padding to a 512-byte block`,
      );
    }
    if (this.headerFilled > 0) {
      throw new SiftError(
        'TAR_CORRUPT',
        `${where}: it ends inside a header at byte ${this.offset} (${this.headerFilled} of 512 bytes)`,
      );
    }
    if (this.offset === 0) {
      throw new SiftError(
        'TAR_CORRUPT',
        `${this.source}: empty tar archive (expected a 512-byte header, found 0 bytes)`,
      );
    }
    throw new SiftError(
      'TAR_CORRUPT',
      `${where}: no end-of-archive marker (two zero blocks) after ${this.offset} bytes` +
        (this.lastName ? `, last member '${this.lastName}'` : ''),
    );
  }

  private onHeader(): void {
    const block = this.header;
    if (isZeroBlock(block)) {
      if (++this.zeroBlocks === 2) this.ended = true;
      return;
    }
    this.zeroBlocks = 0;
    const stored = readNumber(block, 148, 8);
    const computed = headerChecksum(block);
    if (stored !== computed) {
      throw new SiftError(
        'TAR_CORRUPT',
        this.offset === 0
          ? `${this.source}: not a tar archive (the first 512-byte header has checksum ${stored}, expected ${computed})`
          : `${this.source}: tar header at byte ${this.offset} is corrupt (stored checksum ${stored}, computed ${computed})`,
      );
    }
    const size = readNumber(block, 124, 12);
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new SiftError(
        'TAR_CORRUPT',
        `${this.source}: tar header at byte ${this.offset} has a malformed size field '${readString(block, 124, 12)}'`,
      );
    }
    let name = readString(block, 0, 100);
    if (readString(block, 257, 6) === 'ustar') {
      const prefix = readString(block, 345, 155);
      if (prefix) name = `${prefix}/${name}`;
    }
    if (this.nextName !== null) {
      name = this.nextName;
      this.nextName = null;
    }
    const type = String.fromCharCode(block[156]);
    let kind: PendingMember['kind'];
    if (type === 'L' || type === 'x') {
      if (size > MAX_META_BYTES) {
        throw new SiftError(
          'TAR_CORRUPT',
          `${this.source}: tar header at byte ${this.offset} declares a ${size}-byte name record (at most ${MAX_META_BYTES} expected)`,
        );
      }
      kind = type === 'L' ? 'longname' : 'pax';
    } else if ((type === '0' || type === '\0' || type === '7') && this.keep(name)) {
      kind = 'keep';
    } else {
      kind = 'skip';
    }
    if (kind === 'keep' && size > MAX_MEMBER_BYTES) {
      throw new SiftError(
        'TAR_CORRUPT',
        `${this.source}: member '${name}' (tar header at byte ${this.offset}) claims ${size} bytes, ` +
          `more than the ${MAX_MEMBER_BYTES / 2 ** 20} MiB a dataset file can have; the archive is corrupt`,
      );
    }
    if (kind === 'keep' || kind === 'skip') this.lastName = name;
    this.member = {
      name,
      kind,
      size,
      dataLeft: size,
      padLeft: (BLOCK - (size % BLOCK)) % BLOCK,
      buffer: kind === 'skip' ? null : new Uint8Array(size),
      filled: 0,
    };
    if (size === 0) this.endMember();
  }

  /** Consumes member data and padding from chunk[at...]; returns the bytes used. */
  private consumeMember(chunk: Uint8Array, at: number): number {
    const m = this.member as PendingMember;
    let used = 0;
    if (m.dataLeft > 0) {
      const take = Math.min(m.dataLeft, chunk.length - at);
      if (m.buffer) m.buffer.set(chunk.subarray(at, at + take), m.filled);
      m.filled += take;
      m.dataLeft -= take;
      used += take;
    }
    if (m.dataLeft === 0) {
      const pad = Math.min(m.padLeft, chunk.length - at - used);
      m.padLeft -= pad;
      used += pad;
      if (m.padLeft === 0) this.endMember();
    }
    this.offset += used;
    return used;
  }

  private endMember(): void {
    const m = this.member as PendingMember;
    if (m.dataLeft > 0 || m.padLeft > 0) return;
    this.member = null;
    const bytes = m.buffer as Uint8Array;
    if (m.kind === 'keep') this.kept.push({ name: m.name, bytes });
    else if (m.kind === 'longname') this.nextName = readString(bytes, 0, bytes.length);
    else if (m.kind === 'pax') {
      const path = parsePaxPath(bytes);
      if (path !== null) this.nextName = path;
    }
  }
}

/** The `path` record of a pax extended header ("<len> path=<value>\n" records), if present. */
function parsePaxPath(bytes: Uint8Array): string | null {
  const text = new TextDecoder().decode(bytes);
  for (const line of text.split('\n')) {
    const match = /^\d+ path=(.*)$/.exec(line);
    if (match) return match[1];
  }
  return null;
}

/** Extracts the members `keep` selects from a whole tar archive held in memory. */
export function untar(
  bytes: Uint8Array,
  source: string,
  keep: (name: string) => boolean,
): TarMember[] {
  const extractor = new TarExtractor(source, keep);
  extractor.push(bytes);
  return extractor.finish();
}

// Test-only builders for synthetic archives and CIFAR records, so parser tests run on bytes made in
// the test rather than on downloaded files. Not imported by application code.

import { gzipSync } from 'node:zlib';
import { SiftError } from '../common/errors';

export interface FixtureMember {
  name: string;
  bytes?: Uint8Array;
  /** Tar type flag: '0' file (default), '5' directory, 'L' GNU long name, 'x' pax header. */
  type?: string;
  /** ustar prefix field (names longer than 100 bytes). */
  prefix?: string;
}

function writeOctal(block: Uint8Array, at: number, width: number, value: number): void {
  const text = value.toString(8).padStart(width - 1, '0');
  for (let i = 0; i < text.length; i++) block[at + i] = text.charCodeAt(i);
  block[at + width - 1] = 0;
}

function writeText(block: Uint8Array, at: number, text: string): void {
  block.set(new TextEncoder().encode(text), at);
}

/** A ustar header block for one member, with a valid checksum. */
export function tarHeader(member: FixtureMember, size: number): Uint8Array {
  const block = new Uint8Array(512);
  writeText(block, 0, member.name.slice(0, 100));
  writeOctal(block, 100, 8, 0o644);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, 0);
  block[156] = (member.type ?? '0').charCodeAt(0);
  writeText(block, 257, 'ustar\u000000');
  if (member.prefix) writeText(block, 345, member.prefix);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of block) sum += b;
  writeOctal(block, 148, 7, sum);
  block[155] = 0x20;
  return block;
}

/** A tar archive of `members`, with the two zero end blocks unless `end` is false. */
export function tarArchive(members: FixtureMember[], { end = true } = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const m of members) {
    const data = m.bytes ?? new Uint8Array(0);
    parts.push(tarHeader(m, data.length));
    const padded = new Uint8Array(Math.ceil(data.length / 512) * 512);
    padded.set(data);
    parts.push(padded);
  }
  if (end) parts.push(new Uint8Array(1024));
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function gzip(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(gzipSync(bytes));
}

/** Pixel value of record r, byte k, chosen so every (record, position) pair is distinguishable. */
export function fixturePixel(r: number, k: number): number {
  return (r * 31 + k * 7) & 0xff;
}

/** CIFAR records: label bytes from `labels` (one array per label byte), pixels from fixturePixel. */
export function cifarRecords(labelBytes: number[][], firstRecord = 0): Uint8Array {
  const count = labelBytes.length;
  const per = labelBytes[0]?.length ?? 1;
  const record = per + 3072;
  const out = new Uint8Array(count * record);
  labelBytes.forEach((labels, r) => {
    out.set(labels, r * record);
    for (let k = 0; k < 3072; k++) out[r * record + per + k] = fixturePixel(firstRecord + r, k);
  });
  return out;
}

/** Runs `fn` and returns the SiftError it throws (failing if it throws anything else or nothing). */
export async function catchSiftError(fn: () => unknown): Promise<SiftError> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof SiftError) return e;
    throw new Error(`expected a SiftError, got ${String(e)}`);
  }
  throw new Error('expected a SiftError, nothing was thrown');
}

// safetensors read/write, byte-compatible with huggingface/safetensors (what Python's save_file
// writes): u64 little-endian header length N, N bytes of compact JSON padded with spaces to a
// multiple of 8, then the tensors' little-endian bytes back to back. Tensors are ordered by dtype
// alignment (largest first) then name, and `__metadata__` comes first, as the reference does.
// Reading is strict, as the reference's validation: offsets must tile the data region exactly.

import { SiftError } from '../common/errors';

/** The dtypes we write and read; others are rejected with SAFETENSORS_BAD_DTYPE. */
export type SafetensorsDtype = 'F32' | 'I32' | 'U8';

/** One tensor: C-order data of length product(shape). */
export type SafetensorsTensor =
  | { readonly dtype: 'F32'; readonly shape: readonly number[]; readonly data: Float32Array }
  | { readonly dtype: 'I32'; readonly shape: readonly number[]; readonly data: Int32Array }
  | { readonly dtype: 'U8'; readonly shape: readonly number[]; readonly data: Uint8Array };

export interface SafetensorsFile {
  /** Tensors in file (offset) order. */
  readonly tensors: Map<string, SafetensorsTensor>;
  /** The `__metadata__` string map ({} when absent). */
  readonly metadata: Record<string, string>;
}

/** The reference implementation's limit (MAX_HEADER_SIZE). */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = '__metadata__';

const DTYPE_BYTES: Record<SafetensorsDtype, number> = { F32: 4, I32: 4, U8: 1 };
/** Position in the reference's Dtype enum, which is ordered by alignment; writing sorts by it. */
const DTYPE_RANK: Record<SafetensorsDtype, number> = { U8: 1, I32: 9, F32: 11 };
/** Every dtype name the format defines, to tell "unsupported here" from "not a dtype". */
const KNOWN_DTYPES = [
  'BOOL',
  'U8',
  'I8',
  'F8_E5M2',
  'F8_E4M3',
  'I16',
  'U16',
  'F16',
  'BF16',
  'I32',
  'U32',
  'F32',
  'F64',
  'I64',
  'U64',
];

const isLittleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function dataArrayMatches(t: SafetensorsTensor): boolean {
  switch (t.dtype) {
    case 'F32':
      return t.data instanceof Float32Array;
    case 'I32':
      return t.data instanceof Int32Array;
    case 'U8':
      return t.data instanceof Uint8Array;
  }
}

/** Little-endian bytes of a typed array (a view when the host is little-endian, as all are). */
function toLittleEndianBytes(t: SafetensorsTensor): Uint8Array {
  const d = t.data;
  if (t.dtype === 'U8' || isLittleEndianHost)
    return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  const out = new Uint8Array(d.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < d.length; i++) {
    if (t.dtype === 'F32') view.setFloat32(4 * i, d[i], true);
    else view.setInt32(4 * i, d[i], true);
  }
  return out;
}

/**
 * Serialises tensors (and optional string metadata) to a safetensors file. Throws INVALID_ARGUMENT
 * for a bad name, shape, dtype/array pair or non-string metadata value.
 */
export function writeSafetensors(
  tensors: ReadonlyMap<string, SafetensorsTensor> | Readonly<Record<string, SafetensorsTensor>>,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const entries: [string, SafetensorsTensor][] =
    tensors instanceof Map
      ? [...(tensors as ReadonlyMap<string, SafetensorsTensor>).entries()]
      : Object.entries(tensors as Readonly<Record<string, SafetensorsTensor>>);
  for (const [name, t] of entries) {
    if (name === '' || name === METADATA_KEY) {
      throw new SiftError(
        'INVALID_ARGUMENT',
        `safetensors: invalid tensor name ${JSON.stringify(name)}`,
      );
    }
    if (!Object.hasOwn(DTYPE_BYTES, t.dtype) || !dataArrayMatches(t)) {
      throw new SiftError(
        'INVALID_ARGUMENT',
        `safetensors: tensor '${name}' has dtype ${t.dtype} but data ${t.data?.constructor?.name}`,
      );
    }
    if (
      !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0) ||
      elementCount(t.shape) !== t.data.length
    ) {
      throw new SiftError(
        'INVALID_ARGUMENT',
        `safetensors: tensor '${name}' has shape [${t.shape.join(', ')}] (${elementCount(t.shape)} elements) ` +
          `but ${t.data.length} values`,
      );
    }
  }
  if (metadata) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') {
        throw new SiftError(
          'INVALID_ARGUMENT',
          `safetensors: metadata '${k}' must be a string, found ${typeof v}`,
        );
      }
    }
  }
  // Same order as the reference: alignment descending, then name (byte order for ASCII names).
  entries.sort(
    ([an, a], [bn, b]) =>
      DTYPE_RANK[b.dtype] - DTYPE_RANK[a.dtype] || (an < bn ? -1 : an > bn ? 1 : 0),
  );
  const parts: string[] = [];
  if (metadata) parts.push(`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(metadata)}`);
  let offset = 0;
  for (const [name, t] of entries) {
    const end = offset + t.data.byteLength;
    parts.push(
      `${JSON.stringify(name)}:{"dtype":"${t.dtype}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${end}]}`,
    );
    offset = end;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerBytes = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerBytes + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerBytes);
  let at = 8 + headerBytes;
  for (const [, t] of entries) {
    out.set(toLittleEndianBytes(t), at);
    at += t.data.byteLength;
  }
  return out;
}

function badHeader(message: string): SiftError {
  return new SiftError('SAFETENSORS_BAD_HEADER', `safetensors header: ${message}`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface Entry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

function parseEntry(name: string, raw: unknown): Entry {
  if (!isPlainObject(raw))
    throw badHeader(`entry '${name}' must be an object, found ${JSON.stringify(raw)}`);
  const { dtype, shape, data_offsets: offsets } = raw;
  if (typeof dtype !== 'string') throw badHeader(`entry '${name}' has no string "dtype"`);
  if (!Object.hasOwn(DTYPE_BYTES, dtype)) {
    throw new SiftError(
      'SAFETENSORS_BAD_DTYPE',
      KNOWN_DTYPES.includes(dtype)
        ? `safetensors: tensor '${name}' has dtype ${dtype}; supported: F32, I32, U8`
        : `safetensors: tensor '${name}' has unknown dtype ${JSON.stringify(dtype)}; expected one of F32, I32, U8`,
    );
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw badHeader(
      `entry '${name}' needs "shape" as an array of non-negative integers, found ${JSON.stringify(shape)}`,
    );
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((d) => Number.isSafeInteger(d) && d >= 0)
  ) {
    throw new SiftError(
      'SAFETENSORS_BAD_OFFSETS',
      `safetensors: tensor '${name}' needs "data_offsets" as [begin, end] non-negative integers, found ${JSON.stringify(offsets)}`,
    );
  }
  return {
    name,
    dtype: dtype as SafetensorsDtype,
    shape: shape as number[],
    begin: offsets[0],
    end: offsets[1],
  };
}

function readTensor(e: Entry, bytes: Uint8Array): SafetensorsTensor {
  // Copied out so the result owns aligned memory whatever the file buffer's alignment (through
  // Uint8Array's slice: a Node Buffer's own slice is a view into the whole file).
  const raw = Uint8Array.prototype.slice.call(bytes, e.begin, e.end);
  if (e.dtype === 'U8') return { dtype: 'U8', shape: e.shape, data: raw };
  const n = raw.length / 4;
  if (isLittleEndianHost) {
    return e.dtype === 'F32'
      ? { dtype: 'F32', shape: e.shape, data: new Float32Array(raw.buffer, 0, n) }
      : { dtype: 'I32', shape: e.shape, data: new Int32Array(raw.buffer, 0, n) };
  }
  const view = new DataView(raw.buffer);
  if (e.dtype === 'F32') {
    return {
      dtype: 'F32',
      shape: e.shape,
      data: Float32Array.from({ length: n }, (_, i) => view.getFloat32(4 * i, true)),
    };
  }
  return {
    dtype: 'I32',
    shape: e.shape,
    data: Int32Array.from({ length: n }, (_, i) => view.getInt32(4 * i, true)),
  };
}

/**
 * The first key the header's top-level object repeats, or null. JSON.parse keeps the last of
 * duplicates silently, which would surface as an unrelated offsets error; `text` is valid JSON.
 */
function firstDuplicateKey(text: string): string | null {
  const seen = new Set<string>();
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (depth === 1 && expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (seen.has(key)) return key;
        seen.add(key);
        expectKey = false;
      }
      i = end;
    } else if (c === '{' || c === '[') {
      depth++;
      expectKey = depth === 1 && c === '{';
    } else if (c === '}' || c === ']') {
      depth--;
    } else if (c === ',' && depth === 1) {
      expectKey = true;
    }
  }
  return null;
}

/**
 * Parses a safetensors file with the reference's checks, each with its own code:
 * SAFETENSORS_TOO_SHORT (under 8 bytes), SAFETENSORS_DUPLICATE_NAME (a tensor named twice), SAFETENSORS_HEADER_TOO_LARGE (over 100 MB or past the end
 * of the file), SAFETENSORS_BAD_HEADER (not UTF-8, not a JSON object, malformed entry or
 * metadata), SAFETENSORS_BAD_DTYPE, SAFETENSORS_BAD_OFFSETS (gaps, overlaps, size disagreeing with
 * shape x dtype, or not ending exactly at the end of the file).
 */
export function readSafetensors(input: Uint8Array | ArrayBuffer): SafetensorsFile {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (bytes.length < 8) {
    throw new SiftError(
      'SAFETENSORS_TOO_SHORT',
      `safetensors: expected at least 8 bytes (the header length), found ${bytes.length}`,
    );
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(SAFETENSORS_MAX_HEADER_BYTES)) {
    throw new SiftError(
      'SAFETENSORS_HEADER_TOO_LARGE',
      `safetensors: header length ${headerLength} exceeds the ${SAFETENSORS_MAX_HEADER_BYTES}-byte limit`,
    );
  }
  const n = Number(headerLength);
  if (8 + n > bytes.length) {
    throw new SiftError(
      'SAFETENSORS_HEADER_TOO_LARGE',
      `safetensors: header length ${n} runs past the end of the file (expected at most ${bytes.length - 8}, ` +
        `the file has ${bytes.length} bytes)`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(
      bytes.subarray(8, 8 + n),
    );
  } catch {
    throw badHeader(`the ${n} header bytes are not valid UTF-8`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw badHeader(`invalid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!isPlainObject(parsed)) {
    throw badHeader(
      `expected a JSON object, found ${Array.isArray(parsed) ? 'an array' : JSON.stringify(parsed)}`,
    );
  }
  const duplicate = firstDuplicateKey(text);
  if (duplicate !== null) {
    throw new SiftError(
      'SAFETENSORS_DUPLICATE_NAME',
      `safetensors: the header names tensor '${duplicate}' twice; a file must name each tensor once`,
    );
  }
  let metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [key, value] of Object.entries(parsed)) {
    if (key === METADATA_KEY) {
      // The reference reads `null` as no metadata.
      if (value === null) continue;
      if (!isPlainObject(value) || !Object.values(value).every((v) => typeof v === 'string')) {
        throw badHeader(
          `"${METADATA_KEY}" must map strings to strings, found ${JSON.stringify(value)}`,
        );
      }
      metadata = value as Record<string, string>;
    } else {
      entries.push(parseEntry(key, value));
    }
  }
  const dataBytes = bytes.length - 8 - n;
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expectedBegin = 0;
  for (const e of entries) {
    if (e.end < e.begin) {
      throw new SiftError(
        'SAFETENSORS_BAD_OFFSETS',
        `safetensors: tensor '${e.name}' has data_offsets [${e.begin}, ${e.end}] with end before begin`,
      );
    }
    if (e.begin !== expectedBegin) {
      throw new SiftError(
        'SAFETENSORS_BAD_OFFSETS',
        `safetensors: tensor '${e.name}' begins at byte ${e.begin}, expected ${expectedBegin} ` +
          (e.begin < expectedBegin ? '(it overlaps the previous tensor)' : '(a gap precedes it)'),
      );
    }
    const want = elementCount(e.shape) * DTYPE_BYTES[e.dtype];
    if (e.end - e.begin !== want) {
      throw new SiftError(
        'SAFETENSORS_BAD_OFFSETS',
        `safetensors: tensor '${e.name}' spans ${e.end - e.begin} bytes, but ${e.dtype} [${e.shape.join(', ')}] ` +
          `needs ${want}`,
      );
    }
    if (e.end > dataBytes) {
      throw new SiftError(
        'SAFETENSORS_BAD_OFFSETS',
        `safetensors: tensor '${e.name}' ends at byte ${e.end}, past the ${dataBytes}-byte data region (file truncated?)`,
      );
    }
    expectedBegin = e.end;
  }
  if (expectedBegin !== dataBytes) {
    throw new SiftError(
      'SAFETENSORS_BAD_OFFSETS',
      `safetensors: tensors cover ${expectedBegin} bytes, but the data region after the header has ${dataBytes}`,
    );
  }
  const data = bytes.subarray(8 + n);
  const tensors = new Map<string, SafetensorsTensor>();
  for (const e of entries) tensors.set(e.name, readTensor(e, data));
  return { tensors, metadata };
}

import { describe, expect, it } from 'vitest';
import type { SiftErrorCode } from '../common/errors';
import { readSafetensors, writeSafetensors, type SafetensorsTensor } from './safetensors';

const f32 = (shape: number[], values: number[]): SafetensorsTensor => ({
  dtype: 'F32',
  shape,
  data: Float32Array.from(values),
});

/** What the reference writes: u64 LE length, the header padded with spaces, then the data. */
function expectedFile(header: string, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(header);
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + data.length).fill(0x20, 8, 8 + padded);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.set(data, 8 + padded);
  return out;
}

/** A file with an arbitrary header text and data, for the corrupt-input corpus. */
function rawFile(header: string, dataBytes = 0, declaredLength?: bigint): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, declaredLength ?? BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

describe('safetensors writer', () => {
  // The byte-level cases of huggingface/safetensors' own serialisation tests.
  it('matches the reference bytes for one F32 tensor (no padding needed)', () => {
    const out = writeSafetensors({ 'attn.0': f32([1, 2, 3], [0, 1, 2, 3, 4, 5]) });
    const header = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    expect(header.length).toBe(64);
    expect(out).toEqual(
      expectedFile(header, new Uint8Array(Float32Array.from([0, 1, 2, 3, 4, 5]).buffer)),
    );
    expect(Array.from(out.subarray(0, 8))).toEqual([64, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(out.subarray(72, 80))).toEqual([0, 0, 0, 0, 0, 0, 128, 63]);
  });

  it('pads the header with spaces to a multiple of 8', () => {
    const out = writeSafetensors({ attn0: f32([1, 1, 2, 3], [0, 1, 2, 3, 4, 5]) });
    expect(Array.from(out.subarray(0, 8))).toEqual([72, 0, 0, 0, 0, 0, 0, 0]);
    expect(new TextDecoder().decode(out.subarray(8, 80))).toBe(
      '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       ',
    );
    expect(Array.from(writeSafetensors({}))).toEqual([
      8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32,
    ]);
    expect(new TextDecoder().decode(writeSafetensors({}, { framework: 'pt' }))).toBe(
      '\u0028\0\0\0\0\0\0\0{"__metadata__":{"framework":"pt"}}     ',
    );
  });

  it('orders tensors by dtype alignment then name, metadata first', () => {
    const out = writeSafetensors(
      new Map<string, SafetensorsTensor>([
        ['z.mask', { dtype: 'U8', shape: [3], data: Uint8Array.from([1, 0, 1]) }],
        ['b.weight', f32([2], [1, 2])],
        ['step', { dtype: 'I32', shape: [], data: Int32Array.from([7]) }],
        ['a.weight', f32([1], [3])],
      ]),
      { format: 'pt' },
    );
    const n = Number(new DataView(out.buffer).getBigUint64(0, true));
    expect(new TextDecoder().decode(out.subarray(8, 8 + n)).trimEnd()).toBe(
      '{"__metadata__":{"format":"pt"},' +
        '"a.weight":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},' +
        '"b.weight":{"dtype":"F32","shape":[2],"data_offsets":[4,12]},' +
        '"step":{"dtype":"I32","shape":[],"data_offsets":[12,16]},' +
        '"z.mask":{"dtype":"U8","shape":[3],"data_offsets":[16,19]}}',
    );
    expect(n % 8).toBe(0);
  });

  it('refuses inconsistent tensors', () => {
    expect(() => writeSafetensors({ w: f32([2, 2], [1, 2, 3]) })).toThrow(
      "tensor 'w' has shape [2, 2] (4 elements) but 3 values",
    );
    expect(() =>
      writeSafetensors({
        w: { dtype: 'F32', shape: [1], data: Uint8Array.from([1]) } as unknown as SafetensorsTensor,
      }),
    ).toThrow("tensor 'w' has dtype F32 but data Uint8Array");
    expect(() => writeSafetensors({ __metadata__: f32([1], [1]) })).toThrow(/invalid tensor name/);
    expect(() => writeSafetensors({}, { n: 3 as unknown as string })).toThrow(
      /metadata 'n' must be a string/,
    );
  });
});

describe('safetensors reader', () => {
  it('round-trips every dtype, empty and scalar tensors, and metadata', () => {
    const tensors = new Map<string, SafetensorsTensor>([
      [
        'layer1.0.conv1.weight',
        f32(
          [2, 1, 3, 3],
          Array.from({ length: 18 }, (_, i) => i * 0.25 - 2),
        ),
      ],
      [
        'layer1.0.conv1.weight.mask',
        {
          dtype: 'U8',
          shape: [2, 1, 3, 3],
          data: Uint8Array.from({ length: 18 }, (_, i) => i % 2),
        },
      ],
      ['special', f32([4], [Number.NaN, Infinity, -0, 1e-40])],
      ['empty', f32([0, 5], [])],
      ['step', { dtype: 'I32', shape: [], data: Int32Array.from([-123456]) }],
    ]);
    const file = readSafetensors(
      writeSafetensors(tensors, { config: '{"model":"resnet"}', ünï: 'çødé' }),
    );
    expect(file.metadata).toEqual({ config: '{"model":"resnet"}', ünï: 'çødé' });
    expect(new Set(file.tensors.keys())).toEqual(new Set(tensors.keys()));
    for (const [name, want] of tensors) {
      const got = file.tensors.get(name);
      expect(got?.dtype).toBe(want.dtype);
      expect(got?.shape).toEqual(want.shape);
      expect(got?.data).toEqual(want.data);
    }
    expect(Object.is(file.tensors.get('special')?.data[2], -0)).toBe(true);
  });

  it('reads from an unaligned view and from an ArrayBuffer', () => {
    const bytes = writeSafetensors({ w: f32([3], [1.5, -2.5, 3.25]) });
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(Array.from(readSafetensors(shifted.subarray(3)).tensors.get('w')?.data ?? [])).toEqual([
      1.5, -2.5, 3.25,
    ]);
    expect(readSafetensors(bytes.slice().buffer).tensors.size).toBe(1);
  });

  it('reads a Node Buffer that is a view into a larger allocation (readFileSync, the pool)', () => {
    const bytes = writeSafetensors({ a: f32([2], [7, 8]), b: f32([], [3]) });
    const pool = Buffer.alloc(bytes.length + 16);
    pool.set(bytes, 16);
    const file = readSafetensors(pool.subarray(16));
    expect(Array.from(file.tensors.get('a')?.data ?? [])).toEqual([7, 8]);
    expect(Array.from(file.tensors.get('b')?.data ?? [])).toEqual([3]);
  });

  it('accepts any tensor order in the header and null metadata, as the reference does', () => {
    const header =
      '{"__metadata__":null,"b":{"dtype":"U8","shape":[2],"data_offsets":[4,6]},' +
      '"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":true}}';
    const file = rawFile(header, 6);
    file.set([0, 0, 128, 63, 9, 8], file.length - 6);
    const parsed = readSafetensors(file);
    expect([...parsed.tensors.keys()]).toEqual(['a', 'b']);
    expect(parsed.tensors.get('a')?.data[0]).toBe(1);
    expect(Array.from(parsed.tensors.get('b')?.data ?? [])).toEqual([9, 8]);
  });

  it('gives every bad input its code and a message naming expected and found', () => {
    const t = (offsets: string, shape = '[2]', dtype = 'F32'): string =>
      `"t":{"dtype":"${dtype}","shape":${shape},"data_offsets":${offsets}}`;
    const valid = writeSafetensors({ w: f32([2], [1, 2]) });
    const cases: [string, Uint8Array, SiftErrorCode, string][] = [
      [
        'empty file',
        new Uint8Array(0),
        'SAFETENSORS_TOO_SHORT',
        'expected at least 8 bytes (the header length), found 0',
      ],
      ['7 bytes', new Uint8Array(7), 'SAFETENSORS_TOO_SHORT', 'found 7'],
      [
        'header over 100 MB',
        rawFile('{}', 0, 100_000_001n),
        'SAFETENSORS_HEADER_TOO_LARGE',
        'header length 100000001 exceeds the 100000000-byte limit',
      ],
      [
        'absurd u64 length',
        rawFile('{}', 0, 1n << 63n),
        'SAFETENSORS_HEADER_TOO_LARGE',
        'exceeds the 100000000-byte limit',
      ],
      [
        'header past the end',
        rawFile('{}', 0, 64n),
        'SAFETENSORS_HEADER_TOO_LARGE',
        'header length 64 runs past the end of the file (expected at most 2, the file has 10 bytes)',
      ],
      [
        'truncated file',
        valid.subarray(0, 40),
        'SAFETENSORS_HEADER_TOO_LARGE',
        'runs past the end of the file',
      ],
      [
        'not UTF-8',
        Uint8Array.from([2, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe]),
        'SAFETENSORS_BAD_HEADER',
        'header bytes are not valid UTF-8',
      ],
      ['invalid JSON', rawFile('{"t": {'), 'SAFETENSORS_BAD_HEADER', 'invalid JSON'],
      [
        'JSON array',
        rawFile('[1, 2]'),
        'SAFETENSORS_BAD_HEADER',
        'expected a JSON object, found an array',
      ],
      [
        'entry not an object',
        rawFile('{"t": 5}'),
        'SAFETENSORS_BAD_HEADER',
        "entry 't' must be an object, found 5",
      ],
      [
        'metadata not strings',
        rawFile('{"__metadata__":{"epoch":3}}'),
        'SAFETENSORS_BAD_HEADER',
        '"__metadata__" must map strings to strings, found {"epoch":3}',
      ],
      [
        'bad shape',
        rawFile(`{${t('[0,8]', '[2,-1]')}}`, 8),
        'SAFETENSORS_BAD_HEADER',
        'needs "shape" as an array of non-negative integers, found [2,-1]',
      ],
      [
        'unknown dtype',
        rawFile(`{${t('[0,8]', '[2]', 'F99')}}`, 8),
        'SAFETENSORS_BAD_DTYPE',
        `tensor 't' has unknown dtype "F99"; expected one of F32, I32, U8`,
      ],
      [
        'unsupported dtype',
        rawFile(`{${t('[0,4]', '[2]', 'F16')}}`, 4),
        'SAFETENSORS_BAD_DTYPE',
        "tensor 't' has dtype F16; supported: F32, I32, U8",
      ],
      [
        'offsets not a pair',
        rawFile(`{${t('[0]')}}`, 8),
        'SAFETENSORS_BAD_OFFSETS',
        'needs "data_offsets" as [begin, end] non-negative integers, found [0]',
      ],
      [
        'end before begin',
        rawFile(`{${t('[8,0]')}}`, 8),
        'SAFETENSORS_BAD_OFFSETS',
        "tensor 't' has data_offsets [8, 0] with end before begin",
      ],
      [
        'gap before a tensor',
        rawFile(`{${t('[4,12]')}}`, 12),
        'SAFETENSORS_BAD_OFFSETS',
        "tensor 't' begins at byte 4, expected 0 (a gap precedes it)",
      ],
      [
        'overlapping tensors',
        rawFile(`{${t('[0,8]')},"u":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}`, 12),
        'SAFETENSORS_BAD_OFFSETS',
        "tensor 'u' begins at byte 4, expected 8 (it overlaps the previous tensor)",
      ],
      [
        'size disagrees with shape',
        rawFile(`{${t('[0,12]')}}`, 12),
        'SAFETENSORS_BAD_OFFSETS',
        "tensor 't' spans 12 bytes, but F32 [2] needs 8",
      ],
      [
        'tensor past the data',
        rawFile(`{${t('[0,8]')}}`, 5),
        'SAFETENSORS_BAD_OFFSETS',
        "tensor 't' ends at byte 8, past the 5-byte data region",
      ],
      [
        'trailing bytes',
        rawFile(`{${t('[0,8]')}}`, 9),
        'SAFETENSORS_BAD_OFFSETS',
        'tensors cover 8 bytes, but the data region after the header has 9',
      ],
    ];
    for (const [what, bytes, code, message] of cases) {
      let error: { code?: string; message?: string } = {};
      try {
        readSafetensors(bytes);
      } catch (e) {
        error = e as typeof error;
      }
      expect({ what, code: error.code }).toEqual({ what, code });
      expect(error.message, what).toContain(message);
    }
  });
});

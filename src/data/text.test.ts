import { describe, expect, it } from 'vitest';
import { Rng } from '../common/rng';
import {
  CharTokenizer,
  decodeUtf8,
  firstInvalidUtf8,
  prepareText,
  sampleTextBatch,
  sequentialTextBatches,
} from './text';

describe('decodeUtf8', () => {
  it('decodes UTF-8 and drops a BOM', () => {
    const bytes = new TextEncoder().encode('\uFEFFnaïve — 🙂');
    expect(decodeUtf8(bytes, 'a.txt')).toBe('naïve — 🙂');
  });

  it('names the offset and bytes of the first invalid sequence', () => {
    const cases: [number[], number, string][] = [
      [[0x61, 0x80, 0x62], 1, '80 62'], // stray continuation byte
      [[0x61, 0x62, 0xe2, 0x82], 2, 'e2 82'], // truncated 3-byte sequence
      [[0xc0, 0xaf], 0, 'c0 af'], // overlong '/'
      [[0x61, 0xed, 0xa0, 0x80], 1, 'ed a0 80'], // UTF-16 surrogate
      [[0xf4, 0x90, 0x80, 0x80], 0, 'f4 90 80 80'], // above U+10FFFF
      [[0x41, 0xe9, 0x74, 0xe9], 1, 'e9 74 e9'], // Latin-1 'Été'
    ];
    for (const [bytes, at, shown] of cases) {
      expect(() => decodeUtf8(Uint8Array.from(bytes), 'bad.txt')).toThrow(
        expect.objectContaining({
          code: 'TEXT_BAD_UTF8',
          message: expect.stringContaining(
            `invalid byte sequence at byte ${at} of ${bytes.length} (${shown})`,
          ),
        }),
      );
    }
  });

  it('locates invalid UTF-8 exactly where the platform decoder rejects it', () => {
    const rng = new Rng(7);
    const fatal = new TextDecoder('utf-8', { fatal: true });
    let invalid = 0;
    for (let trial = 0; trial < 2000; trial++) {
      // Mostly valid text with an occasional random byte.
      const text = new TextEncoder().encode('aé€🙂'.repeat(1 + rng.int(3)));
      if (rng.next() < 0.5) text[rng.int(text.length)] = rng.int(256);
      let ok = true;
      try {
        fatal.decode(text);
      } catch {
        ok = false;
        invalid++;
      }
      const at = firstInvalidUtf8(text);
      expect(at === text.length).toBe(ok);
      if (!ok) {
        expect(() => fatal.decode(text.subarray(0, at))).not.toThrow();
      }
    }
    expect(invalid).toBeGreaterThan(100);
  });
});

describe('CharTokenizer', () => {
  it('builds a sorted, stable vocabulary of code points and round-trips', () => {
    const text = 'hello, world! 🙂 é\n';
    const tok = CharTokenizer.fromText(text);
    expect(tok.vocabulary).toBe('\n !,dehlorwé🙂');
    expect(tok.vocabSize).toBe(13);
    const ids = tok.encode(text);
    expect(ids.length).toBe([...text].length);
    expect(tok.decode(ids)).toBe(text);
    expect(Array.from(tok.encode('hel'))).toEqual([6, 5, 7]);
    // The same characters in another order give the same vocabulary.
    expect(CharTokenizer.fromText([...text].reverse().join('')).vocabulary).toBe(tok.vocabulary);
    expect(CharTokenizer.fromVocabulary(tok.vocabulary).encode(text)).toEqual(ids);
  });

  it('rejects unknown characters, bad ids and bad vocabularies', () => {
    const tok = CharTokenizer.fromText('abc');
    expect(() => tok.encode('abz')).toThrow(
      'character "z" (U+007A) at position 2 is not in the 3-character vocabulary',
    );
    expect(() => tok.decode([0, 3])).toThrow(
      'token 3 at position 1 is outside the vocabulary 0..2',
    );
    expect(() => tok.decode([0.5])).toThrow(/token 0.5/);
    expect(() => CharTokenizer.fromText('')).toThrow(
      expect.objectContaining({ code: 'TEXT_TOO_SHORT' }),
    );
    expect(() => CharTokenizer.fromVocabulary('ba')).toThrow(
      /position 1 \(U\+0061\) follows U\+0062/,
    );
    expect(() => CharTokenizer.fromVocabulary('aa')).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });
});

describe('prepareText', () => {
  it('holds out the last 10% for validation', () => {
    const text = 'abcdefghij'.repeat(10);
    const { tokenizer, train, val } = prepareText(text, { blockSize: 4 });
    expect(train.length).toBe(90);
    expect(val.length).toBe(10);
    expect(tokenizer.decode(val)).toBe(text.slice(90));
    expect(tokenizer.decode(train)).toBe(text.slice(0, 90));
  });

  it('says how much text a block size needs', () => {
    expect(() => prepareText('x'.repeat(50), { blockSize: 8, source: 'tiny.txt' })).toThrow(
      expect.objectContaining({
        code: 'TEXT_TOO_SHORT',
        message:
          'tiny.txt: found 50 characters; with block size 8 and the last 10% held out, each split needs a ' +
          '9-character window, so expected at least 90 characters',
      }),
    );
    expect(() => prepareText('x'.repeat(90), { blockSize: 8 })).not.toThrow();
    expect(() => prepareText('x'.repeat(89), { blockSize: 8 })).toThrow(/expected at least 90/);
    expect(() => prepareText('', { blockSize: 8 })).toThrow(
      expect.objectContaining({ code: 'TEXT_TOO_SHORT' }),
    );
  });
});

describe('text batches', () => {
  const ids = Int32Array.from({ length: 50 }, (_, i) => i);

  it('samples (B, T+1) windows reproducibly, with targets the inputs shifted by one', () => {
    const a = sampleTextBatch(ids, 4, 8, 123, 5);
    const b = sampleTextBatch(ids, 4, 8, 123, 5);
    expect(a.windows).toEqual(b.windows);
    expect(sampleTextBatch(ids, 4, 8, 124, 5).windows).not.toEqual(a.windows);
    expect(sampleTextBatch(ids, 4, 8, 123, 6).windows).not.toEqual(a.windows);
    for (let r = 0; r < 4; r++) {
      const w = a.windows.subarray(r * 9, r * 9 + 9);
      for (let t = 1; t < 9; t++) expect(w[t]).toBe(w[0] + t); // consecutive ids
      expect(Array.from(a.inputs.subarray(r * 8, r * 8 + 8))).toEqual(Array.from(w.subarray(0, 8)));
      expect(Array.from(a.targets.subarray(r * 8, r * 8 + 8))).toEqual(Array.from(w.subarray(1)));
    }
  });

  it('reaches every start position 0..L-T-1 and no other', () => {
    const starts = new Set<number>();
    for (let k = 0; k < 200; k++) {
      const batch = sampleTextBatch(ids, 8, 8, 1, k);
      for (let r = 0; r < 8; r++) starts.add(batch.windows[r * 9]);
    }
    expect(Math.min(...starts)).toBe(0);
    expect(Math.max(...starts)).toBe(50 - 9);
    expect(starts.size).toBe(42);
  });

  it('covers the ids with non-overlapping evaluation windows', () => {
    const batches = sequentialTextBatches(ids, 4, 8);
    expect(batches.map((b) => b.batchSize)).toEqual([4, 2]); // floor(49 / 8) = 6 windows
    expect(Array.from(batches[1].targets.subarray(8))).toEqual([41, 42, 43, 44, 45, 46, 47, 48]);
    expect(sequentialTextBatches(ids, 4, 8, 1)).toHaveLength(1);
    expect(() => sampleTextBatch(ids.subarray(0, 8), 1, 8, 0, 0)).toThrow(
      expect.objectContaining({ code: 'TEXT_TOO_SHORT' }),
    );
  });
});

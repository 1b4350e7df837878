import { describe, expect, it } from 'vitest';
import { loadCifar, parseCifarBatches } from './cifar';
import { gunzip } from './gzip';
import { TarExtractor, untar } from './tar';
import {
  catchSiftError,
  cifarRecords,
  fixturePixel,
  gzip,
  tarArchive,
  tarHeader,
} from './test-fixtures';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('gunzip', () => {
  it('inflates what zlib deflated', async () => {
    const data = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 13) % 251);
    expect(await gunzip(gzip(data), 'x.gz')).toEqual(data);
  });

  it('names the missing magic, truncation and corruption', async () => {
    let e = await catchSiftError(() => gunzip(enc('hello, not gzip'), 'x.gz'));
    expect(e.code).toBe('GZIP_NOT_GZIP');
    expect(e.message).toContain('expected gzip data starting with bytes 1f 8b 08, found 68 65 6c');
    e = await catchSiftError(() => gunzip(new Uint8Array(0), 'empty.gz'));
    expect(e.code).toBe('GZIP_NOT_GZIP');
    expect(e.message).toContain('found an empty file');

    const packed = gzip(Uint8Array.from({ length: 50_000 }, (_, i) => (i * 7) & 0xff));
    e = await catchSiftError(() => gunzip(packed.subarray(0, packed.length - 20), 'cut.gz'));
    expect(e.code).toBe('GZIP_CORRUPT');
    expect(e.message).toMatch(/^cut\.gz: gzip stream is corrupt/);
    const damaged = packed.slice();
    damaged[damaged.length - 6] ^= 0xff; // inside the CRC32 trailer
    e = await catchSiftError(() => gunzip(damaged, 'crc.gz'));
    expect(e.code).toBe('GZIP_CORRUPT');
  });
});

describe('tar reader', () => {
  const a = Uint8Array.from({ length: 700 }, (_, i) => i & 0xff);
  const b = enc('second member');
  const archive = tarArchive([
    { name: 'dir/', type: '5' },
    { name: 'dir/a.bin', bytes: a },
    { name: 'dir/skip.txt', bytes: enc('not kept') },
    { name: 'b.bin', prefix: 'deep/path', bytes: b },
  ]);
  const keepBins = (name: string): boolean => name.endsWith('.bin');

  it('extracts the kept members with their ustar prefix', () => {
    const members = untar(archive, 't.tar', keepBins);
    expect(members.map((m) => m.name)).toEqual(['dir/a.bin', 'deep/path/b.bin']);
    expect(members[0].bytes).toEqual(a);
    expect(members[1].bytes).toEqual(b);
  });

  it('gives the same result whatever the chunk boundaries', () => {
    for (const size of [1, 7, 511, 513, 1500]) {
      const extractor = new TarExtractor('t.tar', keepBins);
      for (let at = 0; at < archive.length; at += size)
        extractor.push(archive.subarray(at, at + size));
      const members = extractor.finish();
      expect(members.map((m) => [m.name, m.bytes.length])).toEqual([
        ['dir/a.bin', 700],
        ['deep/path/b.bin', b.length],
      ]);
      expect(members[0].bytes).toEqual(a);
    }
  });

  it('reads GNU long names and pax paths', () => {
    const long = `${'x'.repeat(120)}/data_batch_1.bin`;
    const pax = enc(`${30 + 5} path=pax/name/test_batch.bin\n`);
    const members = untar(
      tarArchive([
        { name: '././@LongLink', type: 'L', bytes: enc(`${long}\0`) },
        { name: 'truncated-name', bytes: enc('L') },
        { name: 'PaxHeader', type: 'x', bytes: pax },
        { name: 'short', bytes: enc('X') },
      ]),
      't.tar',
      () => true,
    );
    expect(members.map((m) => m.name)).toEqual([long, 'pax/name/test_batch.bin']);
  });

  it('reports truncation, corruption and a missing end marker precisely', () => {
    const cases: [Uint8Array, RegExp][] = [
      [
        archive.subarray(0, 512 * 2 + 100),
        /member 'dir\/a\.bin' declares 700 bytes, only 100 present/,
      ],
      [archive.subarray(0, 512 * 2 + 700), /member 'dir\/a\.bin' lacks its padding/],
      [archive.subarray(0, 512 * 4 + 30), /ends inside a header at byte 2048 \(30 of 512 bytes\)/],
      [
        tarArchive([{ name: 'a.bin', bytes: a }], { end: false }),
        /no end-of-archive marker .* last member 'a\.bin'/,
      ],
      [new Uint8Array(0), /empty tar archive/],
    ];
    for (const [bytes, message] of cases) {
      let error: unknown;
      try {
        untar(bytes, 't.tar', keepBins);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'TAR_CORRUPT' });
      expect((error as Error).message).toMatch(message);
    }
    const notTar = new Uint8Array(1024).fill(65);
    expect(() => untar(notTar, 'n.tar', keepBins)).toThrow(
      /not a tar archive \(the first 512-byte header/,
    );
    const damaged = archive.slice();
    damaged[512 * 4 + 10] ^= 0x01; // the name in the third header (after a.bin's two data blocks)
    expect(() => untar(damaged, 'd.tar', keepBins)).toThrow(
      /tar header at byte 2048 is corrupt \(stored checksum/,
    );
  });

  it('rejects an absurd long-name record', () => {
    const header = tarHeader({ name: 'L', type: 'L' }, 1 << 24);
    expect(() => untar(header, 'l.tar', () => true)).toThrow(
      /declares a 16777216-byte name record/,
    );
  });
});

describe('CIFAR parsing', () => {
  it('puts CIFAR-10 records into NCHW images and labels', () => {
    const bytes = cifarRecords([[3], [9], [0]]);
    const ds = parseCifarBatches([{ name: 'data_batch_1.bin', bytes }], 'cifar10', 'c10');
    expect([ds.count, ds.channels, ds.height, ds.width, ds.classes]).toEqual([3, 3, 32, 32, 10]);
    expect(Array.from(ds.labels)).toEqual([3, 9, 0]);
    // Record 1, green plane (offset 1024), row 2, column 5.
    expect(ds.images[1 * 3072 + 1024 + 2 * 32 + 5]).toBe(fixturePixel(1, 1024 + 69));
    expect(ds.images[2 * 3072 + 3071]).toBe(fixturePixel(2, 3071));
  });

  it('reads CIFAR-100 coarse and fine labels', () => {
    const bytes = cifarRecords([
      [19, 99],
      [0, 42],
    ]);
    const ds = parseCifarBatches([{ name: 'train.bin', bytes }], 'cifar100', 'c100');
    expect(ds.classes).toBe(100);
    expect(Array.from(ds.labels)).toEqual([99, 42]);
    expect(Array.from(ds.coarseLabels ?? [])).toEqual([19, 0]);
    expect(ds.images[3072]).toBe(fixturePixel(1, 0));
  });

  it('names expected and found sizes for a file of the wrong length', () => {
    const e = () =>
      parseCifarBatches(
        [{ name: 'data_batch_1.bin', bytes: new Uint8Array(3073 * 2 + 5) }],
        'cifar10',
        'x',
      );
    expect(e).toThrow(
      'data_batch_1.bin: expected a non-zero multiple of 3073 bytes (1 label byte + 3072 pixel bytes per image), ' +
        'found 6151 bytes (2 whole records + 5 bytes)',
    );
    const c100 = cifarRecords([
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
    expect(() => parseCifarBatches([{ name: 'x.bin', bytes: c100 }], 'cifar10', 'x')).toThrow(
      /multiple of 3074, the CIFAR-100 record size/,
    );
    expect(() =>
      parseCifarBatches([{ name: 'e.bin', bytes: new Uint8Array(0) }], 'cifar10', 'x'),
    ).toThrow(/found 0 bytes/);
  });

  it('rejects labels outside the variant range', () => {
    const cases: [number[][], 'cifar10' | 'cifar100', string][] = [
      [[[1], [10]], 'cifar10', 'record 1 (byte 3073) has label 10, expected 0..9'],
      [[[20, 5]], 'cifar100', 'record 0 (byte 0) has coarse label 20, expected 0..19'],
      [
        [
          [2, 5],
          [3, 100],
        ],
        'cifar100',
        'record 1 (byte 3075) has label 100, expected 0..99',
      ],
    ];
    for (const [labels, variant, message] of cases) {
      let error: unknown;
      try {
        parseCifarBatches([{ name: 'b.bin', bytes: cifarRecords(labels) }], variant, 'x');
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'CIFAR_BAD_LABEL', message: `b.bin: ${message}` });
    }
  });
});

describe('loadCifar', () => {
  const batch = (labels: number[], first: number): Uint8Array =>
    cifarRecords(
      labels.map((l) => [l]),
      first,
    );
  const cifar10Members = [
    { name: 'cifar-10-batches-bin/', type: '5' },
    {
      name: 'cifar-10-batches-bin/batches.meta.txt',
      bytes: enc('a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n'),
    },
    { name: 'cifar-10-batches-bin/data_batch_2.bin', bytes: batch([5, 6], 2) },
    { name: 'cifar-10-batches-bin/data_batch_1.bin', bytes: batch([1, 2], 0) },
    { name: 'cifar-10-batches-bin/readme.html', bytes: enc('<html>') },
    { name: 'cifar-10-batches-bin/test_batch.bin', bytes: batch([7], 100) },
  ];

  it('loads the .tar.gz as distributed, batches in numeric order, class names from the meta file', async () => {
    const file = new File(
      [gzip(tarArchive(cifar10Members)) as Uint8Array<ArrayBuffer>],
      'cifar-10-binary.tar.gz',
    );
    const { variant, train, test } = await loadCifar([file]);
    expect(variant).toBe('cifar10');
    expect(Array.from(train.labels)).toEqual([1, 2, 5, 6]);
    expect(train.images[2 * 3072 + 17]).toBe(fixturePixel(2, 17));
    expect(Array.from(test.labels)).toEqual([7]);
    expect(test.images[5]).toBe(fixturePixel(100, 5));
    expect(train.classNames?.[9]).toBe('j');
  });

  it('streams an archive whose members span many decompressed chunks', async () => {
    const labels = Array.from({ length: 300 }, (_, i) => i % 10);
    const tar = tarArchive([
      { name: 'cifar-10-batches-bin/data_batch_1.bin', bytes: batch(labels, 0) },
      { name: 'cifar-10-batches-bin/test_batch.bin', bytes: batch(labels.slice(0, 50), 300) },
    ]);
    const file = new File([gzip(tar) as Uint8Array<ArrayBuffer>], 'cifar-10-binary.tar.gz');
    const { train, test } = await loadCifar([file]);
    expect(Array.from(train.labels)).toEqual(labels);
    for (const r of [0, 137, 299])
      expect(train.images[r * 3072 + 3000]).toBe(fixturePixel(r, 3000));
    expect(test.images[49 * 3072 + 1]).toBe(fixturePixel(349, 1));
  });

  it('loads a plain .tar and the extracted .bin files alike', async () => {
    const fromTar = await loadCifar([{ name: 'c.tar', data: tarArchive(cifar10Members) }]);
    const fromBins = await loadCifar([
      { name: 'test_batch.bin', data: batch([7], 100) },
      { name: 'data_batch_1.bin', data: batch([1, 2], 0).buffer as ArrayBuffer },
      { name: 'data_batch_2.bin', data: batch([5, 6], 2) },
    ]);
    expect(fromBins.train.images).toEqual(fromTar.train.images);
    expect(fromBins.train.labels).toEqual(fromTar.train.labels);
    expect(fromBins.train.classNames?.[0]).toBe('airplane');
  });

  it('loads CIFAR-100 with fine labels and fine class names', async () => {
    const names = Array.from({ length: 100 }, (_, i) => `class${i}`).join('\n');
    const tar = tarArchive([
      { name: 'cifar-100-binary/fine_label_names.txt', bytes: enc(names) },
      {
        name: 'cifar-100-binary/train.bin',
        bytes: cifarRecords([
          [4, 40],
          [5, 50],
        ]),
      },
      { name: 'cifar-100-binary/test.bin', bytes: cifarRecords([[6, 60]]) },
    ]);
    const { variant, train, test } = await loadCifar(
      [{ name: 'cifar-100-binary.tar.gz', data: gzip(tar) }],
      'cifar100',
    );
    expect(variant).toBe('cifar100');
    expect(Array.from(train.labels)).toEqual([40, 50]);
    expect(Array.from(test.coarseLabels ?? [])).toEqual([6]);
    expect(train.classNames?.[99]).toBe('class99');
  });

  it('gives each bad input its code and a message naming expected and found', async () => {
    const goodTar = tarArchive(cifar10Members);
    const truncatedTar = goodTar.subarray(0, 512 * 6 + 1000);
    const cases: [string, { name: string; data: Uint8Array }[], string, RegExp][] = [
      [
        'not gzip',
        [{ name: 'c.tar.gz', data: enc('plain text, renamed') }],
        'GZIP_NOT_GZIP',
        /name says gzip but .* 1f 8b 08/,
      ],
      [
        'corrupt gzip',
        [{ name: 'c.tar.gz', data: gzip(goodTar).subarray(0, 200) }],
        'GZIP_CORRUPT',
        /c\.tar\.gz: gzip stream is corrupt/,
      ],
      [
        'gzip of a non-tar',
        [{ name: 'c.tar.gz', data: gzip(new Uint8Array(4096).fill(9)) }],
        'TAR_CORRUPT',
        /gzip content is not a tar archive/,
      ],
      [
        'truncated tar inside gzip',
        [{ name: 'c.tar.gz', data: gzip(truncatedTar) }],
        'TAR_CORRUPT',
        /declares 6146 bytes, only/,
      ],
      [
        'no bin files',
        [{ name: 'c.tar', data: tarArchive([{ name: 'readme.html', bytes: enc('x') }]) }],
        'CIFAR_NO_BATCHES',
        /no CIFAR batch files found \(expected CIFAR-10 data_batch_1\.\.5\.bin/,
      ],
      [
        'missing test batch',
        [{ name: 'data_batch_1.bin', data: batch([1], 0) }],
        'CIFAR_NO_BATCHES',
        /CIFAR-10 needs training and test batches; found data_batch_1\.bin, missing test_batch\.bin/,
      ],
      [
        'unknown file',
        [{ name: 'photo.jpg', data: enc('jpeg') }],
        'CIFAR_NO_BATCHES',
        /photo\.jpg is not a CIFAR batch file/,
      ],
      [
        'mixed variants',
        [
          { name: 'data_batch_1.bin', data: batch([1], 0) },
          { name: 'test.bin', data: cifarRecords([[1, 1]]) },
        ],
        'CIFAR_NO_BATCHES',
        /mixes CIFAR-10 and CIFAR-100/,
      ],
      [
        'duplicate',
        [
          { name: 'test_batch.bin', data: batch([1], 0) },
          { name: 'test_batch.bin', data: batch([1], 0) },
        ],
        'CIFAR_NO_BATCHES',
        /test_batch\.bin was given twice/,
      ],
      [
        'wrong length',
        [
          { name: 'data_batch_1.bin', data: new Uint8Array(3000) },
          { name: 'test_batch.bin', data: batch([1], 0) },
        ],
        'CIFAR_BAD_LENGTH',
        /data_batch_1\.bin: expected a non-zero multiple of 3073 bytes .* found 3000 bytes/,
      ],
      [
        'bad label',
        [
          { name: 'data_batch_1.bin', data: batch([1, 200], 0) },
          { name: 'test_batch.bin', data: batch([1], 0) },
        ],
        'CIFAR_BAD_LABEL',
        /record 1 .* has label 200, expected 0\.\.9/,
      ],
    ];
    for (const [what, files, code, message] of cases) {
      const e = await catchSiftError(() => loadCifar(files));
      expect({ what, code: e.code }).toEqual({ what, code });
      expect(e.message, what).toMatch(message);
    }
    const e = await catchSiftError(() => loadCifar([{ name: 'c.tar', data: goodTar }], 'cifar100'));
    expect(e.message).toMatch(/expected CIFAR-100 files, found CIFAR-10 files/);
    expect((await catchSiftError(() => loadCifar([]))).code).toBe('CIFAR_NO_BATCHES');
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { adapterCacheKey, cachedMeasurement, MemoryAdapterStore } from './adapter-cache';
import { defaultCacheFile, FileAdapterStore } from './adapter-cache-node';

const dir = mkdtempSync(join(tmpdir(), 'sift-cache-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const parseCount = (raw: unknown): number | null =>
  typeof raw === 'number' && raw > 0 ? raw : null;

function counter(adapter: string) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    m: {
      topic: 't',
      version: 1,
      adapter,
      parse: parseCount,
      measure: () => Promise.resolve(++calls * 10),
    },
  };
}

describe('cachedMeasurement', () => {
  it('measures once per adapter and reuses the value afterwards', async () => {
    const store = new MemoryAdapterStore();
    const a = counter('gpu A');
    expect(await cachedMeasurement(store, a.m)).toEqual({ value: 10, fromCache: false });
    expect(await cachedMeasurement(store, a.m)).toEqual({ value: 10, fromCache: true });
    expect(a.calls).toBe(1);
    const b = counter('gpu B');
    expect(await cachedMeasurement(store, b.m)).toEqual({ value: 10, fromCache: false });
    expect(store.entries.size).toBe(2);
    // A new format version is measured again.
    expect((await cachedMeasurement(store, { ...a.m, version: 2 })).fromCache).toBe(false);
  });

  it('measures again over a value that does not parse, and replaces it', async () => {
    const store = new MemoryAdapterStore();
    await store.set(adapterCacheKey('t', 1, 'gpu'), 'garbage');
    const c = counter('gpu');
    expect(await cachedMeasurement(store, c.m)).toEqual({ value: 10, fromCache: false });
    expect(store.entries.get(adapterCacheKey('t', 1, 'gpu'))).toBe(10);
  });
});

describe('FileAdapterStore', () => {
  it('persists across store objects (a later process) and keeps other entries', async () => {
    const file = join(dir, 'nested', 'cache.json');
    const c = counter('gpu');
    await cachedMeasurement(new FileAdapterStore(file), c.m);
    await new FileAdapterStore(file).set('other', { x: 1 });
    const again = await cachedMeasurement(new FileAdapterStore(file), c.m);
    expect(again).toEqual({ value: 10, fromCache: true });
    expect(c.calls).toBe(1);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      [adapterCacheKey('t', 1, 'gpu')]: 10,
      other: { x: 1 },
    });
  });

  it('reads a corrupt or foreign file as empty and rewrites it', async () => {
    for (const text of ['{"t@1|gpu": 5', '[1, 2]', 'null']) {
      const file = join(dir, 'corrupt.json');
      writeFileSync(file, text);
      const c = counter('gpu');
      expect(await cachedMeasurement(new FileAdapterStore(file), c.m)).toEqual({
        value: 10,
        fromCache: false,
      });
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
        [adapterCacheKey('t', 1, 'gpu')]: 10,
      });
    }
  });

  it('lives under SIFT_CACHE_DIR, else XDG_CACHE_HOME, else ~/.cache', () => {
    expect(defaultCacheFile({ SIFT_CACHE_DIR: '/c' })).toBe('/c/adapter-cache.json');
    expect(defaultCacheFile({ XDG_CACHE_HOME: '/x' })).toBe(
      '/x/sift-playground/adapter-cache.json',
    );
    expect(defaultCacheFile({})).toMatch(/\.cache\/sift-playground\/adapter-cache\.json$/);
  });
});

// Results measured on one adapter (matmul tuning, sparse kernel profile), kept so the next start
// on the same adapter reuses them instead of measuring again. One store per environment: a JSON
// file under the user cache dir in Node (adapter-cache-node.ts), IndexedDB in a page or worker
// (adapter-cache-idb.ts), memory in tests. Entries are keyed by topic, format version and adapter
// description; a value that does not parse (older format, hand-edited, corrupt) is measured again.

/** A persistent key-value store of JSON values. Failures to read or write must not throw. */
export interface AdapterStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
}

/** A store that lives as long as the process (tests, or where nothing persistent is available). */
export class MemoryAdapterStore implements AdapterStore {
  readonly entries = new Map<string, unknown>();
  get(key: string): Promise<unknown> {
    return Promise.resolve(this.entries.get(key));
  }
  set(key: string, value: unknown): Promise<void> {
    this.entries.set(key, value);
    return Promise.resolve();
  }
}

export interface CachedMeasurement<T> {
  /** What is measured, e.g. 'matmul-tuning'. */
  topic: string;
  /** Bump when the value's meaning changes (a new kernel): older entries are measured again. */
  version: number;
  /** The adapter description (GpuRuntime.adapterName). */
  adapter: string;
  /** The value if `raw` is a valid one, else null. */
  parse(raw: unknown): T | null;
  measure(): Promise<T>;
}

export const adapterCacheKey = (topic: string, version: number, adapter: string): string =>
  `${topic}@${version}|${adapter}`;

/** The cached value for this topic and adapter, measuring and storing it on a miss. */
export async function cachedMeasurement<T>(
  store: AdapterStore,
  m: CachedMeasurement<T>,
): Promise<{ value: T; fromCache: boolean }> {
  const key = adapterCacheKey(m.topic, m.version, m.adapter);
  let raw: unknown;
  try {
    raw = await store.get(key);
  } catch {
    raw = undefined;
  }
  const hit = raw === undefined ? null : m.parse(raw);
  if (hit !== null) return { value: hit, fromCache: true };
  const value = await m.measure();
  try {
    await store.set(key, value);
  } catch {
    // Not persisted: the next start measures again, which is correct, only slower.
  }
  return { value, fromCache: false };
}

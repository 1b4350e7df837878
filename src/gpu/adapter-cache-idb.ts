// The adapter cache in a page or worker: one IndexedDB object store. Where IndexedDB is missing
// or refuses (private browsing), reads miss and writes are dropped: the app measures again.
import type { AdapterStore } from './adapter-cache';

const DB = 'sift-adapter-cache';
const STORE = 'entries';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

export class IdbAdapterStore implements AdapterStore {
  private db: Promise<IDBDatabase> | null = null;

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise((resolve, reject) => {
      const r = indexedDB.open(DB, 1);
      r.onupgradeneeded = () => r.result.createObjectStore(STORE);
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error ?? new Error('IndexedDB open failed'));
    });
    return this.db;
  }

  async get(key: string): Promise<unknown> {
    try {
      const db = await this.open();
      return await request(db.transaction(STORE).objectStore(STORE).get(key));
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: unknown): Promise<void> {
    try {
      const db = await this.open();
      await request(db.transaction(STORE, 'readwrite').objectStore(STORE).put(value, key));
    } catch {
      // Dropped: see the header.
    }
  }
}

// A small IndexedDB storage for zustand's persist middleware. Values are stored as structured
// clones (no JSON round trip) and writes are coalesced: persist calls setItem on every state
// change, and a live run changes state several times a second.
import type { PersistStorage, StorageValue } from 'zustand/middleware';

const storeName = 'kv';

export type SaveStatus = 'idle' | 'saving' | 'saved' | 'failed';

export function idbRequest<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function openDb(dbName: string): Promise<IDBDatabase> {
  const req = indexedDB.open(dbName, 1);
  req.onupgradeneeded = () => {
    if (!req.result.objectStoreNames.contains(storeName)) req.result.createObjectStore(storeName);
  };
  return idbRequest(req);
}

async function withStore<T>(
  db: Promise<IDBDatabase>,
  mode: IDBTransactionMode,
  makeRequest: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const tx = (await db).transaction(storeName, mode);
  const result = await idbRequest(makeRequest(tx.objectStore(storeName)));
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
  return result;
}

export interface IdbStorageOptions {
  /** Coalesce writes within this many milliseconds. */
  delayMs?: number;
  onStatus?: (status: SaveStatus) => void;
}

export function createIdbStorage<S>(
  dbName: string,
  options: IdbStorageOptions = {},
): PersistStorage<S> {
  const delayMs = options.delayMs ?? 400;
  const onStatus = options.onStatus ?? (() => {});
  let db: Promise<IDBDatabase> | undefined;
  const database = () => (db ??= openDb(dbName));
  const pending = new Map<string, StorageValue<S>>();
  const lastState = new Map<string, S>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function flush(): Promise<void> {
    timer = undefined;
    const entries = [...pending];
    pending.clear();
    try {
      for (const [name, value] of entries)
        await withStore(database(), 'readwrite', (s) => s.put(value, name));
      onStatus(pending.size > 0 ? 'saving' : 'saved');
    } catch (e) {
      console.error('saving runs to IndexedDB failed', e);
      onStatus('failed');
    }
  }

  if (typeof window !== 'undefined') {
    // A tab closing mid-delay would lose the last changes; start the write now.
    const flushNow = () => {
      if (timer !== undefined) {
        clearTimeout(timer);
        void flush();
      }
    };
    window.addEventListener('pagehide', flushNow);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') flushNow();
    });
  }

  return {
    getItem: async (name) => (await withStore(database(), 'readonly', (s) => s.get(name))) ?? null,
    setItem: (name, value) => {
      // persist calls setItem on every state change; unchanged persisted state needs no write.
      if (lastState.get(name) === value.state) return;
      lastState.set(name, value.state);
      pending.set(name, value);
      onStatus('saving');
      timer ??= setTimeout(() => void flush(), delayMs);
    },
    removeItem: async (name) => {
      pending.delete(name);
      await withStore(database(), 'readwrite', (s) => s.delete(name));
    },
  };
}

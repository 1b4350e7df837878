// Where finished runs keep their weights: IndexedDB in the page (its own database, apart from the
// persisted store, so the runs list stays small and loads fast), memory in tests and where
// IndexedDB is missing. A size budget keeps the browser's storage bounded: the oldest weights go
// first.
import { idbRequest } from './idb-storage';

/** Enough for dozens of small runs, and small next to what browsers grant a site. */
export const defaultWeightsBudgetBytes = 200 * 1024 * 1024;

export interface StoredWeightsInfo {
  runId: string;
  /** The step the weights were taken at. */
  step: number;
  bytes: number;
  savedAt: number;
}

export interface StoredWeights {
  /** The worker's export with optimiser state: resumable, and loadable in PyTorch. */
  safetensors: ArrayBuffer;
  configJson: string;
}

export interface WeightStore {
  list(): Promise<StoredWeightsInfo[]>;
  get(runId: string): Promise<StoredWeights | undefined>;
  put(info: StoredWeightsInfo, weights: StoredWeights): Promise<void>;
  delete(runIds: readonly string[]): Promise<void>;
}

/** What storing `incoming` takes: which stored runs to evict (oldest first), or that it cannot fit. */
export function planKeep(
  stored: readonly StoredWeightsInfo[],
  incoming: StoredWeightsInfo,
  budgetBytes: number,
): { fits: boolean; evict: string[] } {
  if (incoming.bytes > budgetBytes) return { fits: false, evict: [] };
  const others = stored
    .filter((w) => w.runId !== incoming.runId)
    .sort((a, b) => a.savedAt - b.savedAt);
  let total = others.reduce((sum, w) => sum + w.bytes, 0) + incoming.bytes;
  const evict: string[] = [];
  for (const w of others) {
    if (total <= budgetBytes) break;
    evict.push(w.runId);
    total -= w.bytes;
  }
  return { fits: true, evict };
}

export function memoryWeightStore(): WeightStore {
  const infos = new Map<string, StoredWeightsInfo>();
  const files = new Map<string, StoredWeights>();
  return {
    list: async () => [...infos.values()],
    get: async (runId) => files.get(runId),
    put: async (info, weights) => {
      infos.set(info.runId, info);
      files.set(info.runId, weights);
    },
    delete: async (runIds) => {
      for (const id of runIds) {
        infos.delete(id);
        files.delete(id);
      }
    },
  };
}

const INFO = 'info';
const FILES = 'files';

export function idbWeightStore(dbName = 'sift-playground-weights'): WeightStore {
  let db: Promise<IDBDatabase> | undefined;
  const database = () => {
    if (!db) {
      const req = indexedDB.open(dbName, 1);
      req.onupgradeneeded = () => {
        for (const name of [INFO, FILES])
          if (!req.result.objectStoreNames.contains(name)) req.result.createObjectStore(name);
      };
      db = idbRequest(req);
    }
    return db;
  };
  async function inTransaction<T>(
    mode: IDBTransactionMode,
    work: (info: IDBObjectStore, files: IDBObjectStore) => Promise<T>,
  ): Promise<T> {
    const tx = (await database()).transaction([INFO, FILES], mode);
    const done = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
    // If `work` throws, the transaction aborts and `done` rejects with nobody waiting for it.
    done.catch(() => undefined);
    const result = await work(tx.objectStore(INFO), tx.objectStore(FILES));
    await done;
    return result;
  }
  return {
    list: () =>
      inTransaction('readonly', (info) =>
        idbRequest(info.getAll() as IDBRequest<StoredWeightsInfo[]>),
      ),
    get: async (runId) =>
      (await inTransaction('readonly', (_info, files) =>
        idbRequest(files.get(runId) as IDBRequest<StoredWeights | undefined>),
      )) ?? undefined,
    put: (info, weights) =>
      inTransaction('readwrite', async (infoStore, files) => {
        // Both writes in one transaction: an entry in `info` always has its file.
        await idbRequest(files.put(weights, info.runId));
        await idbRequest(infoStore.put(info, info.runId));
      }),
    delete: (runIds) =>
      inTransaction('readwrite', async (info, files) => {
        for (const id of runIds) {
          await idbRequest(files.delete(id));
          await idbRequest(info.delete(id));
        }
      }),
  };
}

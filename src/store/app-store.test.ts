import { expect, test } from 'vitest';
import type { PersistStorage, StorageValue } from 'zustand/middleware';
import { defaultRunConfig } from '../spec/run-config';
import {
  createAppStore,
  migratePersisted,
  persistName,
  persistVersion,
  type PersistedState,
} from './app-store';
import { addRun, emptyRuns, type Run } from './runs-slice';
import { setupFromUrl } from './setup-slice';

function memoryStorage(initial?: StorageValue<PersistedState>) {
  const saved = new Map<string, StorageValue<PersistedState>>();
  if (initial) saved.set(persistName, initial);
  const storage: PersistStorage<PersistedState> = {
    getItem: async (name) => structuredClone(saved.get(name) ?? null),
    setItem: (name, value) => void saved.set(name, structuredClone(value)),
    removeItem: (name) => void saved.delete(name),
  };
  return { storage, saved };
}

const run = (id: string, state: Run['state']): Run => ({
  id,
  name: id,
  config: defaultRunConfig,
  datasetLabel: 'built-in images',
  state,
  createdAt: 0,
  points: [{ step: 1, trainingFlops: 1, executedFlops: 1, wallMs: 1, lr: 0.1, trainLoss: 2 }],
});

test('runs and setup survive a reload; a live run comes back interrupted', async () => {
  const first = memoryStorage();
  const store = createAppStore({ storage: first.storage });
  store.setState((s) => ({
    runs: addRun(addRun(s.runs, run('a', 'done')), run('b', 'running')),
    setup: { ...s.setup, config: { ...s.setup.config, steps: 77 } },
  }));
  const saved = first.saved.get(persistName)!;
  expect(saved.version).toBe(persistVersion);
  expect(saved.state.runs.order).toEqual(['a', 'b']);

  const reloaded = createAppStore({ storage: memoryStorage(saved).storage });
  await (reloaded as unknown as { persist: { rehydrate(): Promise<void> } }).persist.rehydrate();
  const s = reloaded.getState();
  expect(s.runs.order).toEqual(['a', 'b']);
  expect(s.runs.byId.a.state).toBe('done');
  expect(s.runs.byId.b.state).toBe('interrupted');
  expect(s.runs.byId.b.points).toHaveLength(1);
  expect(s.setup.config.steps).toBe(77);
});

test('a setting in the URL wins over the saved one', async () => {
  const saved: StorageValue<PersistedState> = {
    version: persistVersion,
    state: { setup: { steps: 77, lr: 0.3 }, runs: emptyRuns, ui: { logFlopsAxis: false } },
  };
  const url = setupFromUrl('steps=5');
  const store = createAppStore({
    storage: memoryStorage(saved).storage,
    setup: { config: url.config, urlNotes: [], urlKeys: url.keys, fieldErrors: {} },
  });
  await (store as unknown as { persist: { rehydrate(): Promise<void> } }).persist.rehydrate();
  expect(store.getState().setup.config.steps).toBe(5);
  expect(store.getState().setup.config.lr).toBe(0.3);
  expect(store.getState().ui.logFlopsAxis).toBe(false);
});

test('state from an unknown version or of the wrong shape starts empty instead of breaking', async () => {
  expect(migratePersisted({ whatever: 1 }, 0).runs).toEqual(emptyRuns);
  const store = createAppStore({
    storage: memoryStorage({
      version: persistVersion,
      state: { runs: { order: ['x'], byId: {} } } as unknown as PersistedState,
    }).storage,
  });
  await (store as unknown as { persist: { rehydrate(): Promise<void> } }).persist.rehydrate();
  expect(store.getState().runs).toEqual(emptyRuns);
});

test('a store without storage works in memory', () => {
  const store = createAppStore();
  store.setState((s) => ({ runs: addRun(s.runs, run('a', 'queued')) }));
  expect(store.getState().runs.order).toEqual(['a']);
});

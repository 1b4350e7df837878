// One store, three slices (docs/architecture.md, State flow). A factory, so tests get a fresh store
// and the page gets one persisted to IndexedDB. Actions live in actions.ts, not in the state.
import { persist, type PersistStorage } from 'zustand/middleware';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RunConfig } from '../spec/run-config';
import { emptyRuns, reviveRuns, type Run, type RunsSlice } from './runs-slice';
import { initialSetup, mergePersistedSetup, persistedSetup, type SetupSlice } from './setup-slice';
import { initialUi, type GpuStatus, type UiSlice } from './ui-slice';

export interface AppState {
  setup: SetupSlice;
  runs: RunsSlice;
  ui: UiSlice;
}

/** What IndexedDB keeps: the setup keys marked `persist`, every run, and the chart toggle. */
export interface PersistedState {
  setup: Partial<RunConfig>;
  runs: RunsSlice;
  ui: { logFlopsAxis: boolean };
}

export const persistVersion = 1;
export const persistName = 'sift-playground';

export type AppStore = StoreApi<AppState>;

export interface AppStoreOptions {
  setup?: SetupSlice;
  gpu?: GpuStatus;
  /** IndexedDB (or any) storage; without it the store lives in memory only. */
  storage?: PersistStorage<PersistedState>;
}

export function createAppStore(options: AppStoreOptions = {}): AppStore {
  const initial: AppState = {
    setup: options.setup ?? initialSetup(),
    runs: emptyRuns,
    ui: initialUi(options.gpu ?? { kind: 'checking' }),
  };
  if (!options.storage) return createStore<AppState>()(() => initial);
  return createStore<AppState>()(
    persist(() => initial, {
      name: persistName,
      storage: options.storage,
      version: persistVersion,
      partialize,
      migrate: migratePersisted,
      merge: mergePersisted,
    }),
  ) as AppStore;
}

let lastPersisted: { from: [RunConfig, RunsSlice, boolean]; value: PersistedState } | undefined;

/** The persisted part; the same object while its inputs are unchanged, so storage can skip the write. */
function partialize(s: AppState): PersistedState {
  const from: [RunConfig, RunsSlice, boolean] = [s.setup.config, s.runs, s.ui.logFlopsAxis];
  if (lastPersisted && from.every((x, i) => x === lastPersisted!.from[i]))
    return lastPersisted.value;
  const value = {
    setup: persistedSetup(s.setup.config),
    runs: s.runs,
    ui: { logFlopsAxis: s.ui.logFlopsAxis },
  };
  lastPersisted = { from, value };
  return value;
}

/**
 * Bring state saved by an older version up to this one. Version 0 never shipped a store;
 * anything unreadable starts empty rather than breaking the page.
 */
export function migratePersisted(persisted: unknown, version: number): PersistedState {
  if (version === persistVersion && isPersistedState(persisted)) return persisted;
  return { setup: {}, runs: emptyRuns, ui: { logFlopsAxis: true } };
}

/** Rehydration: persisted runs come back (live ones as interrupted), URL setup keys win. */
export function mergePersisted(persisted: unknown, current: AppState): AppState {
  if (!isPersistedState(persisted)) return current;
  const runs = reviveRuns(persisted.runs);
  // Runs created before hydration finished (a fast click) are kept after the saved ones.
  for (const id of current.runs.order) {
    if (!runs.byId[id]) {
      runs.byId[id] = current.runs.byId[id] as Run;
      runs.order.push(id);
    }
  }
  return {
    setup: mergePersistedSetup(current.setup, persisted.setup),
    runs,
    ui: { ...current.ui, logFlopsAxis: persisted.ui?.logFlopsAxis ?? current.ui.logFlopsAxis },
  };
}

function isPersistedState(x: unknown): x is PersistedState {
  if (typeof x !== 'object' || x === null) return false;
  const runs = (x as PersistedState).runs;
  return (
    typeof runs === 'object' &&
    runs !== null &&
    Array.isArray(runs.order) &&
    typeof runs.byId === 'object' &&
    runs.order.every((id) => {
      const run = runs.byId[id];
      return (
        typeof run === 'object' &&
        run !== null &&
        Array.isArray(run.points) &&
        typeof run.config === 'object'
      );
    })
  );
}

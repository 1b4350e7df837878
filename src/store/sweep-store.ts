// The sweep's own store, persisted to IndexedDB beside the app store (a separate key, so the
// app store's schema and the sweep's evolve apart). Tests build their own with createSweepStore().
import { useStore } from 'zustand';
import { persist, type PersistStorage } from 'zustand/middleware';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createIdbStorage } from './idb-storage';
import { emptySweeps, type SweepSlice } from './sweep-slice';

export type SweepStore = StoreApi<SweepSlice>;

export const sweepPersistName = 'sift-sweeps';
const sweepPersistVersion = 1;

export function createSweepStore(storage?: PersistStorage<SweepSlice>): SweepStore {
  if (!storage) return createStore<SweepSlice>()(() => emptySweeps);
  return createStore<SweepSlice>()(
    persist(() => emptySweeps, {
      name: sweepPersistName,
      storage,
      version: sweepPersistVersion,
      // An unreadable or older record starts empty rather than breaking the page.
      migrate: () => emptySweeps,
      merge: (persisted, current) =>
        isSweepSlice(persisted) ? { ...current, ...persisted } : current,
    }),
  ) as SweepStore;
}

function isSweepSlice(x: unknown): x is SweepSlice {
  if (typeof x !== 'object' || x === null) return false;
  const s = x as SweepSlice;
  return (
    typeof s.form === 'object' &&
    s.form !== null &&
    (s.current === null ||
      (typeof s.current === 'object' && Array.isArray(s.current.results) && !!s.current.spec))
  );
}

export const sweepStore = createSweepStore(
  typeof indexedDB === 'undefined' ? undefined : createIdbStorage<SweepSlice>('sift-sweeps'),
);

export function useSweep<T>(selector: (s: SweepSlice) => T): T {
  return useStore(sweepStore, selector);
}

// The page's store: created once from the URL, persisted to IndexedDB, read by components through
// useApp(selector). Tests build their own with createAppStore() instead of importing this.
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import { hasWebGpu } from '../worker/client';
import { createAppStore, type AppState, type PersistedState } from './app-store';
import { createIdbStorage, type SaveStatus } from './idb-storage';
import { setupFromUrl } from './setup-slice';

const fromUrl = setupFromUrl(
  typeof location === 'undefined' ? '' : location.hash || location.search,
);

/** Whether the runs are safely in IndexedDB; a store of its own so saving never triggers a save. */
export const saveStatusStore = createStore<{ status: SaveStatus }>()(() => ({ status: 'idle' }));

export const appStore = createAppStore({
  setup: {
    config: fromUrl.config,
    urlNotes: fromUrl.notes,
    urlKeys: fromUrl.keys,
    fieldErrors: {},
  },
  gpu: hasWebGpu() ? { kind: 'checking' } : { kind: 'missing' },
  storage:
    typeof indexedDB === 'undefined'
      ? undefined
      : createIdbStorage<PersistedState>('sift-playground', {
          onStatus: (status) => saveStatusStore.setState({ status }),
        }),
});

export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(appStore, selector);
}

export function useSaveStatus(): SaveStatus {
  return useStore(saveStatusStore, (s) => s.status);
}

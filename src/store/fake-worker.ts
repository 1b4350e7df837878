// For the store's tests: the actions bound to a fresh store and a fake worker that records what
// it is sent; replies go through the same handler as a real worker's messages.
import type { FromWorker, ToWorker } from '../worker/protocol';
import type { Bindings } from './action-context';
import { bindActions, handleWorkerMessage } from './actions';
import { createAppStore, type AppStore } from './app-store';

export interface FakeWorker {
  store: AppStore;
  sent: ToWorker[];
  saved: { name: string; blob: Blob }[];
  reply: (msg: FromWorker) => void;
}

/** Ids run-1, run-2, ...; `now` defaults to a clock that ticks 1000 ms per new id. */
export function bindFakeWorker(
  options: Partial<Omit<Bindings, 'connect' | 'save' | 'newId'>> = {},
): FakeWorker {
  const store =
    options.store ?? createAppStore({ gpu: { kind: 'ready', adapter: 'test', software: false } });
  const sent: ToWorker[] = [];
  const saved: { name: string; blob: Blob }[] = [];
  let n = 0;
  bindActions({
    now: () => n * 1000,
    ...options,
    store,
    connect: () => ({ send: (msg) => void sent.push(msg), terminate: () => {} }),
    save: (name, blob) => void saved.push({ name, blob }),
    newId: () => `run-${++n}`,
  });
  return { store, sent, saved, reply: handleWorkerMessage };
}

// What every action module shares: the bindings (store, worker factory, file saver, clock, ids),
// store access, the worker connection, and the binary data that stays outside the store and
// IndexedDB (dataset files, checkpoints, an imported checkpoint).
import type { RunConfig } from '../spec/run-config';
import type { FromWorker, ToWorker } from '../worker/protocol';
import type { AppState, AppStore } from './app-store';
import type { UiSlice } from './ui-slice';
import {
  defaultWeightsBudgetBytes,
  idbWeightStore,
  memoryWeightStore,
  type WeightStore,
} from './weight-store';

export interface WorkerPort {
  send(msg: ToWorker, transfer?: Transferable[]): void;
  terminate(): void;
}

export interface Bindings {
  store: AppStore;
  connect: (onMessage: (msg: FromWorker) => void) => WorkerPort;
  /** Saves a file for the user (a download in the browser). */
  save: (name: string, blob: Blob) => void;
  now: () => number;
  newId: () => string;
  /** Where finished runs keep their weights. */
  weights: WeightStore;
  /** The most bytes of weights kept; the oldest runs' weights go first. */
  weightsBudgetBytes: number;
}

/** Binary data held beside the store; cleared by bindContext. */
export const held = {
  /** The dataset files the user dropped (read afresh for each run: the bytes are transferred). */
  datasetFiles: [] as File[],
  /** Latest checkpoint bytes per run, for resuming after a device loss. */
  checkpoints: new Map<string, { step: number; bytes: ArrayBuffer }>(),
  /** Checkpoint bytes a queued run starts from (imports and resumes). */
  startCheckpoints: new Map<string, ArrayBuffer>(),
  imported: undefined as { name: string; config: RunConfig; bytes: ArrayBuffer } | undefined,
};

type Bound = Bindings & { onMessage: (msg: FromWorker) => void };

let bound: Bound | undefined;
let worker: WorkerPort | undefined;

/**
 * Bind the shared context. onMessage is the worker-message handler, passed in rather than
 * imported so that the action modules, which also report errors through it, form no import cycle.
 */
export function bindContext(
  bindings: Partial<Bindings> & Pick<Bindings, 'store' | 'connect'>,
  onMessage: (msg: FromWorker) => void,
): void {
  bound = {
    save: downloadBlob,
    now: () => Date.now(),
    newId: () => crypto.randomUUID(),
    weights: typeof indexedDB === 'undefined' ? memoryWeightStore() : idbWeightStore(),
    weightsBudgetBytes: defaultWeightsBudgetBytes,
    ...bindings,
    onMessage,
  };
  worker = undefined;
  held.datasetFiles = [];
  held.checkpoints.clear();
  held.startCheckpoints.clear();
  held.imported = undefined;
}

export function b(): Bound {
  if (!bound) throw new Error('store actions used before bindActions()');
  return bound;
}
export const get = (): AppState => b().store.getState();
export const set = (change: (s: AppState) => Partial<AppState>): void => b().store.setState(change);
export const setUi = (change: (ui: UiSlice) => Partial<UiSlice>): void =>
  set((s) => ({ ui: { ...s.ui, ...change(s.ui) } }));

/** Handle a message as if the worker had sent it (errors found on this side of the wire). */
export function receive(msg: FromWorker): void {
  b().onMessage(msg);
}

export function send(msg: ToWorker, transfer: Transferable[] = []): void {
  worker ??= b().connect(receive);
  worker.send(msg, transfer);
}

export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

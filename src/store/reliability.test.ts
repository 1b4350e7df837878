// The page's side of #13: the link's setup wins over the restored one whenever rehydration
// finishes; a diverged run is named and the queue moves on; a failed recovery checkpoint keeps
// the previous one; a run too large for the limits cannot start.
import { beforeEach, expect, test } from 'vitest';
import type { PersistStorage, StorageValue } from 'zustand/middleware';
import { defaultRunConfig } from '../spec/run-config';
import type { FromWorker, ToWorker } from '../worker/protocol';
import * as actions from './actions';
import { bindFakeWorker } from './fake-worker';
import {
  createAppStore,
  persistName,
  persistVersion,
  type AppStore,
  type PersistedState,
} from './app-store';
import { emptyRuns } from './runs-slice';
import { setupFromUrl } from './setup-slice';

const saved: StorageValue<PersistedState> = {
  version: persistVersion,
  state: {
    setup: { transform: 'sparse-doped', sparsity: 0.5, lr: 0.002, steps: 12 },
    runs: emptyRuns,
    ui: { logFlopsAxis: true },
  },
};

/** IndexedDB stand-in whose read finishes after `delayMs` (0: next macrotask). */
function slowStorage(delayMs: number): PersistStorage<PersistedState> {
  return {
    getItem: (name) =>
      new Promise((resolve) =>
        setTimeout(() => resolve(name === persistName ? structuredClone(saved) : null), delayMs),
      ),
    setItem: () => {},
    removeItem: () => {},
  };
}

test.each([0, 5, 30])(
  'a link with bad values: its defaults win over the restored setup (read after %i ms)',
  async (delayMs) => {
    const url = setupFromUrl('#transform=sparse-spiky&sparsity=1.5&batchSize=abc&steps=20');
    const store = createAppStore({
      storage: slowStorage(delayMs),
      setup: { config: url.config, urlNotes: url.notes, urlKeys: url.keys, fieldErrors: {} },
    });
    await (store as unknown as { persist: { rehydrate(): Promise<void> } }).persist.rehydrate();
    const config = store.getState().setup.config;
    expect(config.transform).toBe(defaultRunConfig.transform);
    expect(config.sparsity).toBe(defaultRunConfig.sparsity);
    expect(config.steps).toBe(20);
    // A key the link did not name is restored.
    expect(config.lr).toBe(0.002);
  },
);

let store: AppStore;
let sent: ToWorker[];
let reply: (msg: FromWorker) => void;
const flush = () => new Promise((r) => setTimeout(r, 0));
const starts = () =>
  sent.filter((m): m is Extract<ToWorker, { type: 'start' }> => m.type === 'start');

beforeEach(() => {
  ({ store, sent, reply } = bindFakeWorker({ now: () => 1000 }));
});

const point = (step: number) => ({
  step,
  trainingFlops: step,
  executedFlops: step,
  wallMs: step,
  lr: 0.1,
  trainLoss: 2,
});

test('a diverged run is named, keeps its metrics, and the queue goes on', async () => {
  actions.queueAllTransforms();
  await flush();
  reply({ type: 'state', runId: 'run-1', state: 'running' });
  reply({ type: 'metrics', runId: 'run-1', points: [point(1), point(2)] });
  reply({ type: 'state', runId: 'run-1', state: 'diverged', message: 'The run diverged: ...' });
  await flush();
  const run = store.getState().runs.byId['run-1'];
  expect(run.state).toBe('diverged');
  expect(run.error).toMatchObject({ code: 'DIVERGED', step: 2 });
  expect(run.points).toHaveLength(2);
  expect(starts().map((m) => m.runId)).toEqual(['run-1', 'run-2']);
});

test('a failed recovery checkpoint is reported and the previous one is what a resume uses', async () => {
  actions.startRun();
  await flush();
  const good = new Uint8Array([1, 2, 3, 4]).buffer;
  reply({ type: 'state', runId: 'run-1', state: 'running' });
  reply({ type: 'checkpoint', runId: 'run-1', step: 50, safetensors: good });
  reply({ type: 'checkpoint-failed', runId: 'run-1', step: 100, message: 'mapAsync failed' });
  await flush();
  expect(store.getState().ui.runNotices['run-1']).toMatch(
    /checkpoint at step 100 failed \(mapAsync failed\); the one from step 50 is kept/,
  );
  expect(store.getState().runs.byId['run-1'].state).toBe('running');
  reply({ type: 'device-lost', runId: 'run-1', message: 'lost' });
  actions.resumeFromCheckpoint('run-1');
  await flush();
  const resumed = starts().at(-1)!;
  expect(new Uint8Array(resumed.checkpoint!)).toEqual(new Uint8Array([1, 2, 3, 4]));
});

test('Start is refused with the reason when the run is too large or too sparse', async () => {
  actions.setSetup({ transform: 'sparse-doped', sparsity: 0.999 });
  expect(actions.startProblem(store.getState())).toMatch(
    /This run cannot start: .*fewer active weights than outputs/,
  );
  actions.startRun();
  await flush();
  expect(starts()).toHaveLength(0);
  actions.setSetup({ sparsity: 0.9 });
  expect(actions.startProblem(store.getState())).toBeUndefined();
});

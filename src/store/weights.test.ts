// Every finished run keeps its weights: stored when the worker sends them, exported or continued
// for any run (not only the worker's latest), within a budget that evicts the oldest first.
import { beforeEach, describe, expect, test } from 'vitest';
import { writeSafetensors } from '../io/safetensors';
import { defaultRunConfig } from '../spec/run-config';
import type { FromWorker, ToWorker } from '../worker/protocol';
import * as actions from './actions';
import type { AppStore } from './app-store';
import { bindFakeWorker } from './fake-worker';
import { fileStem } from './export';
import { memoryWeightStore, planKeep, type WeightStore } from './weight-store';

describe('planKeep', () => {
  const w = (runId: string, bytes: number, savedAt: number) => ({ runId, step: 1, bytes, savedAt });
  test('evicts the oldest until the newcomer fits', () => {
    const stored = [w('b', 40, 2), w('a', 40, 1), w('c', 40, 3)];
    expect(planKeep(stored, w('d', 50, 4), 100)).toEqual({ fits: true, evict: ['a', 'b'] });
    expect(planKeep(stored, w('d', 20, 4), 140)).toEqual({ fits: true, evict: [] });
  });
  test('a file larger than the whole budget is not kept and evicts nothing', () => {
    expect(planKeep([w('a', 10, 1)], w('big', 101, 2), 100)).toEqual({ fits: false, evict: [] });
  });
  test('keeping a run again replaces its old copy rather than counting it twice', () => {
    expect(planKeep([w('a', 60, 1)], w('a', 60, 2), 100)).toEqual({ fits: true, evict: [] });
  });
});

let store: AppStore;
let weights: WeightStore;
let sent: ToWorker[];
let saved: { name: string; blob: Blob }[];
let reply: (msg: FromWorker) => void;

function bind(budget = 1 << 20) {
  weights = memoryWeightStore();
  ({ store, sent, saved, reply } = bindFakeWorker({ weights, weightsBudgetBytes: budget }));
}

const flush = () => new Promise((r) => setTimeout(r, 0));

/** A checkpoint the way the worker exports it: weights, and the config as metadata and JSON. */
function checkpoint(step: number, size = 4) {
  const configJson = JSON.stringify({ format: 'sift-playground/1', run: defaultRunConfig, step });
  const safetensors = writeSafetensors(
    { 'fc.weight': { dtype: 'F32', shape: [size], data: new Float32Array(size).fill(step) } },
    { config: configJson },
  );
  return { safetensors: safetensors.slice().buffer, configJson };
}

/** Start a run and let the worker finish it, sending its weights to keep first (as it does). */
async function finishRun(id: string, size = 4) {
  actions.startRun();
  await flush();
  reply({ type: 'state', runId: id, state: 'running' });
  reply({ type: 'exported', runId: id, ...checkpoint(10, size), keep: true });
  await flush();
  reply({ type: 'state', runId: id, state: 'done' });
}

beforeEach(() => bind());

test('an older run exports its kept weights after a newer run finished', async () => {
  await finishRun('run-1');
  await finishRun('run-2');
  expect(Object.keys(store.getState().ui.storedWeights).sort()).toEqual(['run-1', 'run-2']);
  expect(store.getState().ui.loadedRunId).toBe('run-2');

  await actions.exportWeights('run-1');
  // Served from storage: nothing asked of the worker, both files saved.
  expect(sent.filter((m) => m.type === 'export')).toEqual([]);
  const stem = fileStem(store.getState().runs.byId['run-1'].name);
  expect(saved.map((f) => f.name)).toEqual([`${stem}.safetensors`, `${stem}.config.json`]);
  const kept = await weights.get('run-1');
  expect(new Uint8Array(await saved[0].blob.arrayBuffer())).toEqual(
    new Uint8Array(kept!.safetensors),
  );
});

test('over the budget the oldest weights go; "free space" drops the rest; delete forgets', async () => {
  const size = 1000;
  const one = checkpoint(10, size);
  // Room for two runs' weights, not three.
  bind(2.5 * (one.safetensors.byteLength + one.configJson.length));
  await finishRun('run-1', size);
  await finishRun('run-2', size);
  await finishRun('run-3', size);
  expect(Object.keys(store.getState().ui.storedWeights).sort()).toEqual(['run-2', 'run-3']);
  expect(await weights.get('run-1')).toBeUndefined();

  actions.deleteRun('run-2');
  await flush();
  expect(Object.keys(store.getState().ui.storedWeights)).toEqual(['run-3']);
  expect((await weights.list()).map((w) => w.runId)).toEqual(['run-3']);

  await actions.freeStoredWeights();
  expect(store.getState().ui.storedWeights).toEqual({});
  expect(await weights.list()).toEqual([]);
});

test('weights larger than the budget are not kept, and the run says so', async () => {
  bind(100);
  await finishRun('run-1', 1000);
  expect(store.getState().ui.storedWeights).toEqual({});
  expect(store.getState().ui.runNotices['run-1']).toMatch(/exceed/);
});

test('Continue loads a kept run into the Checkpoint panel; the next start sends its bytes', async () => {
  await finishRun('run-1');
  await finishRun('run-2');
  await actions.continueFromWeights('run-1');
  const imported = store.getState().ui.importedCheckpoint;
  expect(imported).toMatchObject({ step: 10, tensors: 1 });
  actions.runImported('continue');
  await flush();
  const start = sent.filter((m) => m.type === 'start').at(-1) as Extract<
    ToWorker,
    { type: 'start' }
  >;
  const kept = await weights.get('run-1');
  expect(new Uint8Array(start.checkpoint!)).toEqual(new Uint8Array(kept!.safetensors));
});

test('kept weights survive a new page: loadStoredWeights lists them', async () => {
  await finishRun('run-1');
  // A new page: a fresh store over the same storage.
  ({ store } = bindFakeWorker({ weights }));
  await actions.loadStoredWeights();
  expect(Object.keys(store.getState().ui.storedWeights)).toEqual(['run-1']);
});

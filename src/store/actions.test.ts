// The actions against a fake worker: what gets sent, and how replies land in the store.
import { beforeEach, expect, test } from 'vitest';
import type { FromWorker, ToWorker } from '../worker/protocol';
import * as actions from './actions';
import type { AppStore } from './app-store';
import { bindFakeWorker } from './fake-worker';

let store: AppStore;
let sent: ToWorker[];
let saved: { name: string; blob: Blob }[];
let reply: (msg: FromWorker) => void;

beforeEach(() => {
  ({ store, sent, saved, reply } = bindFakeWorker({ now: () => 1000 }));
});

const flush = () => new Promise((r) => setTimeout(r, 0));
const starts = () =>
  sent.filter((m): m is Extract<ToWorker, { type: 'start' }> => m.type === 'start');

test('Start sends the setup to the worker with the built-in dataset', async () => {
  actions.setSetup({ steps: 6, batchSize: 8 });
  actions.startRun();
  await flush();
  expect(starts()).toHaveLength(1);
  expect(starts()[0].config.steps).toBe(6);
  expect(starts()[0].dataset).toEqual({ kind: 'builtin' });
  expect(store.getState().runs.byId['run-1'].state).toBe('starting');
});

test('queue all transforms: five runs, dense at s = 0, one at a time', async () => {
  actions.setSetup({ sparsity: 0.9 });
  actions.queueAllTransforms();
  await flush();
  const runs = store.getState().runs;
  expect(runs.order.map((id) => runs.byId[id].config.transform)).toEqual([
    'dense',
    'sparse-wide',
    'sparse-parallel',
    'sparse-factorized',
    'sparse-doped',
  ]);
  expect(runs.order.map((id) => runs.byId[id].config.sparsity)).toEqual([0, 0.9, 0.9, 0.9, 0.9]);
  expect(starts().map((m) => m.runId)).toEqual(['run-1']);

  reply({ type: 'state', runId: 'run-1', state: 'running' });
  reply({
    type: 'metrics',
    runId: 'run-1',
    points: [{ step: 1, trainingFlops: 1, executedFlops: 1, wallMs: 5, lr: 0.1, trainLoss: 2 }],
  });
  reply({
    type: 'done',
    runId: 'run-1',
    final: {
      trainLoss: 1,
      evalLoss: 1,
      evalAccuracy: 0.3,
      trainingFlops: 1,
      executedFlops: 1,
      wallSeconds: 1,
      paramsTotal: 1,
      paramsActive: 1,
    },
  });
  await flush();
  expect(starts().map((m) => m.runId)).toEqual(['run-1', 'run-2']);

  // A NaN loss fails run-2 where it happened and the queue goes on.
  reply({ type: 'state', runId: 'run-2', state: 'running' });
  reply({ type: 'error', runId: 'run-2', code: 'NAN_LOSS', message: 'loss became NaN at step 4' });
  await flush();
  expect(store.getState().runs.byId['run-2'].error?.message).toContain('NaN');
  expect(starts().map((m) => m.runId)).toEqual(['run-1', 'run-2', 'run-3']);
});

test('a device loss interrupts the run, shows the banner, re-initialises, and does not start the next run', async () => {
  actions.queueAllTransforms();
  await flush();
  reply({ type: 'state', runId: 'run-1', state: 'running' });
  reply({ type: 'checkpoint', runId: 'run-1', step: 3, safetensors: new ArrayBuffer(16) });
  reply({
    type: 'metrics',
    runId: 'run-1',
    points: [3, 4, 5].map((step) => ({
      step,
      trainingFlops: step,
      executedFlops: step,
      wallMs: step,
      lr: 0.1,
    })),
  });
  sent.length = 0;
  reply({ type: 'device-lost', message: 'GPU reset' });
  await flush();
  const s = store.getState();
  expect(s.runs.byId['run-1'].state).toBe('interrupted');
  expect(s.ui.banner).toEqual({ kind: 'device-lost', message: 'GPU reset', runId: 'run-1' });
  expect(sent).toEqual([{ type: 'init' }]);
  expect(actions.hasCheckpoint('run-1')).toBe(true);

  reply({ type: 'ready', adapterName: 'test', features: [], software: false });
  actions.resumeFromCheckpoint('run-1');
  await flush();
  const resumed = starts()[0];
  expect(resumed.runId).toBe('run-1');
  expect(resumed.checkpoint?.byteLength).toBe(16);
  // Points after the checkpoint are dropped: the worker replays those steps.
  expect(store.getState().runs.byId['run-1'].points.map((p) => p.step)).toEqual([3]);
  expect(store.getState().ui.banner).toBeUndefined();
});

test('errors land next to their control', async () => {
  actions.startRun();
  await flush();
  reply({
    type: 'error',
    runId: 'run-1',
    code: 'GPU_OUT_OF_MEMORY',
    message: 'Out of GPU memory.',
  });
  expect(store.getState().ui.modelError).toContain('smaller batch');
  expect(store.getState().runs.byId['run-1'].state).toBe('failed');

  reply({ type: 'error', runId: 'run-1', code: 'UNKNOWN', message: 'export failed' });
  expect(store.getState().ui.runNotices['run-1']).toBe('export failed');

  reply({ type: 'error', code: 'UNKNOWN', message: 'worker trouble' });
  expect(store.getState().ui.banner).toEqual({ kind: 'error', message: 'worker trouble' });
});

test('a form value that does not parse is kept out of the setup and blocks Start', () => {
  actions.setSetupField('lr', 'fast');
  const s = store.getState();
  expect(s.setup.fieldErrors.lr).toContain("'fast' is not a number");
  expect(s.setup.config.lr).toBe(0.05);
  expect(actions.startProblem(s)).toContain('Fix the settings');
  actions.setSetupField('lr', '0.01');
  expect(store.getState().setup.config.lr).toBe(0.01);
  expect(actions.startProblem(store.getState())).toBeUndefined();
});

test('switching to a text model brings the text dataset', () => {
  actions.setSetup({ model: 'gpt-tiny' });
  expect(store.getState().setup.config.dataset).toBe('builtin-text');
  actions.setSetup({ model: 'resnet-mini' });
  expect(store.getState().setup.config.dataset).toBe('builtin-images');
});

test('exported weights are saved as .safetensors and .config.json under the run name', async () => {
  actions.startRun();
  await flush();
  actions.renameRun('run-1', 'My wide run');
  actions.exportWeights('run-1');
  expect(sent.at(-1)).toEqual({ type: 'export', runId: 'run-1', withOptimizer: false });
  reply({ type: 'exported', runId: 'run-1', safetensors: new ArrayBuffer(24), configJson: '{}' });
  expect(saved.map((f) => f.name)).toEqual(['my-wide-run.safetensors', 'my-wide-run.config.json']);
  expect(saved[0].blob.size).toBe(24);
});

test('deleting the live run stops it in the worker', async () => {
  actions.startRun();
  await flush();
  reply({ type: 'state', runId: 'run-1', state: 'running' });
  actions.deleteRun('run-1');
  expect(sent.at(-1)).toEqual({ type: 'stop', runId: 'run-1' });
  expect(store.getState().runs.order).toEqual([]);
});

test('a FLOPs-only preset cannot start', () => {
  actions.setSetup({ model: 'gpt3-small' });
  expect(actions.startProblem(store.getState())).toContain('FLOP counts only');
  actions.startRun();
  expect(store.getState().runs.order).toEqual([]);
});

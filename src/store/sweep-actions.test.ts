// The sweep loop against a fake worker: runs go out one at a time, results land in the sweep store,
// pause/resume/cancel act on the run in flight, and an interrupted run is queued again.
import { beforeEach, expect, test } from 'vitest';
import type { FromWorker, ToWorker } from '../worker/protocol';
import * as actions from './actions';
import { createAppStore, type AppStore } from './app-store';
import { addRun } from './runs-slice';
import * as sweep from './sweep-actions';
import { sweepCellResults, sweepCsv } from './sweep-slice';
import { createSweepStore, type SweepStore } from './sweep-store';

let app: AppStore;
let sweeps: SweepStore;
let sent: ToWorker[];
let reply: (msg: FromWorker) => void;
let n: number;

async function bind(): Promise<void> {
  actions.bindActions({
    store: app,
    connect: (onMessage) => {
      reply = onMessage;
      return { send: (msg) => void sent.push(msg), terminate: () => {} };
    },
    newId: () => `run-${++n}`,
    now: () => 1000,
  });
  await sweep.bindSweeps({ app, sweeps, newId: () => 'sweep-1', now: () => 1000 });
}

beforeEach(async () => {
  app = createAppStore({ gpu: { kind: 'ready', adapter: 'test', software: false } });
  sweeps = createSweepStore();
  sent = [];
  n = 0;
  await bind();
  actions.setSetup({ model: 'resnet-mini', steps: 4, batchSize: 2 });
  sweep.setSweepForm({
    transforms: ['dense', 'sparse-wide'],
    sparsities: [0.5],
    methods: ['rigl'],
    seeds: 2,
  });
});

const flush = () => new Promise((r) => setTimeout(r, 0));
const starts = () =>
  sent.filter((m): m is Extract<ToWorker, { type: 'start' }> => m.type === 'start');
const record = () => sweeps.getState().current!;

function finish(runId: string, accuracy: number): void {
  reply({ type: 'state', runId, state: 'running' });
  reply({ type: 'state', runId, state: 'done' });
  reply({
    type: 'done',
    runId,
    final: {
      trainLoss: 1,
      evalLoss: 1,
      evalAccuracy: accuracy,
      trainingFlops: 100,
      executedFlops: 200,
      wallSeconds: 2,
      paramsTotal: 10,
      paramsActive: 5,
    },
  });
}

test('a sweep runs every cell per seed, one at a time, and aggregates the results', async () => {
  expect(sweep.startSweep()).toBeUndefined();
  await flush();
  const accuracies = [0.9, 0.95, 0.92, 0.97];
  for (const [i, acc] of accuracies.entries()) {
    expect(starts()).toHaveLength(i + 1);
    const start = starts()[i];
    expect(start.config).toMatchObject({ steps: 4, seed: 1 + Math.floor(i / 2) });
    expect(start.config.transform).toBe(i % 2 === 0 ? 'dense' : 'sparse-wide');
    finish(start.runId, acc);
    await flush();
  }
  expect(starts()).toHaveLength(4);
  expect(record().status).toBe('done');
  expect(record().results.map((r) => r.id)).toEqual([
    'dense/0/-/seed1',
    'sparse-wide/0.5/rigl/seed1',
    'dense/0/-/seed2',
    'sparse-wide/0.5/rigl/seed2',
  ]);
  const cells = sweepCellResults(record(), 'accuracy');
  expect(cells[0]).toMatchObject({ transform: 'dense', n: 2 });
  expect(cells[0].mean).toBeCloseTo(0.91, 12);
  expect(cells[1].mean).toBeCloseTo(0.96, 12);
  // gain 0.05 > 2 * 0.01414
  expect(cells[1].verdict.kind).toBe('better');
  expect(sweepCsv(cells, 'accuracy').split('\n')[2]).toMatch(
    /^sparse-wide,0\.5,rigl,0\.96\d*,0\.0141\d*,2,0,1 2,100,200,2,"better by 5\.00 pp, more/,
  );
});

test('pause holds the queue and pauses the run in flight; resume goes on; cancel stops', async () => {
  sweep.startSweep();
  await flush();
  const first = starts()[0].runId;
  reply({ type: 'state', runId: first, state: 'running' });
  sweep.pauseSweep();
  expect(sent.at(-1)).toEqual({ type: 'pause', runId: first });
  expect(record().status).toBe('paused');
  finish(first, 0.9); // it finishes while paused (e.g. the pause arrived late)
  await flush();
  expect(starts()).toHaveLength(1);
  expect(record().results).toHaveLength(1);
  sweep.resumeSweep();
  await flush();
  expect(starts()).toHaveLength(2);
  const second = starts()[1].runId;
  reply({ type: 'state', runId: second, state: 'running' });
  sweep.cancelSweep();
  expect(sent.at(-1)).toEqual({ type: 'stop', runId: second });
  reply({ type: 'state', runId: second, state: 'stopped' });
  await flush();
  expect(record()).toMatchObject({ status: 'cancelled', inFlight: undefined });
  expect(record().results).toHaveLength(1);
  expect(starts()).toHaveLength(2);
});

test('after a reload the interrupted run is queued again and the sweep finishes', async () => {
  sweep.startSweep();
  await flush();
  finish(starts()[0].runId, 0.9);
  await flush();
  const inFlight = record().inFlight!;
  expect(inFlight.key).toBe('sparse-wide/0.5/rigl/seed1');
  // A reload: the app store comes back with that run interrupted, the sweep store as saved.
  const saved = structuredClone(sweeps.getState());
  const run = { ...app.getState().runs.byId[inFlight.runId], state: 'interrupted' as const };
  app = createAppStore({ gpu: { kind: 'ready', adapter: 'test', software: false } });
  app.setState((s) => ({ runs: addRun(s.runs, run) }));
  sweeps = createSweepStore();
  sweeps.setState(saved);
  sent = [];
  await bind();
  await flush();
  expect(starts()).toHaveLength(1);
  expect(starts()[0].config).toMatchObject({ transform: 'sparse-wide', sparsity: 0.5, seed: 1 });
  expect(record().inFlight?.key).toBe('sparse-wide/0.5/rigl/seed1');
  for (let i = 0; i < 3; i++) {
    finish(starts()[i].runId, 0.9 + i / 100);
    await flush();
  }
  expect(record().status).toBe('done');
  expect(record().results).toHaveLength(4);
});

test('an invalid form is refused with the reason, and no run starts', async () => {
  sweep.setSweepForm({ sparsities: [] });
  expect(sweep.startSweep()).toMatch(/choose at least one sparsity/);
  await flush();
  expect(starts()).toHaveLength(0);
  expect(sweeps.getState().current).toBeNull();
});

test('Reproduce: text fills the setup and the sweep form from the recipe', () => {
  sweep.applyRecipe('text');
  expect(app.getState().setup.config).toMatchObject({ model: 'gpt-mini', steps: 3000 });
  expect(sweeps.getState().form).toMatchObject({ seeds: 3, sparsities: [0.5, 0.75] });
});

test('a link with a sweep fills the form after loading; the link reproduces it', async () => {
  await sweep.bindSweeps({
    app,
    sweeps,
    url: '#model=resnet-mini&sweep=dense,sparse-doped;0.6;set;5',
  });
  expect(sweeps.getState().form).toEqual({
    transforms: ['dense', 'sparse-doped'],
    sparsities: [0.6],
    methods: ['set'],
    seeds: 5,
  });
  expect(sweep.sweepLinkHash()).toContain('sweep=dense%2Csparse-doped%3B0.6%3Bset%3B5');
});

// The first minute on a software adapter: a smaller setup where the user and the URL left the
// defaults, a notice naming what changed, and a way back to the GPU-sized values.
import { beforeEach, expect, test } from 'vitest';
import { defaultRunConfig } from '../spec/run-config';
import type { FromWorker } from '../worker/protocol';
import * as actions from './actions';
import { createAppStore, type AppStore } from './app-store';
import { bindFakeWorker } from './fake-worker';
import { softwareAdapterSetup, softwareSetupChange } from './software-adapter';

let store: AppStore;
let reply: (msg: FromWorker) => void;

function bind(urlKeys: (keyof typeof defaultRunConfig)[] = [], config = defaultRunConfig) {
  ({ store, reply } = bindFakeWorker({
    store: createAppStore({
      setup: { config, urlNotes: [], urlKeys, fieldErrors: {} },
      gpu: { kind: 'checking' },
    }),
  }));
}

const ready = (software: boolean): FromWorker => ({
  type: 'ready',
  adapterName: software ? 'Google SwiftShader' : 'NVIDIA H100',
  features: [],
  software,
});

beforeEach(() => bind());

test('a software adapter gets the smaller setup and a notice naming every change', () => {
  reply(ready(true));
  const s = store.getState();
  expect(s.setup.config).toMatchObject(softwareAdapterSetup);
  expect(s.setup.config.model).toBe(defaultRunConfig.model);
  expect(s.ui.softwareNotice?.applied).toEqual(softwareAdapterSetup);
  expect(s.ui.gpu).toMatchObject({ kind: 'ready', software: true });
});

test('values from the URL, or changed from their default, stay as they are', () => {
  bind(['batchSize'], { ...defaultRunConfig, batchSize: 64, steps: 50 });
  reply(ready(true));
  const { config } = store.getState().setup;
  expect(config.batchSize).toBe(64);
  expect(config.steps).toBe(50);
  expect(config.metricsEvery).toBe(softwareAdapterSetup.metricsEvery);
  expect(
    softwareSetupChange({ ...defaultRunConfig, steps: 50 }, ['metricsEvery']),
  ).not.toHaveProperty('metricsEvery');
});

test('a second ready (after a device loss) does not undo what the user chose since', () => {
  reply(ready(true));
  actions.setSetup({ batchSize: 16 });
  reply(ready(true));
  expect(store.getState().setup.config.batchSize).toBe(16);
});

test('"Use GPU-sized settings" puts the defaults back; dismiss hides the notice', () => {
  reply(ready(true));
  actions.restoreGpuSizedSetup();
  const s = store.getState();
  for (const key of Object.keys(softwareAdapterSetup) as (keyof typeof softwareAdapterSetup)[])
    expect(s.setup.config[key]).toBe(defaultRunConfig[key]);
  expect(s.ui.softwareNotice?.applied).toEqual({});
  actions.dismissSoftwareNotice();
  expect(store.getState().ui.softwareNotice?.dismissed).toBe(true);
});

test('a hardware adapter changes nothing', () => {
  reply(ready(false));
  expect(store.getState().setup.config).toEqual(defaultRunConfig);
  expect(store.getState().ui.softwareNotice).toBeUndefined();
});

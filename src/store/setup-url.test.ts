import { describe, expect, test } from 'vitest';
import { defaultRunConfig, type RunConfig } from '../spec/run-config';
import { setupKeys, setupSchema } from './setup-schema';
import {
  mergePersistedSetup,
  initialSetup,
  setupFromUrl,
  setupToUrl,
  snapSparsity,
} from './setup-slice';

// A valid value different from the default for every key; the mapped type makes a new RunConfig
// key without an entry here a compile error, so the round trip covers every key.
const changed: { [K in keyof RunConfig]: RunConfig[K] } = {
  model: 'gpt-mini',
  dataset: 'text-file',
  transform: 'sparse-factorized',
  sparsity: 0.9,
  method: 'set',
  maskInit: 'erk',
  updateInterval: 25,
  dropFraction: 0.1,
  endFraction: 0.8,
  optimizer: 'adamw',
  lr: 0.0006,
  momentum: 0.5,
  nesterov: false,
  weightDecay: 0.1,
  schedule: 'multistep',
  warmupSteps: 10,
  gradClip: 1,
  batchSize: 8,
  steps: 6,
  evalEvery: 3,
  evalSamples: 64,
  metricsEvery: 2,
  seed: 4242,
};

// One invalid text per key: wrong type, out of range, or not in the list.
const invalid: Record<keyof RunConfig, string> = {
  model: 'resnet-9000',
  dataset: 'imagenet',
  transform: 'sparse-spiky',
  sparsity: '1',
  method: 'magic',
  maskInit: 'random',
  updateInterval: '0.5',
  dropFraction: '2',
  endFraction: '0',
  optimizer: 'lion',
  lr: '-1',
  momentum: '1',
  nesterov: 'maybe',
  weightDecay: 'NaN',
  schedule: 'linear',
  warmupSteps: '-3',
  gradClip: '-1',
  batchSize: '0',
  steps: '1.5',
  evalEvery: '',
  evalSamples: '0',
  metricsEvery: 'x',
  seed: '-1',
};

describe('setup <-> URL', () => {
  test('every key round trips with a non-default value', () => {
    for (const key of setupKeys) expect(changed[key], key).not.toEqual(defaultRunConfig[key]);
    const url = setupToUrl(changed);
    const back = setupFromUrl(`#${url}`);
    expect(back.notes).toEqual([]);
    expect(back.config).toEqual(changed);
    expect(back.keys.sort()).toEqual([...setupKeys].sort());
  });

  test('each key round trips on its own, the others staying at their defaults', () => {
    for (const key of setupKeys) {
      const value = changed[key];
      const params = new URLSearchParams({ [key]: String(value) });
      if (key === 'dataset') params.set('model', 'gpt-tiny'); // a text file needs a text model
      const back = setupFromUrl(params.toString());
      expect(back.config[key], key).toEqual(value);
      expect(back.notes, key).toEqual([]);
    }
  });

  test('the defaults round trip and every key marked url is written', () => {
    const url = new URLSearchParams(setupToUrl(defaultRunConfig));
    for (const key of setupKeys) expect(url.has(key), key).toBe(setupSchema[key].url);
    expect(setupFromUrl(url.toString()).config).toEqual(defaultRunConfig);
  });

  test('an invalid value falls back to the default with a note naming the key', () => {
    for (const key of setupKeys) {
      const back = setupFromUrl(`?${new URLSearchParams({ [key]: invalid[key] })}`);
      expect(back.config[key], key).toEqual(defaultRunConfig[key]);
      expect(back.notes.length, key).toBe(1);
      expect(back.notes[0], key).toContain(`link's ${key} was ignored`);
      // The default decides the key: a restored setup must not fill it in later.
      expect(back.keys, key).toContain(key);
    }
  });

  test('valid keys survive beside invalid ones; unknown keys get a note', () => {
    const back = setupFromUrl('#transform=sparse-wide&sparsity=abc&steps=12&colour=blue');
    expect(back.config.transform).toBe('sparse-wide');
    expect(back.config.steps).toBe(12);
    expect(back.config.sparsity).toBe(defaultRunConfig.sparsity);
    expect(back.notes).toHaveLength(2);
    expect(back.notes.join(' ')).toContain("'colour' is not known");
  });

  test('a dataset that does not fit the model is replaced, with a note only if the link named it', () => {
    const silent = setupFromUrl('model=gpt-tiny');
    expect(silent.config.dataset).toBe('builtin-text');
    expect(silent.notes).toEqual([]);
    const named = setupFromUrl('model=gpt-tiny&dataset=cifar10');
    expect(named.config.dataset).toBe('builtin-text');
    expect(named.notes[0]).toContain("'cifar10' does not fit model 'gpt-tiny'");
  });

  test('garbage never throws', () => {
    for (const text of ['', '#', '?&&=', '#%E0%A4%A', 'sparsity', '#model=&model=gpt-tiny']) {
      expect(() => setupFromUrl(text)).not.toThrow();
    }
  });
});

describe('persisted setup', () => {
  test('persisted values fill keys the URL did not set; bad persisted values are dropped', () => {
    const fromUrl = setupFromUrl('steps=7');
    const merged = mergePersistedSetup(
      { ...initialSetup(fromUrl.config), urlKeys: fromUrl.keys },
      { steps: 900, lr: 0.3, sparsity: 3, transform: 'sparse-wide' },
    );
    expect(merged.config.steps).toBe(7);
    expect(merged.config.lr).toBe(0.3);
    expect(merged.config.sparsity).toBe(defaultRunConfig.sparsity);
    expect(merged.config.transform).toBe('sparse-wide');
  });
});

test('the slider snaps to 0.5, 0.75 and 0.9 when close, else rounds to two decimals', () => {
  expect(snapSparsity(0.49)).toBe(0.5);
  expect(snapSparsity(0.762)).toBe(0.75);
  expect(snapSparsity(0.91)).toBe(0.9);
  expect(snapSparsity(0.93)).toBe(0.93);
  expect(snapSparsity(0.333333)).toBe(0.33);
  expect(snapSparsity(0)).toBe(0);
});

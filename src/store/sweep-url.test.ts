// A sweep link round-trips its lists and the setup, and a broken one is ignored.
import { expect, test } from 'vitest';
import { defaultRunConfig } from '../spec/run-config';
import { setupFromUrl } from './setup-slice';
import { sweepFromUrl, sweepToUrl } from './sweep-url';

test('sweep link: lists and setup round-trip; the setup parser does not flag the sweep key', () => {
  const form = {
    transforms: ['dense' as const, 'sparse-parallel' as const],
    sparsities: [0.5, 0.9],
    methods: ['rigl' as const, 'static' as const],
    seeds: 4,
  };
  const config = {
    ...defaultRunConfig,
    model: 'gpt-tiny',
    dataset: 'builtin-text' as const,
    steps: 123,
  };
  const url = sweepToUrl(config, form);
  expect(url).toContain('sweep=dense%2Csparse-parallel%3B0.5%2C0.9%3Brigl%2Cstatic%3B4');
  expect(sweepFromUrl(`#${url}`)).toEqual(form);
  const setup = setupFromUrl(`#${url}`);
  expect(setup.config).toMatchObject({ model: 'gpt-tiny', steps: 123 });
  expect(setup.notes).toEqual([]);
});

test('a link without a sweep, or with a broken one, fills nothing', () => {
  expect(sweepFromUrl('#model=gpt-tiny')).toBeUndefined();
  expect(sweepFromUrl('#sweep=dense;0.5;magic;3')).toBeUndefined();
  expect(sweepFromUrl('#sweep=dense;1.5;rigl;3')).toBeUndefined();
  expect(sweepFromUrl('#sweep=dense;0.5;rigl;0')).toBeUndefined();
});

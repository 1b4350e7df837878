// The one setup table (docs/architecture.md, State flow): for every RunConfig key, its default, how
// to parse it from text (URL, form input), and whether it goes to the URL and to IndexedDB. The
// mapped type makes a new RunConfig key without an entry here a compile error.
import {
  datasetNames,
  defaultRunConfig,
  dstMethods,
  maskInits,
  optimizerNames,
  runConfigProblems,
  scheduleNames,
  transformNames,
  type RunConfig,
} from '../spec/run-config';
import { isModelPreset } from './planner';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problem: string };

export interface SetupField<T> {
  default: T;
  /** Text (URL value or form input) to a valid value, or the reason it is not one. */
  parse: (raw: string) => ParseResult<T>;
  /** Written to the URL so a link reproduces the setup. */
  url: boolean;
  /** Kept in IndexedDB across reloads (the URL wins when it carries the key). */
  persist: boolean;
}

export type SetupKey = keyof RunConfig;
export type SetupSchema = { [K in SetupKey]: SetupField<RunConfig[K]> };

/** The first problem runConfigProblems finds when only `key` differs from the (valid) defaults. */
function problemWith<K extends SetupKey>(key: K, value: RunConfig[K]): string | undefined {
  return runConfigProblems({ ...defaultRunConfig, [key]: value })[0];
}

function validated<K extends SetupKey>(key: K, value: RunConfig[K]): ParseResult<RunConfig[K]> {
  const problem = problemWith(key, value);
  return problem ? { ok: false, problem } : { ok: true, value };
}

function numberField<K extends SetupKey>(key: K): SetupField<RunConfig[K]> {
  return {
    default: defaultRunConfig[key],
    parse: (raw) => {
      const text = raw.trim();
      const value = Number(text);
      if (text === '' || !Number.isFinite(value))
        return { ok: false, problem: `'${raw}' is not a number` };
      return validated(key, value as RunConfig[K]);
    },
    url: true,
    persist: true,
  };
}

function enumField<K extends SetupKey>(key: K, names: readonly string[]): SetupField<RunConfig[K]> {
  return {
    default: defaultRunConfig[key],
    parse: (raw) =>
      names.includes(raw)
        ? validated(key, raw as RunConfig[K])
        : { ok: false, problem: `'${raw}' is not one of ${names.join(', ')}` },
    url: true,
    persist: true,
  };
}

function booleanField<K extends SetupKey>(key: K): SetupField<RunConfig[K]> {
  return {
    default: defaultRunConfig[key],
    parse: (raw) => {
      if (raw === 'true' || raw === '1') return { ok: true, value: true as RunConfig[K] };
      if (raw === 'false' || raw === '0') return { ok: true, value: false as RunConfig[K] };
      return { ok: false, problem: `'${raw}' is not true or false` };
    },
    url: true,
    persist: true,
  };
}

export const setupSchema: SetupSchema = {
  model: {
    default: defaultRunConfig.model,
    parse: (raw) =>
      isModelPreset(raw)
        ? { ok: true, value: raw }
        : { ok: false, problem: `unknown model preset '${raw}'` },
    url: true,
    persist: true,
  },
  dataset: enumField('dataset', datasetNames),
  transform: enumField('transform', transformNames),
  sparsity: numberField('sparsity'),
  method: enumField('method', dstMethods),
  maskInit: enumField('maskInit', maskInits),
  updateInterval: numberField('updateInterval'),
  dropFraction: numberField('dropFraction'),
  endFraction: numberField('endFraction'),
  optimizer: enumField('optimizer', optimizerNames),
  lr: numberField('lr'),
  momentum: numberField('momentum'),
  nesterov: booleanField('nesterov'),
  weightDecay: numberField('weightDecay'),
  schedule: enumField('schedule', scheduleNames),
  warmupSteps: numberField('warmupSteps'),
  gradClip: numberField('gradClip'),
  batchSize: numberField('batchSize'),
  steps: numberField('steps'),
  evalEvery: numberField('evalEvery'),
  evalSamples: numberField('evalSamples'),
  metricsEvery: numberField('metricsEvery'),
  seed: numberField('seed'),
};

export const setupKeys = Object.keys(setupSchema) as SetupKey[];

export function isSetupKey(key: string): key is SetupKey {
  return Object.prototype.hasOwnProperty.call(setupSchema, key);
}

/** Parse one key's text against the table. */
export function parseSetupValue<K extends SetupKey>(
  key: K,
  raw: string,
): ParseResult<RunConfig[K]> {
  return setupSchema[key].parse(raw);
}

/** The text form of a value: what the URL carries and what a form field starts with. */
export function formatSetupValue(value: RunConfig[SetupKey]): string {
  return String(value);
}

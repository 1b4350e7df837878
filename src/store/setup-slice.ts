// The setup slice: the RunConfig the next run would use, synced to the URL hash so a link
// reproduces it. Values that do not parse fall back to their default with a visible note.
import { defaultRunConfig, type DatasetName, type RunConfig } from '../spec/run-config';
import { presetFamily, type ModelFamily } from './planner';
import {
  formatSetupValue,
  isSetupKey,
  parseSetupValue,
  setupKeys,
  setupSchema,
  type SetupKey,
} from './setup-schema';

export interface SetupSlice {
  config: RunConfig;
  /** Notes about URL values that were ignored; shown until dismissed. */
  urlNotes: string[];
  /**
   * Keys the link named, valid or not: they win over IndexedDB when the store rehydrates (an
   * invalid one with the default its note promised), whenever the rehydration finishes.
   */
  urlKeys: SetupKey[];
  /** Form text that did not parse, per key, with the reason; the config keeps the last valid value. */
  fieldErrors: Partial<Record<SetupKey, string>>;
}

export function initialSetup(config: RunConfig = defaultRunConfig): SetupSlice {
  return { config, urlNotes: [], urlKeys: [], fieldErrors: {} };
}

/** The URL hash body (no '#') for a setup: every key marked `url`, in table order. */
/** The URL key that carries a sweep's lists beside the setup (store/sweep-url.ts). */
export const SWEEP_URL_KEY = 'sweep';

export function setupToUrl(config: RunConfig): string {
  const params = new URLSearchParams();
  for (const key of setupKeys) {
    if (setupSchema[key].url) params.set(key, formatSetupValue(config[key]));
  }
  return params.toString();
}

export interface UrlSetup {
  config: RunConfig;
  notes: string[];
  /** Every setup key the link named; an invalid one holds the default. */
  keys: SetupKey[];
}

/** Read a setup from a URL hash or query ('#a=1&b=2', '?a=1', or 'a=1'); never throws. */
export function setupFromUrl(text: string): UrlSetup {
  const params = new URLSearchParams(text.replace(/^[#?]/, ''));
  const config: RunConfig = { ...defaultRunConfig };
  const notes: string[] = [];
  const keys: SetupKey[] = [];
  let namedDataset = false;
  for (const [key, raw] of params) {
    if (key === SWEEP_URL_KEY) continue; // the sweep form's, read by sweep-url.ts
    if (!isSetupKey(key) || !setupSchema[key].url) {
      notes.push(`The link's setting '${key}' is not known; it was ignored.`);
      continue;
    }
    const parsed = parseSetupValue(key, raw);
    // An invalid value still decides the key (as the default): otherwise a setup restored from
    // IndexedDB would fill it later or not, depending on when the rehydration finishes.
    keys.push(key);
    if (parsed.ok) {
      (config as Record<SetupKey, unknown>)[key] = parsed.value;
      namedDataset ||= key === 'dataset';
    } else {
      notes.push(
        `The link's ${key} was ignored (${parsed.problem}); using the default ${formatSetupValue(setupSchema[key].default)}.`,
      );
    }
  }
  // A dataset the link did not name silently follows the model; one it named is worth a note.
  const reconciled = reconcileSetup(config);
  const datasetNotes = namedDataset ? reconciled.notes : [];
  return { config: reconciled.config, notes: [...notes, ...datasetNotes], keys };
}

const builtinDataset: Record<ModelFamily, DatasetName> = {
  image: 'builtin-images',
  text: 'builtin-text',
};

export function datasetFamily(dataset: DatasetName): ModelFamily {
  return dataset === 'builtin-text' || dataset === 'text-file' ? 'text' : 'image';
}

/** Cross-key rules the per-key parsers cannot see: the dataset must suit the model. */
export function reconcileSetup(config: RunConfig): { config: RunConfig; notes: string[] } {
  const family = presetFamily(config.model);
  if (datasetFamily(config.dataset) === family) return { config, notes: [] };
  const dataset = builtinDataset[family];
  return {
    config: { ...config, dataset },
    notes: [`Dataset '${config.dataset}' does not fit model '${config.model}'; using ${dataset}.`],
  };
}

/** Merge a persisted setup under the current one: URL keys win; persisted values are re-parsed. */
export function mergePersistedSetup(current: SetupSlice, persisted: unknown): SetupSlice {
  if (typeof persisted !== 'object' || persisted === null) return current;
  const config: RunConfig = { ...current.config };
  for (const key of setupKeys) {
    if (!setupSchema[key].persist || current.urlKeys.includes(key)) continue;
    const value = (persisted as Record<string, unknown>)[key];
    if (value === undefined) continue;
    const parsed = parseSetupValue(key, String(value));
    if (parsed.ok) (config as Record<SetupKey, unknown>)[key] = parsed.value;
  }
  return { ...current, config: reconcileSetup(config).config };
}

/** The persisted part of the setup: keys marked `persist`. */
export function persistedSetup(config: RunConfig): Partial<RunConfig> {
  const out: Partial<Record<SetupKey, unknown>> = {};
  for (const key of setupKeys) if (setupSchema[key].persist) out[key] = config[key];
  return out as Partial<RunConfig>;
}

/** The slider's snap points (the paper's sparsities) and how close counts as "at" one. */
export const sparsitySnaps = [0.5, 0.75, 0.9] as const;
const snapDistance = 0.015;

/** Slider value to sparsity: near a snap point lands on it; otherwise two decimals. */
export function snapSparsity(value: number): number {
  const snap = sparsitySnaps.find((s) => Math.abs(s - value) <= snapDistance);
  return snap ?? Math.round(value * 100) / 100;
}

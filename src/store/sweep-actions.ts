// Sweep actions: start, pause, resume, cancel, and the loop that feeds the run queue one sweep run
// at a time. Each sweep run is an ordinary page run (queueRun), so it trains on the worker,
// shows its curves and persists like any other; this module watches the run in flight and, when
// it finishes, records its result in the sweep store (IndexedDB) and queues the next one.
// A reload turns the run in flight into 'interrupted' (runs-slice reviveRuns): the sweep queues
// that cell again from its start, since a half-trained run is not a result.
import { RECIPES, type RecipeName } from '../spec/recipes';
import { expandSweep } from '../train/sweep-plan';
import { downloadBlob } from './action-context';
import { pauseRun, pumpQueue, queueRun, resumeRun, setSetup, stopRun } from './actions';
import type { AppStore } from './app-store';
import { isActive } from './runs-slice';
import {
  nextSweepRun,
  recordResult,
  resultFromRun,
  sweepCellResults,
  sweepCsv,
  sweepJson,
  sweepMetric,
  sweepSpecOf,
  type SweepForm,
  type SweepRecord,
} from './sweep-slice';
import type { SweepStore } from './sweep-store';
import { sweepFromUrl, sweepToUrl } from './sweep-url';

interface SweepBindings {
  app: AppStore;
  sweeps: SweepStore;
  now: () => number;
  newId: () => string;
  /** Saves a file for the user (a download in the browser). */
  save: (name: string, blob: Blob) => void;
  /** The page's URL hash; a `sweep=` key in it fills the form (sweep-url.ts). */
  url?: string;
}

let bound: SweepBindings | undefined;
let unsubscribe: (() => void) | undefined;
/** queueRun changes the app store synchronously; the watcher must not react to our own queueing. */
let queueing = false;

function b(): SweepBindings {
  if (!bound) throw new Error('sweep actions used before bindSweeps()');
  return bound;
}
const current = (): SweepRecord | null => b().sweeps.getState().current;
const setCurrent = (change: (r: SweepRecord) => SweepRecord): void => {
  const r = current();
  if (r) b().sweeps.setState({ current: change(r) });
};

type Hydratable = { persist?: { hasHydrated(): boolean; onFinishHydration(f: () => void): void } };

function whenHydrated(store: unknown): Promise<void> {
  const p = (store as Hydratable).persist;
  if (!p || p.hasHydrated()) return Promise.resolve();
  return new Promise((resolve) => p.onFinishHydration(() => resolve()));
}

/**
 * Wire the sweep actions to the app store (after bindActions) and the sweep store; once both have
 * loaded from IndexedDB, pick up a sweep a reload left running. Resolves when that is done.
 */
export async function bindSweeps(
  bindings: Partial<SweepBindings> & Pick<SweepBindings, 'app' | 'sweeps'>,
): Promise<void> {
  unsubscribe?.();
  bound = {
    now: () => Date.now(),
    newId: () => crypto.randomUUID(),
    save: downloadBlob,
    ...bindings,
  };
  await Promise.all([whenHydrated(bound.app), whenHydrated(bound.sweeps)]);
  const linked = bound.url === undefined ? undefined : sweepFromUrl(bound.url);
  if (linked) setSweepForm(linked);
  unsubscribe = bound.app.subscribe(() => watch());
  watch();
  // Revived queued runs wait for a pump; the sweep's next run may be among them.
  pumpQueue();
}

/** Check the run in flight; record it when finished; queue the next one while running. */
function watch(): void {
  if (queueing) return;
  const record = current();
  if (!record) return;
  if (record.inFlight) {
    const run = b().app.getState().runs.byId[record.inFlight.runId];
    const spec = expandSweep(record.spec).find((r) => r.id === record.inFlight!.key);
    // The worker reports state 'done' just before the final metrics: wait for them.
    if (run && (isActive(run) || run.state === 'queued' || (run.state === 'done' && !run.final)))
      return;
    if (run && spec && (run.state === 'done' || run.state === 'failed')) {
      setCurrent((r) => recordResult(r, resultFromRun(spec, run)));
    } else if (run && spec && run.state === 'stopped' && record.status !== 'cancelled') {
      // Stopped by hand in the runs table: a result the user chose to end, counted as failed.
      setCurrent((r) => recordResult(r, resultFromRun(spec, run)));
    } else {
      // Interrupted (reload, lost device), deleted, or stopped by a cancel: no result.
      setCurrent((r) => ({ ...r, inFlight: undefined }));
    }
  }
  advance();
}

function advance(): void {
  const record = current();
  if (!record || record.status !== 'running' || record.inFlight) return;
  const next = nextSweepRun(record);
  if (!next) {
    setCurrent((r) => ({ ...r, status: 'done' }));
    return;
  }
  queueing = true;
  let runId: string;
  try {
    runId = queueRun(next.config, `sweep ${next.id}`);
  } finally {
    queueing = false;
  }
  setCurrent((r) => ({ ...r, inFlight: { key: next.id, runId } }));
  watch();
}

/** Start a new sweep of the form's lists over the current setup; returns the problem if invalid. */
export function startSweep(): string | undefined {
  const spec = sweepSpecOf(b().sweeps.getState().form, b().app.getState().setup.config);
  try {
    expandSweep(spec);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  const old = current();
  if (old?.inFlight) stopRun(old.inFlight.runId);
  b().sweeps.setState({
    current: { id: b().newId(), spec, status: 'running', createdAt: b().now(), results: [] },
  });
  advance();
  return undefined;
}

export function pauseSweep(): void {
  const record = current();
  if (record?.status !== 'running') return;
  setCurrent((r) => ({ ...r, status: 'paused' }));
  if (record.inFlight) pauseRun(record.inFlight.runId);
}

export function resumeSweep(): void {
  const record = current();
  if (record?.status !== 'paused') return;
  setCurrent((r) => ({ ...r, status: 'running' }));
  const run = record.inFlight && b().app.getState().runs.byId[record.inFlight.runId];
  if (run && run.state === 'paused') resumeRun(run.id);
  else watch();
}

export function cancelSweep(): void {
  const record = current();
  if (!record || record.status === 'done' || record.status === 'cancelled') return;
  setCurrent((r) => ({ ...r, status: 'cancelled' }));
  if (record.inFlight) stopRun(record.inFlight.runId);
}

export function setSweepForm(change: Partial<SweepForm>): void {
  b().sweeps.setState((s) => ({ form: { ...s.form, ...change } }));
}

/**
 * Sets the sparsity list (comma-separated) or the seed count from a text field; returns the
 * problem when the text does not parse (the form keeps its last valid value).
 */
export function setSweepListText(field: 'sparsities' | 'seeds', text: string): string | undefined {
  if (field === 'seeds') {
    const seeds = Number(text);
    if (!Number.isInteger(seeds) || seeds < 1 || seeds > 20)
      return `seeds must be a whole number in [1, 20], got "${text}"`;
    setSweepForm({ seeds });
    return undefined;
  }
  const items = text
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  const values = items.map(Number);
  const bad = items.find((_, i) => !(Number.isFinite(values[i]) && values[i] > 0 && values[i] < 1));
  if (bad !== undefined) return `sparsities are numbers in (0, 1), got "${bad}"`;
  setSweepForm({ sparsities: values });
  return undefined;
}

/** "Reproduce: text" / "Reproduce: CIFAR": the recipe's settings and the sweep's lists. */
export function applyRecipe(name: RecipeName): void {
  const r = RECIPES[name];
  setSetup(r.config);
  setSweepForm({
    transforms: r.transforms,
    sparsities: r.sparsities,
    methods: r.methods,
    seeds: r.seeds,
  });
}

/** The sweep as CSV (one row per cell) or JSON (the CLI's shape, runs included). */
export function exportSweep(format: 'csv' | 'json'): void {
  const record = current();
  if (!record) return;
  const metric = sweepMetric(record.spec);
  const name = `sweep-${record.spec.base.model}.${format}`;
  const text =
    format === 'csv'
      ? sweepCsv(sweepCellResults(record, metric), metric)
      : sweepJson(record, metric);
  b().save(name, new Blob([text], { type: format === 'csv' ? 'text/csv' : 'application/json' }));
}

/** The URL hash that opens this page with the current setup and sweep form filled in. */
export function sweepLinkHash(): string {
  return sweepToUrl(b().app.getState().setup.config, b().sweeps.getState().form);
}

// Render-ready data for components: chart series, table rows, progress, the slider readout.
// Components render what these return and do no arithmetic of their own. Selectors that build
// arrays are memoised on the slices they read, so React sees stable references between messages.
import type { MetricPoint } from '../worker/protocol';
import type { AppState } from './app-store';
import { defaultWeightsBudgetBytes } from './weight-store';
import { planReadout, presetFamily, type ModelFamily, type ReadoutResult } from './planner';
import { activeRun, finalOrLatest, isActive, type Run } from './runs-slice';
import type { MetricXAxis } from './ui-slice';

/** Cache the last result per argument tuple (compared by reference). */
function memo<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  let lastArgs: A | undefined;
  let lastResult: R;
  return (...args: A) => {
    if (lastArgs && args.length === lastArgs.length && args.every((a, i) => a === lastArgs![i]))
      return lastResult;
    lastArgs = args;
    lastResult = fn(...args);
    return lastResult;
  };
}

export const runColors = [
  '#2563eb',
  '#dc2626',
  '#059669',
  '#d97706',
  '#7c3aed',
  '#0891b2',
  '#db2777',
  '#4b5563',
  '#65a30d',
  '#9333ea',
];

/** At most this many points per line: enough for a smooth chart, cheap to redraw per message. */
export const maxChartPoints = 400;

/** Keep every k-th point (and the last) so a line has at most `max` points. */
export function thinPoints<T>(points: T[], max = maxChartPoints): T[] {
  if (points.length <= max) return points;
  const stride = Math.ceil(points.length / max);
  const out: T[] = [];
  for (let i = 0; i < points.length; i += stride) out.push(points[i]);
  if (out[out.length - 1] !== points[points.length - 1]) out.push(points[points.length - 1]);
  return out;
}

// Planning takes about a millisecond; runs keep their config object, so cache per object.
const readouts = new WeakMap<AppState['setup']['config'], ReadoutResult>();
function readoutFor(config: AppState['setup']['config']): ReadoutResult {
  let result = readouts.get(config);
  if (!result) {
    result = planReadout(config);
    readouts.set(config, result);
  }
  return result;
}
export const selectReadout = (s: AppState): ReadoutResult => readoutFor(s.setup.config);

export const selectRunList = memo((runs: AppState['runs']): Run[] =>
  runs.order.map((id) => runs.byId[id]).filter((r): r is Run => r !== undefined),
);
export const selectRuns = (s: AppState): Run[] => selectRunList(s.runs);

export interface Progress {
  runId: string;
  name: string;
  state: Run['state'];
  step: number;
  steps: number;
  fraction: number;
  etaSeconds?: number;
  samplesPerSecond?: number;
}

/** Progress of the run holding the GPU, else the most recently created run that has points. */
export const selectProgress = memo((runs: AppState['runs']): Progress | undefined => {
  const list = selectRunList(runs);
  const run =
    activeRun(runs) ?? [...list].reverse().find((r) => r.points.length > 0 || r.state !== 'queued');
  if (!run) return undefined;
  const last: MetricPoint | undefined = run.points[run.points.length - 1];
  const step = run.state === 'done' ? run.config.steps : (last?.step ?? 0);
  const steps = run.config.steps;
  const msPerStep = last && last.step > 0 ? last.wallMs / last.step : undefined;
  return {
    runId: run.id,
    name: run.name,
    state: run.state,
    step,
    steps,
    fraction: Math.min(1, step / steps),
    etaSeconds:
      isActive(run) && msPerStep !== undefined ? ((steps - step) * msPerStep) / 1000 : undefined,
    samplesPerSecond:
      last?.samplesPerSecond ?? (msPerStep ? (run.config.batchSize * 1000) / msPerStep : undefined),
  };
});
export const selectProgressOf = (s: AppState) => selectProgress(s.runs);

export const selectQueueLength = (s: AppState): number =>
  s.runs.order.filter((id) => s.runs.byId[id]?.state === 'queued').length;

export const selectHasActiveRun = (s: AppState): boolean => activeRun(s.runs) !== undefined;

export interface Series<P> {
  id: string;
  name: string;
  color: string;
  points: P[];
}

export interface LossPoint {
  step: number;
  loss: number;
}

function visibleRuns(runs: AppState['runs'], hidden: string[]): Run[] {
  return selectRunList(runs).filter((r) => !hidden.includes(r.id) && r.points.length > 0);
}

const lossSeries = memo((runs: AppState['runs'], hidden: string[]): Series<LossPoint>[] =>
  visibleRuns(runs, hidden).map((run) => ({
    id: run.id,
    name: run.name,
    color: runColors[runs.order.indexOf(run.id) % runColors.length],
    points: thinPoints(
      run.points
        .filter((p) => p.trainLoss !== undefined && Number.isFinite(p.trainLoss))
        .map((p) => ({ step: p.step, loss: p.trainLoss! })),
    ),
  })),
);
export const selectLossSeries = (s: AppState) => lossSeries(s.runs, s.ui.hiddenRunIds);

export interface MetricDefinition {
  family: ModelFamily;
  label: string;
  /** Axis unit suffix, e.g. '%' for accuracy. */
  unit: string;
  higherIsBetter: boolean;
}

/** Images: eval accuracy (%). Text: bits per char (falls back to eval loss in nats). */
export function metricFor(family: ModelFamily): MetricDefinition {
  return family === 'image'
    ? { family, label: 'Eval accuracy', unit: '%', higherIsBetter: true }
    : { family, label: 'Bits per char', unit: 'bpc', higherIsBetter: false };
}

function metricValue(family: ModelFamily, p: Partial<MetricPoint>): number | undefined {
  if (family === 'image') return p.evalAccuracy !== undefined ? p.evalAccuracy * 100 : undefined;
  return p.evalBitsPerChar ?? (p.evalLoss !== undefined ? p.evalLoss / Math.LN2 : undefined);
}

/** Which family the charts compare: the selected run's, else the setup's model. */
export const selectChartFamily = (s: AppState): ModelFamily => {
  const selected = s.ui.selectedRunId ? s.runs.byId[s.ui.selectedRunId] : undefined;
  return presetFamily(selected?.config.model ?? s.setup.config.model);
};

export interface FlopsPoint {
  /** Training FLOPs, executed FLOPs or wall seconds, as ui.metricXAxis says. */
  flops: number;
  value: number;
}

const metricSeries = memo(
  (
    runs: AppState['runs'],
    hidden: string[],
    family: ModelFamily,
    logAxis: boolean,
    xAxis: MetricXAxis,
  ): Series<FlopsPoint>[] =>
    visibleRuns(runs, hidden)
      .filter((run) => presetFamily(run.config.model) === family)
      .map((run) => ({
        id: run.id,
        name: run.name,
        color: runColors[runs.order.indexOf(run.id) % runColors.length],
        points: thinPoints(
          run.points
            .map((p) => ({
              flops: xAxis === 'wallSeconds' ? p.wallMs / 1000 : p[xAxis],
              value: metricValue(family, p),
            }))
            .filter(
              (p): p is FlopsPoint =>
                p.value !== undefined && Number.isFinite(p.value) && (!logAxis || p.flops > 0),
            ),
        ),
      }))
      .filter((series) => series.points.length > 0),
);
export const selectMetricSeries = (s: AppState) =>
  metricSeries(
    s.runs,
    s.ui.hiddenRunIds,
    selectChartFamily(s),
    s.ui.logFlopsAxis,
    s.ui.metricXAxis,
  );

/** The run the detail charts (density, heatmap) show: the selection, else the live run, else the newest. */
export const selectFocusRun = (s: AppState): Run | undefined => {
  const selected = s.ui.selectedRunId ? s.runs.byId[s.ui.selectedRunId] : undefined;
  if (selected) return selected;
  const list = selectRunList(s.runs);
  return activeRun(s.runs) ?? list[list.length - 1];
};

export interface CompareRow {
  id: string;
  name: string;
  color: string;
  state: Run['state'];
  transform: string;
  sparsity: number;
  method: string;
  model: string;
  metric?: number;
  metricLabel: string;
  metricUnit: string;
  trainingFlops?: number;
  executedFlops?: number;
  paramsTotal?: number;
  paramsActive?: number;
  wallSeconds?: number;
  error?: string;
  checkpointStep?: number;
  hidden: boolean;
}

const transformLabels: Record<string, string> = {
  dense: 'Dense',
  'sparse-wide': 'Sparse Wide',
  'sparse-parallel': 'Sparse Parallel',
  'sparse-factorized': 'Sparse Factorized',
  'sparse-doped': 'Sparse Doped',
};
const methodLabels: Record<string, string> = { static: 'static', set: 'SET', rigl: 'RigL' };

export function transformLabel(name: string): string {
  return transformLabels[name] ?? name;
}
export function methodLabel(name: string): string {
  return methodLabels[name] ?? name;
}

const compareRows = memo((runs: AppState['runs'], hidden: string[]): CompareRow[] =>
  selectRunList(runs).map((run, index) => {
    const family = presetFamily(run.config.model);
    const summary = finalOrLatest(run);
    const planned = run.final ? undefined : readoutFor(run.config);
    return {
      id: run.id,
      name: run.name,
      color: runColors[index % runColors.length],
      state: run.state,
      transform: transformLabel(run.config.transform),
      sparsity: run.config.sparsity,
      method: run.config.sparsity === 0 ? '—' : methodLabel(run.config.method),
      model: run.config.model,
      metric: metricValue(family, summary),
      metricLabel: metricFor(family).label,
      metricUnit: metricFor(family).unit,
      trainingFlops: summary.trainingFlops,
      executedFlops: summary.executedFlops,
      paramsTotal:
        run.final?.paramsTotal ?? (planned?.ok ? planned.readout.paramsTotal : undefined),
      paramsActive:
        run.final?.paramsActive ?? (planned?.ok ? planned.readout.paramsActive : undefined),
      wallSeconds: summary.wallSeconds,
      error: run.error?.message,
      checkpointStep: run.checkpointStep,
      hidden: hidden.includes(run.id),
    };
  }),
);
export const selectCompareRows = (s: AppState) => compareRows(s.runs, s.ui.hiddenRunIds);

export interface DensityBar {
  /** The module path, without the '.weight' every entry ends with (the axis is narrow). */
  name: string;
  densityPercent: number;
  active: number;
  total: number;
}

const densityBars = memo(
  (run: Run | undefined): { step: number; bars: DensityBar[] } | undefined =>
    run?.maskStats
      ? {
          step: run.maskStats.step,
          bars: run.maskStats.layers.map((l) => ({
            name: l.name.replace(/\.weight$/, ''),
            densityPercent: l.density * 100,
            active: l.active,
            total: l.total,
          })),
        }
      : undefined,
);
export const selectDensityBars = (s: AppState) => densityBars(selectFocusRun(s));

export interface StoredWeightsSummary {
  runs: number;
  bytes: number;
  budgetBytes: number;
}

/** How much of the weights budget the kept runs take (the table's "Free space" line). */
export const selectStoredWeights = memo(
  (stored: AppState['ui']['storedWeights']): StoredWeightsSummary => {
    const list = Object.values(stored);
    return {
      runs: list.length,
      bytes: list.reduce((sum, w) => sum + w.bytes, 0),
      budgetBytes: defaultWeightsBudgetBytes,
    };
  },
);

/** Where a run's weights can be exported from: kept in this browser, the worker, or nowhere. */
export function weightsSource(
  storedWeights: AppState['ui']['storedWeights'],
  loadedRunId: string | undefined,
  run: Pick<Run, 'id' | 'state'>,
): WeightsSource {
  if (storedWeights[run.id]) return 'kept';
  if (loadedRunId === run.id && ['done', 'stopped', 'paused'].includes(run.state)) return 'worker';
  return undefined;
}
export type WeightsSource = 'kept' | 'worker' | undefined;

// The page's sweep: its spec, status, the run in flight and every finished run's result. Pure
// reducers over plain data (persisted to IndexedDB by sweep-store.ts), so a reload finds the
// results and the position in the queue. The runs themselves go through the runs slice's queue
// (one run at a time on the worker); sweep-actions.ts moves them along.
import { getPreset } from '../models/presets';
import type { RunConfig } from '../spec/run-config';
import { expandSweep, sweepCells, type SweepRunSpec, type SweepSpec } from '../train/sweep-plan';
import {
  aggregateSweep,
  type SweepCellResult,
  type SweepMetric,
  type SweepRunResult,
} from '../train/sweep-stats';
import type { Run } from './runs-slice';

export type SweepStatus = 'running' | 'paused' | 'cancelled' | 'done';

export interface SweepRecord {
  id: string;
  spec: SweepSpec;
  status: SweepStatus;
  createdAt: number;
  /** The sweep run the queue holds now, and the page run carrying it. */
  inFlight?: { key: string; runId: string };
  results: SweepRunResult[];
}

/** What the sweep form holds before a sweep starts (the recipe is the setup's RunConfig). */
export interface SweepForm {
  transforms: SweepSpec['transforms'];
  sparsities: number[];
  methods: SweepSpec['methods'];
  seeds: number;
}

export interface SweepSlice {
  form: SweepForm;
  current: SweepRecord | null;
}

export const defaultSweepForm: SweepForm = {
  transforms: ['dense', 'sparse-wide'],
  sparsities: [0.5, 0.75, 0.9],
  methods: ['rigl'],
  seeds: 3,
};

export const emptySweeps: SweepSlice = { form: defaultSweepForm, current: null };

export function sweepSpecOf(form: SweepForm, base: RunConfig): SweepSpec {
  return { base, ...form };
}

/** Bits/char for a language model, accuracy for a classifier: what the sweep compares. */
export function sweepMetric(spec: SweepSpec): SweepMetric {
  return getPreset(spec.base.model).task === 'language' ? 'bits-per-char' : 'accuracy';
}

/** The next sweep run to queue: the first in order without a result, or none. */
export function nextSweepRun(record: SweepRecord): SweepRunSpec | undefined {
  const finished = new Set(record.results.map((r) => r.id));
  return expandSweep(record.spec).find((r) => !finished.has(r.id));
}

export function runTotal(record: SweepRecord): number {
  return expandSweep(record.spec).length;
}

/** A finished page run as a sweep result; NaN metric for a run that failed before any eval. */
export function resultFromRun(spec: SweepRunSpec, run: Run): SweepRunResult {
  const final = run.final;
  const metric = final?.evalAccuracy ?? final?.evalBitsPerChar ?? NaN;
  return {
    id: spec.id,
    cell: spec.cell,
    seed: spec.seed,
    metric: run.state === 'done' ? metric : NaN,
    trainingFlops: final?.trainingFlops ?? run.points.at(-1)?.trainingFlops ?? 0,
    executedFlops: final?.executedFlops ?? run.points.at(-1)?.executedFlops ?? 0,
    wallSeconds: final?.wallSeconds ?? (run.points.at(-1)?.wallMs ?? 0) / 1000,
    ...(run.state !== 'done' && {
      error: run.error ?? { code: run.state.toUpperCase(), message: `run ${run.state}` },
    }),
    history: run.points,
  };
}

export function recordResult(record: SweepRecord, result: SweepRunResult): SweepRecord {
  const results = [...record.results.filter((r) => r.id !== result.id), result];
  const next: SweepRecord = { ...record, results, inFlight: undefined };
  return nextSweepRun(next) ? next : { ...next, status: 'done' };
}

export function sweepCellResults(record: SweepRecord, metric: SweepMetric): SweepCellResult[] {
  return aggregateSweep(sweepCells(record.spec), record.results, metric);
}

function csvField(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per cell, the columns of the sweep JSON's cells plus the verdict. */
export function sweepCsv(cells: readonly SweepCellResult[], metric: SweepMetric): string {
  const header = [
    'transform',
    'sparsity',
    'method',
    `mean_${metric === 'accuracy' ? 'accuracy' : 'bits_per_char'}`,
    'std',
    'n',
    'failed',
    'seeds',
    'training_flops',
    'executed_flops',
    'wall_seconds',
    'verdict',
  ];
  const rows = cells.map((c) =>
    [
      c.transform,
      c.sparsity,
      c.method ?? '',
      c.mean,
      c.std,
      c.n,
      c.failed,
      c.seeds.join(' '),
      c.trainingFlops,
      c.executedFlops,
      c.wallSeconds,
      c.verdict.text,
    ]
      .map(csvField)
      .join(','),
  );
  return [header.join(','), ...rows].join('\n') + '\n';
}

/** The same shape as `npm run sweep -- --json`: spec, metric, cells and runs (with histories). */
export function sweepJson(record: SweepRecord, metric: SweepMetric): string {
  return JSON.stringify(
    {
      spec: record.spec,
      metric,
      cells: sweepCellResults(record, metric),
      runs: record.results,
    },
    null,
    2,
  );
}

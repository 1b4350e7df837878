// What the sweep panel draws, computed here so components only render: the chart's series (mean
// and +/- 1 std per cell, one line per transform and method), the dense band, table rows and the
// per-run curves. Accuracy is shown in percent, bits/char as is.
import { expandSweep } from '../train/sweep-plan';
import type { SweepCellResult, SweepMetric } from '../train/sweep-stats';
import { runTotal, sweepCellResults, sweepMetric, type SweepSlice } from './sweep-slice';

export type SweepXAxis = 'sparsity' | 'trainingFlops' | 'executedFlops' | 'wallSeconds';

export const SWEEP_X_AXES: { value: SweepXAxis; label: string }[] = [
  { value: 'sparsity', label: 'sparsity' },
  { value: 'trainingFlops', label: 'training FLOPs' },
  { value: 'executedFlops', label: 'executed FLOPs' },
  { value: 'wallSeconds', label: 'wall time' },
];

export interface SweepPoint {
  x: number;
  y: number;
  /** +/- 1 std (0 with a single run). */
  err: number;
  n: number;
}

export interface SweepSeries {
  key: string;
  name: string;
  color: string;
  points: SweepPoint[];
}

export interface SweepView {
  metric: SweepMetric;
  metricLabel: string;
  unit: string;
  higherIsBetter: boolean;
  status: string;
  done: number;
  total: number;
  inFlightKey?: string;
  cells: SweepCellResult[];
  series: SweepSeries[];
  /** Dense mean and +/- 1 std, for the band across the sparsity axis. */
  dense?: { y: number; low: number; high: number; n: number };
  runCurves: { key: string; name: string; points: { step: number; value: number }[] }[];
}

const COLORS: Record<string, string> = {
  dense: '#0f172a',
  'sparse-wide': '#2563eb',
  'sparse-parallel': '#16a34a',
  'sparse-factorized': '#d97706',
  'sparse-doped': '#9333ea',
};

const scale = (metric: SweepMetric) => (metric === 'accuracy' ? 100 : 1);

export function selectSweepView(s: SweepSlice, xAxis: SweepXAxis): SweepView | undefined {
  const record = s.current;
  if (!record) return undefined;
  const metric = sweepMetric(record.spec);
  const k = scale(metric);
  const cells = sweepCellResults(record, metric);
  const series = new Map<string, SweepSeries>();
  for (const c of cells) {
    if (c.mean === null) continue;
    if (c.transform === 'dense' && xAxis === 'sparsity') continue;
    const x = xAxis === 'sparsity' ? c.sparsity : c[xAxis];
    if (x === null) continue;
    const key = `${c.transform}/${c.method ?? '-'}`;
    const entry = series.get(key) ?? {
      key,
      name: c.method ? `${c.transform} + ${c.method}` : c.transform,
      color: COLORS[c.transform] ?? '#64748b',
      points: [],
    };
    entry.points.push({ x, y: k * c.mean, err: k * (c.std ?? 0), n: c.n });
    series.set(key, entry);
  }
  for (const entry of series.values()) entry.points.sort((a, b) => a.x - b.x);
  const dense = cells.find((c) => c.transform === 'dense' && c.mean !== null);
  const denseStd = k * (dense?.std ?? 0);
  const runs = expandSweep(record.spec);
  return {
    metric,
    metricLabel: metric === 'accuracy' ? 'Eval accuracy' : 'Eval bits/char',
    unit: metric === 'accuracy' ? '%' : 'bits/char',
    higherIsBetter: metric === 'accuracy',
    status: record.status,
    done: record.results.length,
    total: runTotal(record),
    inFlightKey: record.inFlight?.key,
    cells,
    series: [...series.values()],
    ...(dense &&
      dense.mean !== null && {
        dense: {
          y: k * dense.mean,
          low: k * dense.mean - denseStd,
          high: k * dense.mean + denseStd,
          n: dense.n,
        },
      }),
    runCurves: record.results
      .filter((r) => r.history && r.history.length > 0)
      .sort((a, b) => runs.findIndex((x) => x.id === a.id) - runs.findIndex((x) => x.id === b.id))
      .map((r) => ({
        key: r.id,
        name: r.id,
        points: (r.history ?? []).flatMap((p) => {
          const v = metric === 'accuracy' ? p.evalAccuracy : p.evalBitsPerChar;
          return v === undefined ? [] : [{ step: p.step, value: k * v }];
        }),
      })),
  };
}

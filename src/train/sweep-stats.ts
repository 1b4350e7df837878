// Sweep results per cell: mean and sample standard deviation of the final eval metric over seeds,
// and a verdict against dense. Pure, so the CLI, the page's table and the tests share one rule.
//
// The verdict rule (issue 11), for a cell C against the dense cell D, both with n >= 2 runs:
//   gain  = mean(C) - mean(D) for accuracy, mean(D) - mean(C) for bits/char (positive = better)
//   noise = 2 * max(std(C), std(D)), std the sample standard deviation over seeds (n - 1)
//   "better" if gain > noise, "worse" if gain < -noise, otherwise "within noise".
// The larger of the two spreads rather than a pooled one: with 2-5 seeds a spread is itself
// uncertain, and a claim should survive the noisier side. With n < 2 on either side there is no
// spread to compare with, and the verdict says so instead of guessing.
//
// A run that stopped early with a non-finite metric (NaN loss) is counted in `failed` and left out
// of the mean; one that stopped with a finite metric counts, as the metric it reached.
import type { DstMethod, TransformName } from '../spec/run-config';
import type { MetricPoint } from './metrics';
import { cellId, type SweepCellKey } from './sweep-plan';

/** The final eval metric a sweep compares: accuracy (higher is better) or bits/char (lower). */
export type SweepMetric = 'accuracy' | 'bits-per-char';

export interface SweepRunResult {
  id: string;
  cell: SweepCellKey;
  seed: number;
  /** Final eval accuracy (0..1) or bits/char. */
  metric: number;
  trainingFlops: number;
  executedFlops: number;
  wallSeconds: number;
  /** Set when the run stopped early. */
  error?: { code: string; message: string };
  /** Metric history, for per-run curves; dropped by exports that only need the numbers. */
  history?: MetricPoint[];
}

export type VerdictKind =
  'baseline' | 'better' | 'worse' | 'within-noise' | 'too-few-runs' | 'no-baseline';

export interface Verdict {
  kind: VerdictKind;
  /** Gain over dense, positive = better (accuracy as a fraction, or bits/char). */
  gain?: number;
  /** 2 x the larger standard deviation. */
  noise?: number;
  text: string;
}

export interface SweepCellResult {
  transform: TransformName;
  sparsity: number;
  method: DstMethod | null;
  /** Seeds of the runs counted in the mean. */
  seeds: number[];
  mean: number | null;
  /** Sample standard deviation (n - 1); null when n < 2. */
  std: number | null;
  n: number;
  failed: number;
  /** Means per run over the counted runs. */
  trainingFlops: number | null;
  executedFlops: number | null;
  wallSeconds: number | null;
  verdict: Verdict;
}

export function mean(xs: readonly number[]): number | null {
  return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Sample standard deviation (Bessel's n - 1); null for fewer than two values. */
export function sampleStd(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  const m = mean(xs) as number;
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

/** "1.23 pp" or "0.012 bits/char": the units a gain reads in. */
export function formatGain(metric: SweepMetric, value: number): string {
  return metric === 'accuracy' ? `${(100 * value).toFixed(2)} pp` : `${value.toFixed(3)} bits/char`;
}

export function verdictFor(
  metric: SweepMetric,
  cell: { mean: number | null; std: number | null; n: number },
  dense: { mean: number | null; std: number | null; n: number } | undefined,
): Verdict {
  if (!dense || dense.mean === null) return { kind: 'no-baseline', text: 'no dense runs' };
  if (cell.mean === null || cell.std === null || dense.std === null) {
    return { kind: 'too-few-runs', text: 'needs 2+ runs on both sides' };
  }
  const gain = metric === 'accuracy' ? cell.mean - dense.mean : dense.mean - cell.mean;
  const noise = 2 * Math.max(cell.std, dense.std);
  const by = `by ${formatGain(metric, Math.abs(gain))}`;
  const twoStd = `2 std = ${formatGain(metric, noise)}`;
  if (gain > noise)
    return { kind: 'better', gain, noise, text: `better ${by}, more than 2 std (${twoStd})` };
  if (gain < -noise)
    return { kind: 'worse', gain, noise, text: `worse ${by}, more than 2 std (${twoStd})` };
  return {
    kind: 'within-noise',
    gain,
    noise,
    text: `within noise (${gain >= 0 ? '+' : '-'}${formatGain(metric, Math.abs(gain))}, ${twoStd})`,
  };
}

/**
 * One result per cell in `cells`' order (cells without runs yet have n = 0), each with its verdict
 * against the dense cell { 'dense', 0, null }.
 */
export function aggregateSweep(
  cells: readonly SweepCellKey[],
  runs: readonly SweepRunResult[],
  metric: SweepMetric,
): SweepCellResult[] {
  const byCell = new Map<string, SweepRunResult[]>();
  for (const r of runs) {
    const key = cellId(r.cell);
    byCell.set(key, [...(byCell.get(key) ?? []), r]);
  }
  const stats = cells.map((cell) => {
    const all = byCell.get(cellId(cell)) ?? [];
    const counted = all.filter((r) => Number.isFinite(r.metric));
    const values = counted.map((r) => r.metric);
    const avg = (pick: (r: SweepRunResult) => number) => mean(counted.map(pick));
    return {
      transform: cell.transform,
      sparsity: cell.sparsity,
      method: cell.method,
      seeds: counted.map((r) => r.seed),
      mean: mean(values),
      std: sampleStd(values),
      n: counted.length,
      failed: all.length - counted.length,
      trainingFlops: avg((r) => r.trainingFlops),
      executedFlops: avg((r) => r.executedFlops),
      wallSeconds: avg((r) => r.wallSeconds),
    };
  });
  const dense = stats.find((c) => c.transform === 'dense');
  return stats.map((c): SweepCellResult => ({
    ...c,
    verdict: c === dense ? { kind: 'baseline', text: 'baseline' } : verdictFor(metric, c, dense),
  }));
}

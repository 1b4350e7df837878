// Metrics export: CSV (long format, one row per run and step, ready for pandas or a
// spreadsheet) and JSON (config, summary and points per run).
import type { MetricPoint } from '../worker/protocol';
import type { Run } from './runs-slice';

const pointColumns: (keyof MetricPoint)[] = [
  'step',
  'trainingFlops',
  'executedFlops',
  'wallMs',
  'lr',
  'trainLoss',
  'trainAccuracy',
  'evalLoss',
  'evalAccuracy',
  'evalBitsPerChar',
  'samplesPerSecond',
];

const runColumns = ['run', 'model', 'transform', 'sparsity', 'method'] as const;

/** RFC 4180 quoting: fields with a comma, quote or line break are quoted, quotes doubled. */
function csvField(value: string | number | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function runsToCsv(runs: Run[]): string {
  const lines = [[...runColumns, ...pointColumns].join(',')];
  for (const run of runs) {
    const prefix = [
      run.name,
      run.config.model,
      run.config.transform,
      run.config.sparsity,
      run.config.method,
    ].map(csvField);
    for (const p of run.points)
      lines.push([...prefix, ...pointColumns.map((c) => csvField(p[c]))].join(','));
  }
  return lines.join('\n') + '\n';
}

export interface RunsJson {
  format: 'sift-playground-runs';
  version: 1;
  runs: {
    name: string;
    state: Run['state'];
    datasetLabel: string;
    config: Run['config'];
    final?: Run['final'];
    error?: Run['error'];
    points: MetricPoint[];
  }[];
}

export function runsToJson(runs: Run[]): string {
  const body: RunsJson = {
    format: 'sift-playground-runs',
    version: 1,
    runs: runs.map((r) => ({
      name: r.name,
      state: r.state,
      datasetLabel: r.datasetLabel,
      config: r.config,
      final: r.final,
      error: r.error,
      points: r.points,
    })),
  };
  return JSON.stringify(body, null, 2) + '\n';
}

/** A file name from a run name: letters, digits, dots and dashes only. */
export function fileStem(name: string): string {
  return (
    name
      .replace(/[^A-Za-z0-9.]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .toLowerCase() || 'run'
  );
}

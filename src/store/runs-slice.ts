// The runs slice: every run the page knows (queued, live, finished), its metric series and
// summary. Pure reducers over plain data so they are tested without a worker or React.
import type { RunConfig } from '../spec/run-config';
import type {
  FinalMetrics,
  FromWorker,
  LayerMaskStats,
  MetricPoint,
  RunState,
} from '../worker/protocol';

export interface RunError {
  code: string;
  message: string;
  /** The last step recorded before the error, when there was one. */
  step?: number;
}

export interface Run {
  id: string;
  name: string;
  config: RunConfig;
  /** What the data was: "built-in images", or the file name(s) the user dropped. */
  datasetLabel: string;
  state: RunState;
  createdAt: number;
  /** Wall-clock time when the worker reported 'running' first; for the ETA while live. */
  startedAt?: number;
  points: MetricPoint[];
  maskStats?: { step: number; layers: LayerMaskStats[] };
  final?: FinalMetrics;
  error?: RunError;
  /** Step of the last checkpoint the worker sent (the bytes live outside the store). */
  checkpointStep?: number;
  /** Set when the run started from an imported checkpoint. */
  importedFrom?: string;
}

export interface RunsSlice {
  byId: Record<string, Run>;
  /** Creation order; the queue runs the first 'queued' run in this order. */
  order: string[];
}

export const emptyRuns: RunsSlice = { byId: {}, order: [] };

/** States in which a run holds the GPU. */
export const activeStates: readonly RunState[] = ['starting', 'running', 'paused'];

export function isActive(run: Run): boolean {
  return activeStates.includes(run.state);
}

export function addRun(runs: RunsSlice, run: Run): RunsSlice {
  return { byId: { ...runs.byId, [run.id]: run }, order: [...runs.order, run.id] };
}

export function updateRun(runs: RunsSlice, id: string, change: (run: Run) => Run): RunsSlice {
  const run = runs.byId[id];
  if (!run) return runs;
  return { ...runs, byId: { ...runs.byId, [id]: change(run) } };
}

export function renameRun(runs: RunsSlice, id: string, name: string): RunsSlice {
  const trimmed = name.trim();
  if (trimmed === '') return runs;
  return updateRun(runs, id, (run) => ({ ...run, name: trimmed }));
}

export function deleteRun(runs: RunsSlice, id: string): RunsSlice {
  if (!runs.byId[id]) return runs;
  const byId = { ...runs.byId };
  delete byId[id];
  return { byId, order: runs.order.filter((x) => x !== id) };
}

/** The run that holds the GPU now, if any. */
export function activeRun(runs: RunsSlice): Run | undefined {
  return runs.order.map((id) => runs.byId[id]).find((run) => run && isActive(run));
}

/** The next queued run, if nothing is active. */
export function nextQueued(runs: RunsSlice): Run | undefined {
  if (activeRun(runs)) return undefined;
  return runs.order.map((id) => runs.byId[id]).find((run) => run?.state === 'queued');
}

/** Drop points recorded after `step` (resuming from a checkpoint replays them). */
export function truncatePoints(run: Run, step: number): Run {
  return { ...run, points: run.points.filter((p) => p.step <= step) };
}

/** A default name that says what the run is: "Sparse Wide · s 0.75 · RigL". */
export function defaultRunName(config: RunConfig, existing: string[]): string {
  const transform: Record<RunConfig['transform'], string> = {
    dense: 'Dense',
    'sparse-wide': 'Sparse Wide',
    'sparse-parallel': 'Sparse Parallel',
    'sparse-factorized': 'Sparse Factorized',
    'sparse-doped': 'Sparse Doped',
  };
  const method: Record<RunConfig['method'], string> = {
    static: 'static',
    set: 'SET',
    rigl: 'RigL',
  };
  const base =
    config.sparsity === 0
      ? `${transform[config.transform]} · ${config.model}`
      : `${transform[config.transform]} · s ${config.sparsity} · ${method[config.method]}`;
  if (!existing.includes(base)) return base;
  for (let n = 2; ; n++) if (!existing.includes(`${base} (${n})`)) return `${base} (${n})`;
}

/**
 * Apply one worker message to the runs. Messages for unknown runs are ignored (a run deleted
 * while its last messages were in flight).
 */
export function reduceWorkerMessage(runs: RunsSlice, msg: FromWorker, now: number): RunsSlice {
  switch (msg.type) {
    case 'state':
      return updateRun(runs, msg.runId, (run) => ({
        ...run,
        state: msg.state,
        startedAt: msg.state === 'running' && run.startedAt === undefined ? now : run.startedAt,
        error:
          (msg.state === 'failed' || msg.state === 'diverged') && msg.message
            ? (run.error ?? {
                code: msg.state === 'diverged' ? 'DIVERGED' : 'UNKNOWN',
                message: msg.message,
                step: lastStep(run),
              })
            : run.error,
      }));
    case 'metrics':
      return updateRun(runs, msg.runId, (run) => ({
        ...run,
        points: appendPoints(run.points, msg.points),
      }));
    case 'mask-stats':
      return updateRun(runs, msg.runId, (run) => ({
        ...run,
        maskStats: { step: msg.step, layers: msg.layers },
      }));
    case 'done':
      // The worker also reports final metrics for a stopped run; it stays 'stopped'.
      return updateRun(runs, msg.runId, (run) => ({
        ...run,
        state: run.state === 'stopped' ? 'stopped' : 'done',
        final: msg.final,
      }));
    case 'checkpoint':
      return updateRun(runs, msg.runId, (run) => ({ ...run, checkpointStep: msg.step }));
    case 'error': {
      // An error for a finished run (a failed export or heatmap request) does not fail it.
      const run = msg.runId === undefined ? undefined : runs.byId[msg.runId];
      if (!run || !(isActive(run) || run.state === 'queued')) return runs;
      return updateRun(runs, run.id, (r) => ({
        ...r,
        state: 'failed',
        error: { code: msg.code, message: msg.message, step: lastStep(r) },
      }));
    }
    case 'device-lost': {
      const target = msg.runId ? runs.byId[msg.runId] : activeRun(runs);
      if (!target || !isActive(target)) return runs;
      return updateRun(runs, target.id, (run) => ({
        ...run,
        state: 'interrupted',
        error: { code: 'GPU_DEVICE_LOST', message: msg.message, step: lastStep(run) },
      }));
    }
    default:
      return runs;
  }
}

/** Points arrive in step order; a replayed step (after a resume) replaces the old one. */
function appendPoints(points: MetricPoint[], incoming: MetricPoint[]): MetricPoint[] {
  if (incoming.length === 0) return points;
  const first = incoming[0].step;
  const kept =
    points.length > 0 && points[points.length - 1].step >= first
      ? points.filter((p) => p.step < first)
      : points;
  return kept.concat(incoming);
}

export function lastStep(run: Run): number | undefined {
  return run.points.length > 0 ? run.points[run.points.length - 1].step : undefined;
}

/**
 * Runs read back from IndexedDB: a run that was live when the page closed is interrupted now
 * (its worker is gone); its metrics stay.
 */
export function reviveRuns(runs: RunsSlice): RunsSlice {
  const byId: Record<string, Run> = {};
  for (const id of runs.order) {
    const run = runs.byId[id];
    if (!run) continue;
    byId[id] = isActive(run)
      ? {
          ...run,
          state: 'interrupted',
          error: run.error ?? {
            code: 'PAGE_CLOSED',
            message: 'The page closed while this run was training.',
            step: lastStep(run),
          },
        }
      : run;
  }
  return { byId, order: runs.order.filter((id) => byId[id]) };
}

/** Summary numbers for a run: the final metrics when done, else what the points say so far. */
export function finalOrLatest(run: Run): Partial<FinalMetrics> {
  if (run.final) return run.final;
  const last = run.points[run.points.length - 1];
  if (!last) return {};
  const lastWith = <K extends keyof MetricPoint>(key: K): MetricPoint[K] | undefined => {
    for (let i = run.points.length - 1; i >= 0; i--)
      if (run.points[i][key] !== undefined) return run.points[i][key];
    return undefined;
  };
  return {
    trainLoss: lastWith('trainLoss'),
    evalLoss: lastWith('evalLoss'),
    evalAccuracy: lastWith('evalAccuracy'),
    evalBitsPerChar: lastWith('evalBitsPerChar'),
    trainingFlops: last.trainingFlops,
    executedFlops: last.executedFlops,
    wallSeconds: last.wallMs / 1000,
  };
}

// The run queue and each run's lifecycle: start, pause, stop, delete, resume after a device loss.
import { transformNames, type RunConfig } from '../spec/run-config';
import { b, get, held, receive, send, set, setUi } from './action-context';
import { datasetLabel, datasetPayload, startProblem } from './dataset-actions';
import {
  addRun,
  defaultRunName,
  deleteRun as deleteRunReducer,
  isActive,
  nextQueued,
  renameRun as renameRunReducer,
  truncatePoints,
  updateRun,
  type Run,
} from './runs-slice';
import { selectRuns } from './selectors';
import { forgetWeights } from './weights-actions';

export function newRun(config: RunConfig, extra: Partial<Run> = {}): Run {
  const s = get();
  return {
    id: b().newId(),
    name: defaultRunName(
      config,
      selectRuns(s).map((r) => r.name),
    ),
    config,
    datasetLabel: datasetLabel(s, config),
    state: 'queued',
    createdAt: b().now(),
    points: [],
    ...extra,
  };
}

/** Queue a run with the current setup; it starts at once when nothing else is training. */
export function startRun(): void {
  if (startProblem(get())) return;
  const run = newRun(get().setup.config);
  set((s) => ({ runs: addRun(s.runs, run), ui: { ...s.ui, selectedRunId: undefined } }));
  pumpQueue();
}

/** Dense plus the four transforms at the current sparsity and settings, run one after another. */
export function queueAllTransforms(): void {
  if (startProblem(get())) return;
  for (const transform of transformNames) {
    // The dense model (s = 0) is the iso-FLOP baseline the four transforms are compared with.
    const sparsity = transform === 'dense' ? 0 : get().setup.config.sparsity;
    const run = newRun({ ...get().setup.config, transform, sparsity });
    set((s) => ({ runs: addRun(s.runs, run) }));
  }
  pumpQueue();
}

/** Queue a run with `config` under `name` (a sweep's runs come through here); returns its id. */
export function queueRun(config: RunConfig, name?: string): string {
  const run = newRun(config, name === undefined ? {} : { name });
  set((s) => ({ runs: addRun(s.runs, run) }));
  pumpQueue();
  return run.id;
}

/** Start the next queued run if the GPU is free. */
export function pumpQueue(): void {
  const next = nextQueued(get().runs);
  if (!next) return;
  set((s) => ({
    runs: updateRun(s.runs, next.id, (r) => ({ ...r, state: 'starting', error: undefined })),
    ui: { ...s.ui, loadedRunId: next.id, modelError: undefined },
  }));
  void (async () => {
    try {
      const { payload, transfer } = await datasetPayload(next.config);
      const checkpoint = held.startCheckpoints.get(next.id);
      held.startCheckpoints.delete(next.id);
      send(
        { type: 'start', runId: next.id, config: next.config, dataset: payload, checkpoint },
        checkpoint ? [...transfer, checkpoint] : transfer,
      );
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      receive({ type: 'error', runId: next.id, code: 'UNKNOWN', message });
      setUi(() => ({ datasetError: message }));
    }
  })();
}

export function pauseRun(id: string): void {
  send({ type: 'pause', runId: id });
}

export function resumeRun(id: string): void {
  send({ type: 'resume', runId: id });
}

/** Stop a live run, or take a queued one off the queue. */
export function stopRun(id: string): void {
  const run = get().runs.byId[id];
  if (!run) return;
  if (run.state === 'queued') {
    set((s) => ({ runs: updateRun(s.runs, id, (r) => ({ ...r, state: 'stopped' })) }));
    return;
  }
  if (isActive(run)) send({ type: 'stop', runId: id });
}

export function renameRun(id: string, name: string): void {
  set((s) => ({ runs: renameRunReducer(s.runs, id, name) }));
}

export function deleteRun(id: string): void {
  const run = get().runs.byId[id];
  if (run && isActive(run)) send({ type: 'stop', runId: id });
  held.checkpoints.delete(id);
  held.startCheckpoints.delete(id);
  void forgetWeights([id]);
  set((s) => {
    const heatmaps = { ...s.ui.heatmaps };
    delete heatmaps[id];
    return {
      runs: deleteRunReducer(s.runs, id),
      ui: {
        ...s.ui,
        heatmaps,
        selectedRunId: s.ui.selectedRunId === id ? undefined : s.ui.selectedRunId,
        hiddenRunIds: s.ui.hiddenRunIds.filter((x) => x !== id),
      },
    };
  });
  pumpQueue();
}
/** After a device loss: continue the run from its last checkpoint (or from the start without one). */
export function resumeFromCheckpoint(id: string): void {
  const run = get().runs.byId[id];
  if (!run) return;
  const checkpoint = held.checkpoints.get(id);
  if (checkpoint) held.startCheckpoints.set(id, checkpoint.bytes.slice(0));
  set((s) => ({
    runs: updateRun(s.runs, id, (r) => ({
      ...(checkpoint ? truncatePoints(r, checkpoint.step) : { ...r, points: [] }),
      state: 'queued',
      error: undefined,
      final: undefined,
    })),
    ui: { ...s.ui, banner: undefined },
  }));
  pumpQueue();
}

/** Whether resuming continues from a checkpoint or starts over. */
export function hasCheckpoint(id: string): boolean {
  return held.checkpoints.has(id);
}

// Module-level actions (ARCHITECTURE.md 2.10): components call these; worker messages arrive in
// handleWorkerMessage. One setState per message keeps React to one render per batch of metrics.
// Binary data (dataset files, checkpoints) stays here, outside the store and IndexedDB.
import { runConfigProblems, transformNames, type RunConfig } from '../spec/run-config';
import type { DatasetPayload, FromWorker, ToWorker } from '../worker/protocol';
import type { AppState, AppStore } from './app-store';
import { readConfigJson, readSafetensorsSummary } from './checkpoint-file';
import { checkDatasetFiles, type DroppedFile } from './dataset-files';
import { fileStem, runsToCsv, runsToJson } from './export';
import { modelPresets, presetFamily, presetInfo } from './planner';
import {
  addRun,
  defaultRunName,
  deleteRun as deleteRunReducer,
  isActive,
  nextQueued,
  reduceWorkerMessage,
  renameRun as renameRunReducer,
  truncatePoints,
  updateRun,
  type Run,
} from './runs-slice';
import { parseSetupValue, type SetupKey } from './setup-schema';
import { reconcileSetup, setupFromUrl, setupToUrl } from './setup-slice';
import { selectFocusRun, selectRuns } from './selectors';
import type { UiSlice } from './ui-slice';

export interface WorkerPort {
  send(msg: ToWorker, transfer?: Transferable[]): void;
  terminate(): void;
}

interface Bindings {
  store: AppStore;
  connect: (onMessage: (msg: FromWorker) => void) => WorkerPort;
  /** Saves a file for the user (a download in the browser). */
  save: (name: string, blob: Blob) => void;
  now: () => number;
  newId: () => string;
}

let bound: Bindings | undefined;
let worker: WorkerPort | undefined;
/** The dataset files the user dropped (read afresh for each run: the bytes are transferred). */
let datasetFiles: File[] = [];
/** Latest checkpoint bytes per run, for resuming after a device loss. */
const checkpoints = new Map<string, { step: number; bytes: ArrayBuffer }>();
/** Checkpoint bytes a queued run starts from (imports and resumes). */
const startCheckpoints = new Map<string, ArrayBuffer>();
let imported: { name: string; config: RunConfig; bytes: ArrayBuffer } | undefined;

/** Wire the actions to a store, a worker factory and a file saver; called once by main.tsx and by tests. */
export function bindActions(
  bindings: Partial<Bindings> & Pick<Bindings, 'store' | 'connect'>,
): void {
  bound = {
    save: downloadBlob,
    now: () => Date.now(),
    newId: () => crypto.randomUUID(),
    ...bindings,
  };
  worker = undefined;
  datasetFiles = [];
  checkpoints.clear();
  startCheckpoints.clear();
  imported = undefined;
}

function b(): Bindings {
  if (!bound) throw new Error('store actions used before bindActions()');
  return bound;
}
const get = (): AppState => b().store.getState();
const set = (change: (s: AppState) => Partial<AppState>): void => b().store.setState(change);
const setUi = (change: (ui: UiSlice) => Partial<UiSlice>): void =>
  set((s) => ({ ui: { ...s.ui, ...change(s.ui) } }));

function send(msg: ToWorker, transfer: Transferable[] = []): void {
  worker ??= b().connect(handleWorkerMessage);
  worker.send(msg, transfer);
}

// ---- GPU and worker ---------------------------------------------------------------------------

/** Start the worker and ask for a device; the reply ('ready') triggers the self-test. */
export function connectGpu(): void {
  if (get().ui.gpu.kind === 'missing') return;
  send({ type: 'init' });
}

const datasetCodes = [
  'CIFAR_BAD_LENGTH',
  'CIFAR_BAD_LABEL',
  'GZIP_CORRUPT',
  'TAR_CORRUPT',
  'DATASET_BAD_FORMAT',
  'TEXT_TOO_SHORT',
];
const checkpointCodes = [
  'SAFETENSORS_TOO_SHORT',
  'SAFETENSORS_HEADER_TOO_LARGE',
  'SAFETENSORS_BAD_HEADER',
  'SAFETENSORS_BAD_DTYPE',
  'SAFETENSORS_BAD_OFFSETS',
  'CHECKPOINT_MISMATCH',
];

export function handleWorkerMessage(msg: FromWorker): void {
  const now = b().now();
  switch (msg.type) {
    case 'ready':
      setUi(() => ({ gpu: { kind: 'ready', adapter: msg.adapterName } }));
      send({ type: 'selftest' });
      return;
    case 'selftest-result':
      setUi((ui) =>
        ui.gpu.kind === 'ready'
          ? { gpu: { ...ui.gpu, selftest: { ok: msg.ok, detail: msg.detail } } }
          : {},
      );
      return;
    case 'heatmap':
      setUi((ui) => {
        const before = ui.heatmaps[msg.runId]?.current;
        const previous =
          before && before.layer === msg.heatmap.layer && before.step !== msg.heatmap.step
            ? before
            : ui.heatmaps[msg.runId]?.previous;
        return {
          heatmaps: {
            ...ui.heatmaps,
            [msg.runId]: {
              current: msg.heatmap,
              previous: previous?.layer === msg.heatmap.layer ? previous : undefined,
            },
          },
        };
      });
      return;
    case 'exported':
      saveExport(msg.runId, msg.safetensors, msg.configJson);
      return;
    case 'checkpoint':
      checkpoints.set(msg.runId, { step: msg.step, bytes: msg.safetensors });
      break;
    case 'mask-stats':
      set((s) => ({ runs: reduceWorkerMessage(s.runs, msg, now) }));
      requestHeatmapFor(msg.runId, msg.layers[0]?.name);
      return;
    case 'error':
      routeError(msg);
      break;
    case 'device-lost': {
      const runId =
        msg.runId ??
        get().runs.order.find((id) => {
          const run = get().runs.byId[id];
          return run !== undefined && isActive(run);
        });
      setUi(() => ({
        banner: { kind: 'device-lost', message: msg.message, runId },
        gpu: { kind: 'checking' },
      }));
      set((s) => ({ runs: reduceWorkerMessage(s.runs, msg, now) }));
      // The worker re-acquires a device on the next init; resuming is the user's choice.
      send({ type: 'init' });
      return;
    }
  }
  const runId = 'runId' in msg ? msg.runId : undefined;
  const before = runId ? get().runs.byId[runId] : undefined;
  set((s) => ({ runs: reduceWorkerMessage(s.runs, msg, now) }));
  const after = runId ? get().runs.byId[runId] : undefined;
  // The GPU is free again: the next queued run starts (not after a device loss; see the banner).
  if (before && after && isActive(before) && ['done', 'stopped', 'failed'].includes(after.state))
    pumpQueue();
}

/** Put an error next to the control that caused it. */
function routeError(msg: Extract<FromWorker, { type: 'error' }>): void {
  const run = msg.runId ? get().runs.byId[msg.runId] : undefined;
  if (datasetCodes.includes(msg.code)) setUi(() => ({ datasetError: msg.message }));
  else if (checkpointCodes.includes(msg.code) && run?.importedFrom)
    setUi(() => ({ importError: msg.message }));
  else if (msg.code === 'GPU_OUT_OF_MEMORY')
    setUi(() => ({ modelError: `${msg.message} Try a smaller batch, model or width.` }));
  if (run && !(isActive(run) || run.state === 'queued')) {
    setUi((ui) => ({ runNotices: { ...ui.runNotices, [run.id]: msg.message } }));
  } else if (!run) {
    if (get().ui.gpu.kind === 'checking')
      setUi(() => ({ gpu: { kind: 'error', message: msg.message } }));
    else setUi(() => ({ banner: { kind: 'error', message: msg.message } }));
  }
}

// ---- setup ------------------------------------------------------------------------------------

/** Apply a form field's text: valid text updates the setup, invalid text is shown beside the field. */
export function setSetupField(key: SetupKey, raw: string): void {
  const parsed = parseSetupValue(key, raw);
  if (!parsed.ok) {
    set((s) => ({
      setup: { ...s.setup, fieldErrors: { ...s.setup.fieldErrors, [key]: parsed.problem } },
    }));
    return;
  }
  setSetup({ [key]: parsed.value });
}

/** Set typed values (selects, slider); clears their field errors. */
export function setSetup(change: Partial<RunConfig>): void {
  set((s) => {
    const fieldErrors = { ...s.setup.fieldErrors };
    for (const key of Object.keys(change) as SetupKey[]) delete fieldErrors[key];
    let config = { ...s.setup.config, ...change };
    // A new model family brings its built-in dataset; a dropped file of the other family stays loaded.
    if (change.model && presetFamily(change.model) !== presetFamily(s.setup.config.model)) {
      const file = s.ui.datasetFile;
      config = {
        ...config,
        dataset:
          file && (file.kind === 'text') === (presetFamily(change.model) === 'text')
            ? file.dataset
            : config.dataset,
      };
    }
    config = reconcileSetup(config).config;
    return {
      setup: { ...s.setup, config, fieldErrors },
      ui: { ...s.ui, modelError: change.model || change.batchSize ? undefined : s.ui.modelError },
    };
  });
}

export function dismissUrlNotes(): void {
  set((s) => ({ setup: { ...s.setup, urlNotes: [] } }));
}

/** Keep the URL hash equal to the setup, and follow a pasted link in the same tab. */
export function syncSetupWithUrl(win: Window): () => void {
  let written = '';
  const write = (config: RunConfig) => {
    const hash = setupToUrl(config);
    if (hash === written) return;
    written = hash;
    win.history.replaceState(null, '', `#${hash}`);
  };
  write(get().setup.config);
  const unsubscribe = b().store.subscribe((s, prev) => {
    if (s.setup.config !== prev.setup.config) write(s.setup.config);
  });
  const onHashChange = () => {
    if (win.location.hash.slice(1) === written) return;
    const fromUrl = setupFromUrl(win.location.hash);
    set((s) => ({
      setup: {
        ...s.setup,
        config: fromUrl.config,
        urlNotes: fromUrl.notes,
        urlKeys: fromUrl.keys,
        fieldErrors: {},
      },
    }));
  };
  win.addEventListener('hashchange', onHashChange);
  return () => {
    unsubscribe();
    win.removeEventListener('hashchange', onHashChange);
  };
}

// ---- dataset files ----------------------------------------------------------------------------

const headBytes = 64 * 1024;

export async function dropDatasetFiles(files: File[]): Promise<void> {
  const dropped: DroppedFile[] = await Promise.all(
    files.map(async (f) => ({
      name: f.name,
      size: f.size,
      head: new Uint8Array(await f.slice(0, headBytes).arrayBuffer()),
    })),
  );
  const check = checkDatasetFiles(dropped);
  if (!check.ok) {
    setUi(() => ({ datasetError: check.problem }));
    return;
  }
  datasetFiles = files;
  const info = check.info;
  setUi(() => ({ datasetFile: info, datasetError: undefined }));
  const family = info.kind === 'text' ? 'text' : 'image';
  const model =
    presetFamily(get().setup.config.model) === family
      ? get().setup.config.model
      : modelPresets().find((p) => p.family === family)?.name;
  setSetup({ dataset: info.dataset, ...(model ? { model } : {}) });
}

export function clearDatasetFile(): void {
  datasetFiles = [];
  setUi(() => ({ datasetFile: undefined, datasetError: undefined }));
  const family = presetFamily(get().setup.config.model);
  setSetup({ dataset: family === 'text' ? 'builtin-text' : 'builtin-images' });
}

/** Why a run with this config cannot start now, if it cannot. */
export function startProblem(s: AppState, config: RunConfig = s.setup.config): string | undefined {
  if (s.ui.gpu.kind === 'missing') return 'This browser has no WebGPU.';
  const fieldError = Object.values(s.setup.fieldErrors)[0];
  if (fieldError) return `Fix the settings first: ${fieldError}.`;
  if (presetInfo(config.model)?.shapeOnly)
    return `${config.model} is for FLOP counts only; pick a smaller model to train.`;
  const problems = runConfigProblems(config);
  if (problems.length > 0) return problems.join('; ');
  if (
    config.dataset !== 'builtin-images' &&
    config.dataset !== 'builtin-text' &&
    s.ui.datasetFile?.dataset !== config.dataset
  ) {
    return 'Drop the dataset file on the dataset picker first (files are not kept across reloads).';
  }
  return undefined;
}

async function datasetPayload(
  config: RunConfig,
): Promise<{ payload: DatasetPayload; transfer: ArrayBuffer[] }> {
  if (config.dataset === 'builtin-images' || config.dataset === 'builtin-text')
    return { payload: { kind: 'builtin' }, transfer: [] };
  if (datasetFiles.length === 0)
    throw new Error('The dataset file is no longer loaded; drop it again.');
  const buffers = await Promise.all(datasetFiles.map((f) => f.arrayBuffer()));
  if (config.dataset === 'text-file') {
    return {
      payload: { kind: 'text', name: datasetFiles[0].name, bytes: buffers[0] },
      transfer: buffers,
    };
  }
  return {
    payload: {
      kind: 'cifar',
      files: datasetFiles.map((f, i) => ({ name: f.name, bytes: buffers[i] })),
    },
    transfer: buffers,
  };
}

function datasetLabel(s: AppState, config: RunConfig): string {
  if (config.dataset === 'builtin-images') return 'built-in images';
  if (config.dataset === 'builtin-text') return 'built-in text';
  return s.ui.datasetFile?.label ?? config.dataset;
}

// ---- runs -------------------------------------------------------------------------------------

function newRun(config: RunConfig, extra: Partial<Run> = {}): Run {
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

/** Queue a run with `config` under `name` (a sweep's runs come through here); returns its id. */
export function queueRun(config: RunConfig, name?: string): string {
  const run = newRun(config, name === undefined ? {} : { name });
  set((s) => ({ runs: addRun(s.runs, run) }));
  pumpQueue();
  return run.id;
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
      const checkpoint = startCheckpoints.get(next.id);
      startCheckpoints.delete(next.id);
      send(
        { type: 'start', runId: next.id, config: next.config, dataset: payload, checkpoint },
        checkpoint ? [...transfer, checkpoint] : transfer,
      );
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      handleWorkerMessage({ type: 'error', runId: next.id, code: 'UNKNOWN', message });
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
  checkpoints.delete(id);
  startCheckpoints.delete(id);
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

export function selectRun(id: string | undefined): void {
  setUi(() => ({ selectedRunId: id }));
  const run = id ? get().runs.byId[id] : undefined;
  if (run) requestHeatmapFor(run.id, run.maskStats?.layers[0]?.name);
}

export function toggleRunHidden(id: string): void {
  setUi((ui) => ({
    hiddenRunIds: ui.hiddenRunIds.includes(id)
      ? ui.hiddenRunIds.filter((x) => x !== id)
      : [...ui.hiddenRunIds, id],
  }));
}

export function setLogFlopsAxis(on: boolean): void {
  setUi(() => ({ logFlopsAxis: on }));
}

export function setMetricXAxis(axis: UiSlice['metricXAxis']): void {
  setUi(() => ({ metricXAxis: axis }));
}

export function setHeatmapLayer(layer: string): void {
  setUi(() => ({ heatmapLayer: layer }));
  const run = selectFocusRun(get());
  if (run) requestHeatmapFor(run.id, layer);
}

/** Ask for a fresh heatmap of the chosen layer when the focus run's masks changed. */
function requestHeatmapFor(runId: string, fallbackLayer: string | undefined): void {
  const s = get();
  if (selectFocusRun(s)?.id !== runId || s.ui.loadedRunId !== runId) return;
  const layers = s.runs.byId[runId]?.maskStats?.layers ?? [];
  const layer =
    s.ui.heatmapLayer && layers.some((l) => l.name === s.ui.heatmapLayer)
      ? s.ui.heatmapLayer
      : fallbackLayer;
  if (layer) send({ type: 'heatmap', runId, layer });
}

export function dismissBanner(): void {
  setUi(() => ({ banner: undefined }));
}

export function dismissRunNotice(id: string): void {
  setUi((ui) => {
    const runNotices = { ...ui.runNotices };
    delete runNotices[id];
    return { runNotices };
  });
}

/** After a device loss: continue the run from its last checkpoint (or from the start without one). */
export function resumeFromCheckpoint(id: string): void {
  const run = get().runs.byId[id];
  if (!run) return;
  const checkpoint = checkpoints.get(id);
  if (checkpoint) startCheckpoints.set(id, checkpoint.bytes.slice(0));
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
  return checkpoints.has(id);
}

// ---- export and import ------------------------------------------------------------------------

export function exportMetrics(ids: string[], format: 'csv' | 'json'): void {
  const runs = selectRuns(get()).filter((r) => ids.includes(r.id));
  if (runs.length === 0) return;
  const stem = runs.length === 1 ? fileStem(runs[0].name) : 'sift-runs';
  if (format === 'csv') b().save(`${stem}.csv`, new Blob([runsToCsv(runs)], { type: 'text/csv' }));
  else b().save(`${stem}.json`, new Blob([runsToJson(runs)], { type: 'application/json' }));
}

/** Ask the worker for the run's weights and masks; saveExport downloads them when they arrive. */
export function exportWeights(id: string): void {
  dismissRunNotice(id);
  send({ type: 'export', runId: id, withOptimizer: false });
}

function saveExport(runId: string, safetensors: ArrayBuffer, configJson: string): void {
  const stem = fileStem(get().runs.byId[runId]?.name ?? runId);
  b().save(`${stem}.safetensors`, new Blob([safetensors], { type: 'application/octet-stream' }));
  b().save(`${stem}.config.json`, new Blob([configJson], { type: 'application/json' }));
}

/** Read a .safetensors file and its config.json; on success the setup shows the imported config. */
export async function importCheckpoint(files: File[]): Promise<void> {
  const weights = files.find((f) => f.name.toLowerCase().endsWith('.safetensors'));
  const config = files.find((f) => f.name.toLowerCase().endsWith('.json'));
  if (!weights || !config) {
    setUi(() => ({
      importError:
        'Choose both files: the .safetensors weights and the config.json exported with them.',
    }));
    return;
  }
  const bytes = await weights.arrayBuffer();
  const summary = readSafetensorsSummary(bytes, weights.name);
  const parsed = readConfigJson(await config.text(), config.name);
  const problem = !summary.ok ? summary.problem : !parsed.ok ? parsed.problem : undefined;
  if (problem || !summary.ok || !parsed.ok) {
    imported = undefined;
    setUi(() => ({ importError: problem, importedCheckpoint: undefined }));
    return;
  }
  imported = { name: weights.name, config: parsed.value.run, bytes };
  setUi(() => ({
    importError: undefined,
    importedCheckpoint: {
      name: weights.name,
      step: parsed.value.step,
      tensors: summary.value.tensors,
      bytes: bytes.byteLength,
    },
  }));
  setSetup(parsed.value.run);
}

/**
 * Start from the imported checkpoint. 'evaluate' keeps the imported config (the worker, finding
 * the checkpoint already at config.steps, only evaluates); 'continue' uses the current setup, so
 * raising Steps trains further.
 */
export function runImported(mode: 'evaluate' | 'continue'): void {
  if (!imported) return;
  const config = mode === 'evaluate' ? imported.config : get().setup.config;
  if (startProblem(get(), config)) return;
  const run = newRun(config, { importedFrom: imported.name });
  run.name = `${mode === 'evaluate' ? 'Eval' : 'Continued'} · ${imported.name}`;
  startCheckpoints.set(run.id, imported.bytes.slice(0));
  set((s) => ({ runs: addRun(s.runs, run) }));
  pumpQueue();
}

export function clearImport(): void {
  imported = undefined;
  setUi(() => ({ importedCheckpoint: undefined, importError: undefined }));
}

export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

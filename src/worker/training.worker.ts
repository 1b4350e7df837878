// The training worker: a thin adapter from protocol messages to the engine (docs/architecture.md,
// State flow). One run at a time; the page queues runs. The last run stays loaded for export and
// heatmaps.
import { tuneAdapter } from '../bench/adapter-tuning';
import { isSoftwareAdapter } from '../common/adapter';
import { isSiftError } from '../common/errors';
import { fetchDataFiles } from '../data/builtin';
import { WebGpuBackend } from '../gpu/backend';
import { acquireDevice } from '../gpu/device';
import { IdbAdapterStore } from '../gpu/adapter-cache-idb';
import { GpuRuntime } from '../gpu/runtime';
import { webGpuRunParts } from '../gpu/run-parts';
import { defaultRunLimits } from '../flops/limits';
import {
  checkpointConfigOf,
  exportRun,
  exportSnapshot,
  importInto,
  snapshotRun,
} from '../io/checkpoint';
import { checkConfigAgrees } from '../io/checkpoint-validate';
import type { KernelProfile } from '../sparse/kernel-choice';
import { maskHeatmap } from '../train/heatmap';
import { finalMetrics } from '../train/final-metrics';
import type { MetricPoint } from '../train/metrics';
import { loadData, prepareRun, type PreparedRun } from '../train/setup';
import type { DatasetPayload, FromWorker, ToWorker } from './protocol';
import { gpuSelftest } from './selftest';

const post = (msg: FromWorker, transfer: Transferable[] = []): void =>
  (self as unknown as { postMessage(m: FromWorker, t: Transferable[]): void }).postMessage(
    msg,
    transfer,
  );

/** At most this many metric messages a second, each carrying every point since the last. */
const METRICS_INTERVAL_MS = 100;

let backend: WebGpuBackend | null = null;
let current: { id: string; run: PreparedRun } | null = null;
/** The sparse kernel-choice profile of this adapter (measured once per adapter, then cached). */
let kernelProfile: KernelProfile | undefined;

async function ensureBackend(): Promise<WebGpuBackend> {
  if (backend && !backend.rt.isLost) return backend;
  const { device, adapterName, features } = await acquireDevice(navigator.gpu);
  const rt = new GpuRuntime(device, adapterName);
  void device.lost.then((info) => {
    if (info.reason === 'destroyed') return;
    current?.run.session.stop();
    post({ type: 'device-lost', runId: current?.id, message: info.message || String(info.reason) });
  });
  // Matmul variants and the sparse profile for this adapter: timed at first use, then from IndexedDB.
  kernelProfile = (await tuneAdapter(rt, new IdbAdapterStore())).kernelProfile;
  backend = new WebGpuBackend(rt);
  post({ type: 'ready', adapterName, features, software: isSoftwareAdapter(adapterName) });
  return backend;
}

/** Built-in data lives in the app's data/ folder: beside assets/ in a build, at the root in dev. */
function dataBaseUrl(): URL {
  const here = new URL(self.location.href);
  return here.pathname.includes('/assets/')
    ? new URL('../data/', here)
    : new URL('/data/', here.origin);
}

function userFiles(dataset: DatasetPayload): { name: string; bytes: ArrayBuffer }[] | undefined {
  if (dataset.kind === 'cifar') return dataset.files;
  if (dataset.kind === 'text') return [{ name: dataset.name, bytes: dataset.bytes }];
  return undefined;
}

async function start(msg: Extract<ToWorker, { type: 'start' }>): Promise<void> {
  const { runId, config } = msg;
  post({ type: 'state', runId, state: 'starting' });
  // A checkpoint that does not parse or belongs to other settings is refused before the loaded
  // run is touched; the per-tensor checks follow on the new run before any value is written.
  if (msg.checkpoint) checkConfigAgrees(checkpointConfigOf(msg.checkpoint), config, config.steps);
  const gpu = await ensureBackend();
  current?.run.session.stop();
  current?.run.dispose();
  current = null;
  const data = await loadData(config, {
    read: fetchDataFiles(dataBaseUrl()),
    userFiles: userFiles(msg.dataset),
  });
  let pending: MetricPoint[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flushMetrics = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending.length > 0) post({ type: 'metrics', runId, points: pending });
    pending = [];
  };
  const limits = gpu.rt.device.limits;
  const run = prepareRun({
    ...webGpuRunParts(gpu),
    kernelProfile,
    config,
    data,
    limits: {
      ...defaultRunLimits,
      maxBufferBytes: limits.maxBufferSize,
      maxBindingBytes: limits.maxStorageBufferBindingSize,
    },
    events: {
      onMetrics: (points) => {
        pending.push(...points);
        timer ??= setTimeout(flushMetrics, METRICS_INTERVAL_MS);
      },
      onMaskStats: (step, layers) => {
        flushMetrics();
        post({ type: 'mask-stats', runId, step, layers });
        checkpoint(runId, run);
      },
      onState: (state) => {
        if (state === 'running' || state === 'paused') post({ type: 'state', runId, state });
      },
    },
  });
  current = { id: runId, run };
  if (msg.checkpoint) {
    let restored;
    try {
      restored = importInto(run, msg.checkpoint);
    } catch (e) {
      current = null;
      run.dispose();
      throw e;
    }
    run.session.step = restored.step;
    run.session.trainingFlops = restored.flops.trainingFlops;
    run.session.executedFlops = restored.flops.executedFlops;
    run.data.seek?.(restored.step);
  }
  // The density chart has something to show from step 0, not only after the first evaluation.
  if (run.sparsity)
    post({ type: 'mask-stats', runId, step: run.session.step, layers: run.sparsity.stats() });
  try {
    await run.session.run();
  } catch (e) {
    flushMetrics();
    if (isSiftError(e) && (e.code === 'DIVERGED' || e.code === 'NAN_LOSS')) {
      post({ type: 'state', runId, state: 'diverged', message: e.message });
      return;
    }
    throw e;
  } finally {
    flushMetrics();
  }
  const final = await finalMetrics(run);
  // Every finished run keeps its weights (the page stores them), so any run can be exported or
  // continued later, not only the one this worker still holds. Posted before 'done', so the page
  // has them when the run shows as finished.
  try {
    await exportCurrent(runId, true, true);
  } catch {
    // Not keeping the weights must not fail a finished run; its row says the weights are not kept.
  }
  post({ type: 'state', runId, state: run.session.isStopped ? 'stopped' : 'done' });
  post({ type: 'done', runId, final });
}

/**
 * A resumable snapshot after each evaluation, for recovery after a lost device. Called between
 * steps: the device copies hold this step's state while training goes on during the readback
 * (src/io/snapshot.ts). A failure is reported, never thrown: training continues, the page keeps
 * the previous checkpoint and the next evaluation tries again.
 */
function checkpoint(runId: string, run: PreparedRun): void {
  const step = run.session.step;
  const failed = (e: unknown) =>
    post({
      type: 'checkpoint-failed',
      runId,
      step,
      message: e instanceof Error ? e.message : String(e),
    });
  let snapshot;
  try {
    snapshot = snapshotRun(run, true);
  } catch (e) {
    failed(e);
    return;
  }
  exportSnapshot(run.backend, snapshot).then(({ safetensors: file }) => {
    const bytes = file.buffer.slice(
      file.byteOffset,
      file.byteOffset + file.byteLength,
    ) as ArrayBuffer;
    post({ type: 'checkpoint', runId, step, safetensors: bytes }, [bytes]);
  }, failed);
}

async function exportCurrent(runId: string, withOptimizer: boolean, keep = false): Promise<void> {
  if (!current || current.id !== runId) {
    post({
      type: 'error',
      runId,
      code: 'CHECKPOINT_MISMATCH',
      message:
        'This run is no longer loaded in the GPU worker; only the most recent run can be exported.',
    });
    return;
  }
  const { safetensors, config } = await exportRun(current.run, withOptimizer);
  const bytes = safetensors.buffer.slice(
    safetensors.byteOffset,
    safetensors.byteOffset + safetensors.byteLength,
  ) as ArrayBuffer;
  post(
    {
      type: 'exported',
      runId,
      safetensors: bytes,
      configJson: JSON.stringify(config, null, 2),
      ...(keep ? { keep } : {}),
    },
    [bytes],
  );
}

async function heatmap(runId: string, layer: string): Promise<void> {
  if (!current || current.id !== runId || !backend) return;
  const entry = current.run.sparsity?.entries.find((e) => e.weight.name === layer);
  if (!entry) return;
  const values = await backend.read(entry.mask.storage);
  post({
    type: 'heatmap',
    runId,
    heatmap: maskHeatmap(values, entry.mask.rows, entry.mask.cols, layer, current.run.session.step),
  });
}

function reportError(e: unknown, runId?: string): void {
  if (isSiftError(e)) post({ type: 'error', runId, code: e.code, message: e.message });
  else
    post({
      type: 'error',
      runId,
      code: 'UNKNOWN',
      message: e instanceof Error ? e.message : String(e),
    });
  if (runId)
    post({
      type: 'state',
      runId,
      state: 'failed',
      message: e instanceof Error ? e.message : String(e),
    });
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const msg = event.data;
  void (async () => {
    try {
      switch (msg.type) {
        case 'init':
          await ensureBackend();
          break;
        case 'selftest':
          post({ type: 'selftest-result', ...(await gpuSelftest(await ensureBackend())) });
          break;
        case 'start':
          await start(msg);
          break;
        case 'pause':
          if (current?.id === msg.runId) current.run.session.pause();
          break;
        case 'resume':
          if (current?.id === msg.runId) current.run.session.resume();
          break;
        case 'stop':
          if (current?.id === msg.runId) current.run.session.stop();
          break;
        case 'export':
          await exportCurrent(msg.runId, msg.withOptimizer);
          break;
        case 'heatmap':
          await heatmap(msg.runId, msg.layer);
          break;
        default: {
          const unknown: never = msg;
          post({
            type: 'error',
            code: 'UNKNOWN',
            message: `unknown message ${JSON.stringify(unknown)}`,
          });
        }
      }
    } catch (e) {
      reportError(e, 'runId' in msg ? msg.runId : undefined);
    }
  })();
};

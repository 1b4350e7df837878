// The worker's side of the conversation: connecting, and every message it sends back. One
// setState per message keeps React to one render per batch of metrics.
import type { FromWorker } from '../worker/protocol';
import { b, get, held, send, set, setUi } from './action-context';
import { pumpQueue } from './run-actions';
import { isActive, reduceWorkerMessage } from './runs-slice';
import { adaptToSoftwareAdapter } from './software-adapter';
import { saveExport } from './transfer-actions';
import { requestHeatmapFor } from './view-actions';
import { keepWeights } from './weights-actions';

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
  'SAFETENSORS_DUPLICATE_NAME',
  'CHECKPOINT_MISMATCH',
  'CHECKPOINT_INVALID',
];

/** A failed recovery checkpoint leaves the previous one in place; the notice says which. */
function checkpointFailedNotice(msg: Extract<FromWorker, { type: 'checkpoint-failed' }>): string {
  const kept = held.checkpoints.get(msg.runId);
  return (
    `The recovery checkpoint at step ${msg.step} failed (${msg.message}); ` +
    (kept ? `the one from step ${kept.step} is kept.` : 'there is no earlier one.')
  );
}

export function handleWorkerMessage(msg: FromWorker): void {
  const now = b().now();
  switch (msg.type) {
    case 'ready':
      setUi(() => ({ gpu: { kind: 'ready', adapter: msg.adapterName, software: msg.software } }));
      if (msg.software) adaptToSoftwareAdapter();
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
      if (msg.keep) void keepWeights(msg.runId, msg.safetensors, msg.configJson);
      else saveExport(msg.runId, msg.safetensors, msg.configJson);
      return;
    case 'checkpoint':
      held.checkpoints.set(msg.runId, { step: msg.step, bytes: msg.safetensors });
      break;
    case 'checkpoint-failed':
      setUi((ui) => ({
        runNotices: { ...ui.runNotices, [msg.runId]: checkpointFailedNotice(msg) },
      }));
      return;
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
  if (
    before &&
    after &&
    isActive(before) &&
    ['done', 'stopped', 'failed', 'diverged'].includes(after.state)
  )
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

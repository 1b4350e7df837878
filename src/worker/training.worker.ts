// The training worker: a thin adapter from protocol messages to the engine (ARCHITECTURE.md 2.5).
import { isSiftError } from '../common/errors';
import { acquireDevice } from '../gpu/device';
import { WebGpuBackend } from '../gpu/backend';
import { GpuRuntime } from '../gpu/runtime';
import type { FromWorker, ToWorker } from './protocol';
import { gpuSelftest } from './selftest';

const post = (msg: FromWorker, transfer: Transferable[] = []): void =>
  (self as unknown as { postMessage(m: FromWorker, t: Transferable[]): void }).postMessage(msg, transfer);

let backend: WebGpuBackend | null = null;

async function ensureBackend(): Promise<WebGpuBackend> {
  if (backend && !backend.rt.isLost) return backend;
  const { device, adapterName, features } = await acquireDevice(navigator.gpu);
  const rt = new GpuRuntime(device, adapterName);
  void device.lost.then((info) => {
    if (info.reason !== 'destroyed') post({ type: 'device-lost', message: info.message || String(info.reason) });
  });
  backend = new WebGpuBackend(rt);
  post({ type: 'ready', adapterName, features });
  return backend;
}

function reportError(e: unknown, runId?: string): void {
  if (isSiftError(e)) post({ type: 'error', runId, code: e.code, message: e.message });
  else post({ type: 'error', runId, code: 'UNKNOWN', message: e instanceof Error ? e.message : String(e) });
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const msg = event.data;
  void (async () => {
    try {
      switch (msg.type) {
        case 'init':
          await ensureBackend();
          break;
        case 'selftest': {
          const r = await gpuSelftest(await ensureBackend());
          post({ type: 'selftest-result', ...r });
          break;
        }
        default:
          post({ type: 'error', code: 'UNKNOWN', message: `message '${msg.type}' is not handled yet` });
      }
    } catch (e) {
      reportError(e, 'runId' in msg ? msg.runId : undefined);
    }
  })();
};

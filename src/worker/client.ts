// The page's side of the worker: owns the Worker, sends typed commands, hands every message to
// one listener. The store (src/store/actions.ts) is the listener.
import type { FromWorker, ToWorker } from './protocol';

export interface WorkerClient {
  send(msg: ToWorker, transfer?: Transferable[]): void;
  terminate(): void;
}

export function createWorkerClient(onMessage: (msg: FromWorker) => void): WorkerClient {
  const worker = new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (event: MessageEvent<FromWorker>) => onMessage(event.data);
  worker.onerror = (event) =>
    onMessage({
      type: 'error',
      code: 'UNKNOWN',
      message: `training worker crashed: ${event.message}`,
    });
  return {
    send: (msg, transfer = []) => worker.postMessage(msg, transfer),
    terminate: () => worker.terminate(),
  };
}

/** Whether this browser exposes WebGPU at all (the worker may still fail to get an adapter). */
export function hasWebGpu(): boolean {
  return typeof navigator !== 'undefined' && 'gpu' in navigator && !!navigator.gpu;
}

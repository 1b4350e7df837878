import { useEffect, useState } from 'react';
import { createWorkerClient, hasWebGpu } from '../worker/client';
import type { FromWorker } from '../worker/protocol';

type GpuState =
  | { kind: 'checking' }
  | { kind: 'missing' }
  | { kind: 'ready'; adapter: string; selftest?: string; ok?: boolean }
  | { kind: 'error'; message: string };

export function App() {
  const [gpu, setGpu] = useState<GpuState>(hasWebGpu() ? { kind: 'checking' } : { kind: 'missing' });
  useEffect(() => {
    if (!hasWebGpu()) return;
    const client = createWorkerClient((msg: FromWorker) => {
      if (msg.type === 'ready') {
        setGpu({ kind: 'ready', adapter: msg.adapterName });
        client.send({ type: 'selftest' });
      } else if (msg.type === 'selftest-result') {
        setGpu((g) => (g.kind === 'ready' ? { ...g, selftest: msg.detail, ok: msg.ok } : g));
      } else if (msg.type === 'error') {
        setGpu({ kind: 'error', message: msg.message });
      }
    });
    client.send({ type: 'init' });
    return () => client.terminate();
  }, []);
  return (
    <main>
      <h1>SIFT Playground</h1>
      {gpu.kind === 'missing' && (
        <p role="alert" data-testid="no-webgpu">
          This browser has no WebGPU. Use Chrome or Edge 113 or newer (on Linux start Chrome with
          --enable-unsafe-webgpu --enable-features=Vulkan), Safari 26, or Firefox 141 or newer.
        </p>
      )}
      {gpu.kind === 'checking' && <p>Looking for a GPU…</p>}
      {gpu.kind === 'error' && <p role="alert">{gpu.message}</p>}
      {gpu.kind === 'ready' && (
        <p data-testid="gpu-status" data-selftest={gpu.ok === undefined ? 'pending' : gpu.ok ? 'ok' : 'failed'}>
          GPU: {gpu.adapter}. {gpu.selftest ?? 'Running a self-test…'}
        </p>
      )}
    </main>
  );
}

// The TensorFlow.js peer in Node: tfjs-backend-webgpu looks for navigator.gpu, so hand it the
// same Dawn GPU object our runtime uses (one adapter, one process; ../shared/gpu/README.md).
import { sharedNodeGpu } from '../gpu/node-gpu';
import { loadTfjsPeer, type TfjsPeer } from './tfjs-peer';

export async function loadNodeTfjsPeer(): Promise<TfjsPeer> {
  const gpu = await sharedNodeGpu();
  const g = globalThis as { navigator?: { gpu?: GPU } };
  if (g.navigator) g.navigator.gpu ??= gpu;
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  return loadTfjsPeer();
}

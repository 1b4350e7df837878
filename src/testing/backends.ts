// Backends for tests: the float64 CPU reference and one shared GPU runtime per test process.
import { WebGpuBackend } from '../gpu/backend';
import { createNodeRuntime } from '../gpu/node-gpu';
import type { GpuRuntime } from '../gpu/runtime';
import { CpuBackend } from '../reference/backend';

export const cpuBackend = new CpuBackend();

let shared: Promise<{ rt: GpuRuntime; gpu: WebGpuBackend }> | null = null;

export function gpuBackend(): Promise<{ rt: GpuRuntime; gpu: WebGpuBackend }> {
  shared ??= createNodeRuntime().then((rt) => ({ rt, gpu: new WebGpuBackend(rt) }));
  return shared;
}

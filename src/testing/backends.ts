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

let narrow: Promise<{ rt: GpuRuntime; gpu: WebGpuBackend }> | null = null;

/**
 * A second runtime whose flat grids wrap into y after 3 workgroups: every flat-grid kernel takes
 * its y > 0 path on small shapes (on the default runtime that needs over 65535 workgroups, a
 * minute per dispatch on SwiftShader).
 */
export function narrowGridBackend(): Promise<{ rt: GpuRuntime; gpu: WebGpuBackend }> {
  narrow ??= createNodeRuntime({ maxGroupsPerDim: 3 }).then((rt) => ({
    rt,
    gpu: new WebGpuBackend(rt),
  }));
  return narrow;
}

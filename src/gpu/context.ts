// What a kernel family needs from the backend: the runtime and a way to get output memory.
import type { GpuRuntime } from './runtime';
import { GpuStorage } from './storage';

export interface GpuContext {
  rt: GpuRuntime;
  /** A pooled, uninitialised buffer for `size` float32 values. */
  alloc(size: number, label?: string): GpuStorage;
}

export function makeContext(rt: GpuRuntime): GpuContext {
  return {
    rt,
    alloc: (size, label) => new GpuStorage(rt.pool.acquire(Math.max(1, size) * 4, label), size),
  };
}

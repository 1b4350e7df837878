// A GPU tensor's memory: a pooled storage buffer holding `size` float32 values.
import type { Storage } from '../tensor/backend';

export class GpuStorage implements Storage {
  constructor(
    readonly buffer: GPUBuffer,
    readonly size: number,
  ) {}
}

export const buf = (s: Storage): GPUBuffer => (s as GpuStorage).buffer;

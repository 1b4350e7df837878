// A GPU tensor's memory: a pooled storage buffer holding `size` float32 values, or a slice of an
// arena (one buffer holding many tensors, e.g. every parameter, so that one dispatch can update
// them all). Kernels bind what buf() returns, which carries the slice's offset.
import type { Storage } from '../tensor/backend';

/** Part of a buffer, addressed as a bind group entry or a copy addresses it (bytes). */
export interface BufferSlice {
  buffer: GPUBuffer;
  offset: number;
  size: number;
}

/** What a kernel binds or a copy reads: a whole buffer or a slice of one. */
export type BufferRef = GPUBuffer | BufferSlice;

export const isSlice = (b: BufferRef): b is BufferSlice => 'offset' in b && 'buffer' in b;

export class GpuStorage implements Storage {
  constructor(
    /** The whole allocation (an arena for a slice); bind buf(storage) instead. */
    readonly buffer: GPUBuffer,
    readonly size: number,
    /** Set for a slice of an arena, which the arena's owner releases, not the tensor. */
    readonly slice: BufferSlice | null = null,
  ) {}
}

export const buf = (s: Storage): BufferRef => (s as GpuStorage).slice ?? (s as GpuStorage).buffer;

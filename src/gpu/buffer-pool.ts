import { isSlice, type BufferRef } from './storage';

// Storage buffers recycled by size class, as tfjs's BufferManager does: a training step asks for
// the same sizes every time, so after the first step every request is served from the free lists.

/** Round a request up to its size class: 256 B granularity below 64 KiB, then 1/8 of a power of two. */
export function sizeClassBytes(bytes: number): number {
  const b = Math.max(16, Math.ceil(bytes));
  if (b <= 65536) return Math.ceil(b / 256) * 256;
  const pow = 2 ** Math.floor(Math.log2(b));
  const step = pow / 8;
  return Math.ceil(b / step) * step;
}

export interface PoolStats {
  /** Buffers handed out and not yet released. */
  liveBuffers: number;
  liveBytes: number;
  /** Buffers waiting in the free lists. */
  freeBuffers: number;
  /** All bytes the pool holds on the device (live + free). */
  allocatedBytes: number;
  /** How many times createBuffer was called since the pool was made. */
  createdBuffers: number;
}

// Read lazily: in Node the GPU* globals exist only once the `webgpu` package is loaded.
const storageUsage = (): number =>
  GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private readonly live = new Set<GPUBuffer>();
  private liveBytes = 0;
  private allocatedBytes = 0;
  private createdBuffers = 0;

  constructor(private readonly device: GPUDevice) {}

  acquire(bytes: number, label = 'tensor'): GPUBuffer {
    const size = sizeClassBytes(bytes);
    const list = this.free.get(size);
    let buffer = list?.pop();
    if (!buffer) {
      buffer = this.device.createBuffer({ size, usage: storageUsage(), label: `buf:${label}` });
      this.allocatedBytes += size;
      this.createdBuffers++;
    }
    this.live.add(buffer);
    this.liveBytes += size;
    return buffer;
  }

  /** Back to the free lists; a slice of an arena (or a buffer not from this pool) is ignored. */
  release(buffer: BufferRef): void {
    if (isSlice(buffer) || !this.live.delete(buffer)) return;
    this.liveBytes -= buffer.size;
    const list = this.free.get(buffer.size);
    if (list) list.push(buffer);
    else this.free.set(buffer.size, [buffer]);
  }

  /** Destroy every free buffer (e.g. after a run ends) to give memory back. */
  trim(): void {
    for (const list of this.free.values()) {
      for (const b of list) {
        this.allocatedBytes -= b.size;
        b.destroy();
      }
    }
    this.free.clear();
  }

  stats(): PoolStats {
    let freeBuffers = 0;
    for (const list of this.free.values()) freeBuffers += list.length;
    return {
      liveBuffers: this.live.size,
      liveBytes: this.liveBytes,
      freeBuffers,
      allocatedBytes: this.allocatedBytes,
      createdBuffers: this.createdBuffers,
    };
  }
}

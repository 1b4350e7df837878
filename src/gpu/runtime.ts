// The only owner of GPU state: device, buffer pool, pipeline cache, and the command encoder that
// collects every dispatch until flush(). One submit per flush; readbacks only when asked.
import { SiftError } from '../common/errors';
import { BufferPool, type PoolStats } from './buffer-pool';
import type { Grid, Kernel, OverrideConstants } from './kernel';
import { layoutFlat, packParams } from './kernel';
import { PipelineCache } from './pipeline-cache';
import { isSlice, type BufferRef } from './storage';

/** Params slots per arena; one 256-byte slot per dispatch (minUniformBufferOffsetAlignment). */
const ARENA_SLOTS = 4096;
const SLOT_BYTES = 256;
const BIND_GROUP_CACHE_LIMIT = 8192;

export interface RuntimeCounters {
  submits: number;
  dispatches: number;
  readbacks: number;
  uploads: number;
  /** Buffer-to-buffer copies recorded (no kernel, but each one breaks the compute pass). */
  copies: number;
  /** Compute passes begun: one per run of dispatches between copies and submits. */
  computePasses: number;
}

export interface RuntimeStats extends PoolStats, RuntimeCounters {
  pipelines: number;
  bindGroupsCreated: number;
}

export interface RuntimeOptions {
  /** Wrap each dispatch in an error scope and report the op by name (slow; for debugging). */
  debug?: boolean;
  /**
   * Lay flat grids out with at most this many workgroups along x (default: the device's limit,
   * 65535 or more). Tests set a tiny one so that every flat-grid kernel runs its y > 0 path on
   * small shapes, which would otherwise need 65536 workgroups.
   */
  maxGroupsPerDim?: number;
}

export class GpuRuntime {
  readonly pool: BufferPool;
  readonly pipelines: PipelineCache;
  readonly counters: RuntimeCounters = {
    submits: 0,
    dispatches: 0,
    readbacks: 0,
    uploads: 0,
    copies: 0,
    computePasses: 0,
  };
  /** Dispatches per kernel name since the runtime was made: where a step's dispatches go. */
  readonly dispatchesByKernel = new Map<string, number>();
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private readonly arena: GPUBuffer;
  private readonly arenaData = new ArrayBuffer(ARENA_SLOTS * SLOT_BYTES);
  private readonly arenaView = new DataView(this.arenaData);
  private arenaUsed = 0;
  private readonly bindGroups = new Map<string, GPUBindGroup>();
  private bindGroupsCreated = 0;
  private readonly bufferIds = new WeakMap<GPUBuffer, number>();
  private nextBufferId = 1;
  private lostReason: string | null = null;
  private pendingError: SiftError | null = null;
  private lastOp = '(none)';
  private readonly stagingFree: GPUBuffer[] = [];

  constructor(
    readonly device: GPUDevice,
    readonly adapterName = 'unknown adapter',
    private readonly options: RuntimeOptions = {},
  ) {
    this.pool = new BufferPool(device);
    this.pipelines = new PipelineCache(device);
    this.arena = device.createBuffer({
      label: 'params-arena',
      size: ARENA_SLOTS * SLOT_BYTES,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    void device.lost.then((info) => {
      this.lostReason = `${info.reason}: ${info.message}`;
    });
    device.onuncapturederror = (event: GPUUncapturedErrorEvent) => {
      const isOom = event.error instanceof GPUOutOfMemoryError;
      this.pendingError ??= new SiftError(
        isOom ? 'GPU_OUT_OF_MEMORY' : 'GPU_VALIDATION',
        `${isOom ? 'GPU out of memory' : 'GPU error'} near op '${this.lastOp}': ${event.error.message}`,
      );
    };
  }

  get isLost(): boolean {
    return this.lostReason !== null;
  }

  /** Record one dispatch into the open batch. `buffers` follow the kernel's binding order. */
  dispatch(
    kernel: Kernel,
    buffers: readonly BufferRef[],
    params: Readonly<Record<string, number>>,
    grid: Grid,
    constants?: OverrideConstants,
  ): void {
    this.throwIfBroken();
    if (buffers.length !== kernel.bindings.length) {
      throw new Error(
        `kernel ${kernel.name}: expected ${kernel.bindings.length} buffers, got ${buffers.length}`,
      );
    }
    const workgroups =
      'workgroupCount' in grid
        ? layoutFlat(
            grid,
            this.options.maxGroupsPerDim ?? this.device.limits.maxComputeWorkgroupsPerDimension,
          )
        : grid;
    if (workgroups[0] === 0 || workgroups[1] === 0 || workgroups[2] === 0) return;
    if (this.arenaUsed + SLOT_BYTES > this.arenaData.byteLength) this.flush();
    const offset = this.arenaUsed;
    packParams(kernel, params, this.arenaView, offset);
    this.arenaUsed += SLOT_BYTES;

    const { pipeline, layout } = this.pipelines.get(kernel, { ...kernel.constants, ...constants });
    const bindGroup = this.bindGroupFor(kernel, layout, buffers);
    this.lastOp = kernel.name;
    if (this.options.debug) this.device.pushErrorScope('validation');
    const pass = this.openPass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup, [offset]);
    pass.dispatchWorkgroups(workgroups[0], workgroups[1], workgroups[2]);
    this.counters.dispatches++;
    this.dispatchesByKernel.set(kernel.name, (this.dispatchesByKernel.get(kernel.name) ?? 0) + 1);
    if (this.options.debug) {
      const name = kernel.name;
      void this.device.popErrorScope().then((err) => {
        if (err)
          this.pendingError ??= new SiftError('GPU_VALIDATION', `op '${name}': ${err.message}`);
      });
    }
  }

  /** Copy bytes between storage buffers, ordered with the dispatches around it. */
  copy(src: BufferRef, dst: BufferRef, bytes: number, srcOffset = 0, dstOffset = 0): void {
    this.throwIfBroken();
    this.closePass();
    const [from, fromOffset] = resolve(src, srcOffset);
    const [to, toOffset] = resolve(dst, dstOffset);
    this.openEncoder().copyBufferToBuffer(from, fromOffset, to, toOffset, bytes);
    this.counters.copies++;
  }

  /** Write host data into a buffer. Pending work is submitted first so the write cannot overtake it. */
  upload(dst: BufferRef, data: ArrayBufferView, dstOffset = 0): void {
    this.throwIfBroken();
    if (this.encoder) this.flush();
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    // writeBuffer needs a multiple of 4 bytes.
    const padded = bytes.byteLength % 4 === 0 ? bytes : padTo4(bytes);
    const [to, toOffset] = resolve(dst, dstOffset);
    this.device.queue.writeBuffer(to, toOffset, padded);
    this.counters.uploads++;
  }

  /** Submit everything recorded so far (one queue submit). */
  flush(): void {
    this.throwIfBroken();
    if (!this.encoder) return;
    this.closePass();
    if (this.arenaUsed > 0) {
      this.device.queue.writeBuffer(this.arena, 0, this.arenaData, 0, this.arenaUsed);
    }
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    this.arenaUsed = 0;
    this.counters.submits++;
  }

  /** Read `bytes` from a buffer back to the host: flushes, then waits for the GPU. */
  async read(src: BufferRef, bytes: number, srcOffset = 0): Promise<ArrayBuffer> {
    const size = Math.ceil(bytes / 4) * 4;
    const staging = this.acquireStaging(size);
    this.closePass();
    const [from, fromOffset] = resolve(src, srcOffset);
    this.openEncoder().copyBufferToBuffer(from, fromOffset, staging, 0, size);
    this.flush();
    this.counters.readbacks++;
    try {
      await staging.mapAsync(GPUMapMode.READ, 0, size);
    } catch (e) {
      this.throwIfBroken();
      throw e;
    }
    const out = staging.getMappedRange(0, size).slice(0, bytes);
    staging.unmap();
    this.stagingFree.push(staging);
    this.throwIfBroken();
    return out;
  }

  /** Wait until the GPU has finished all submitted work, surfacing any error it raised. */
  async sync(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    this.throwIfBroken();
  }

  stats(): RuntimeStats {
    return {
      ...this.pool.stats(),
      ...this.counters,
      pipelines: this.pipelines.size,
      bindGroupsCreated: this.bindGroupsCreated,
    };
  }

  destroy(): void {
    this.pool.trim();
    this.device.destroy();
  }

  private throwIfBroken(): void {
    if (this.lostReason !== null) {
      throw new SiftError('GPU_DEVICE_LOST', `The GPU device was lost (${this.lostReason}).`);
    }
    if (this.pendingError) {
      const e = this.pendingError;
      this.pendingError = null;
      throw e;
    }
  }

  private openEncoder(): GPUCommandEncoder {
    this.encoder ??= this.device.createCommandEncoder({ label: 'step' });
    return this.encoder;
  }

  private openPass(): GPUComputePassEncoder {
    if (!this.pass) {
      this.pass = this.openEncoder().beginComputePass({ label: 'step.compute' });
      this.counters.computePasses++;
    }
    return this.pass;
  }

  private closePass(): void {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
  }

  private idOf(buffer: GPUBuffer): number {
    let id = this.bufferIds.get(buffer);
    if (id === undefined) {
      id = this.nextBufferId++;
      this.bufferIds.set(buffer, id);
    }
    return id;
  }

  // Bind groups are cached by kernel + buffer identities (and slice ranges): pooled buffers come
  // back with the same identity every step, so after warm-up no bind group is created.
  private bindGroupFor(
    kernel: Kernel,
    layout: GPUBindGroupLayout,
    buffers: readonly BufferRef[],
  ): GPUBindGroup {
    let key = kernel.name;
    for (const b of buffers) {
      key += isSlice(b) ? `:${this.idOf(b.buffer)}@${b.offset}+${b.size}` : `:${this.idOf(b)}`;
    }
    let group = this.bindGroups.get(key);
    if (!group) {
      if (this.bindGroups.size >= BIND_GROUP_CACHE_LIMIT) this.bindGroups.clear();
      const entries: GPUBindGroupEntry[] = buffers.map((b, binding) => ({
        binding,
        resource: isSlice(b) ? { buffer: b.buffer, offset: b.offset, size: b.size } : { buffer: b },
      }));
      entries.push({
        binding: buffers.length,
        resource: { buffer: this.arena, offset: 0, size: kernel.paramsBytes },
      });
      group = this.device.createBindGroup({ label: `${kernel.name}.bg`, layout, entries });
      this.bindGroups.set(key, group);
      this.bindGroupsCreated++;
    }
    return group;
  }

  private acquireStaging(size: number): GPUBuffer {
    const i = this.stagingFree.findIndex((b) => b.size >= size);
    if (i >= 0) return this.stagingFree.splice(i, 1)[0];
    return this.device.createBuffer({
      label: 'readback',
      size: Math.max(256, 2 ** Math.ceil(Math.log2(size))),
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
  }
}

function resolve(ref: BufferRef, offset: number): [GPUBuffer, number] {
  return isSlice(ref) ? [ref.buffer, ref.offset + offset] : [ref, offset];
}

function padTo4(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(bytes.byteLength / 4) * 4);
  out.set(bytes);
  return out;
}

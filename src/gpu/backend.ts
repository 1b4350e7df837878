// The WebGPU implementation of the primitive list: allocates outputs from the pool and records
// one dispatch (rarely two) per primitive into the runtime's open batch.
import type {
  AdamWParams,
  Arena,
  Backend,
  BatchNormBackwardArgs,
  BatchNormGrads,
  BatchNormPlan,
  BatchNormTrainArgs,
  BinaryOp,
  BroadcastPlan,
  Conv2dPlan,
  ConvForwardArgs,
  ConvProductPlan,
  MatmulPlan,
  NormGrads,
  NormStats,
  Pool2dPlan,
  ReduceOp,
  SgdParams,
  Storage,
  StridedView,
  UnaryOp,
  BatchNormApplyArgs,
  BatchNormShape,
  LayerNormBackwardArgs,
  LayerNormArgs,
  LayerNormPlan,
  CrossEntropyBackwardArgs,
} from '../tensor/backend';
import { makeContext, type GpuContext } from './context';
import * as conv from './kernels/conv';
import * as ew from './kernels/elementwise';
import * as embedding from './kernels/embedding';
import * as layout from './kernels/layout';
import { matmul } from './kernels/matmul';
import * as norm from './kernels/norm';
import * as optim from './kernels/optim';
import * as pool from './kernels/pool';
import * as random from './kernels/random';
import * as reduce from './kernels/reduce';
import * as softmax from './kernels/softmax';
import type { GpuRuntime } from './runtime';
import { buf, GpuStorage } from './storage';

export class WebGpuBackend implements Backend {
  readonly name = 'webgpu' as const;
  readonly ctx: GpuContext;

  constructor(readonly rt: GpuRuntime) {
    this.ctx = makeContext(rt);
  }

  private alloc(size: number): GpuStorage {
    return this.ctx.alloc(size);
  }

  upload(data: ArrayLike<number>): Storage {
    const out = this.alloc(data.length);
    const f32 = data instanceof Float32Array ? data : Float32Array.from(data);
    if (f32.length > 0) this.rt.upload(out.buffer, f32);
    return out;
  }

  zeros(size: number): Storage {
    return this.fill(size, 0);
  }

  fill(size: number, value: number): Storage {
    const out = this.alloc(size);
    ew.fill(this.rt, out.buffer, size, value);
    return out;
  }

  async read(s: Storage): Promise<Float32Array> {
    if (s.size === 0) return new Float32Array(0);
    return new Float32Array(await this.rt.read(buf(s), s.size * 4));
  }

  release(s: Storage): void {
    this.rt.pool.release(buf(s));
  }

  assign(dst: Storage, src: Storage): void {
    if (src.size > 0) this.rt.copy(buf(src), buf(dst), src.size * 4);
  }

  clone(src: Storage): Storage {
    const out = this.alloc(src.size);
    this.assign(out, src);
    return out;
  }

  arena(sizes: readonly number[], fillValue: number, packed = false): Arena {
    // Bind group offsets must be multiples of the device's storage alignment (256 bytes typically).
    const align = packed ? 1 : this.bindAlignment() / 4;
    const offsets: number[] = [];
    let total = 0;
    for (const size of sizes) {
      offsets.push(total);
      total += Math.ceil(Math.max(1, size) / align) * align;
    }
    const whole = this.fill(total, fillValue) as GpuStorage;
    const parts = sizes.map(
      (size, i) =>
        new GpuStorage(whole.buffer, size, {
          buffer: whole.buffer,
          offset: offsets[i] * 4,
          size: Math.max(1, size) * 4,
        }),
    );
    return { whole, parts, offsets };
  }

  span(parts: readonly Storage[]): Storage | null {
    const slices = parts.map((p) => (p as GpuStorage).slice);
    const first = slices[0];
    if (!first || first.offset % this.bindAlignment() !== 0) return null;
    let end = first.offset;
    for (const [i, s] of slices.entries()) {
      if (!s || s.buffer !== first.buffer || s.offset !== end) return null;
      end += parts[i].size * 4;
    }
    const size = (end - first.offset) / 4;
    return new GpuStorage(first.buffer, size, { ...first, size: Math.max(1, size) * 4 });
  }

  private bindAlignment(): number {
    return this.rt.device.limits.minStorageBufferOffsetAlignment;
  }

  unary(op: UnaryOp, x: Storage, alpha = 0): Storage {
    const out = this.alloc(x.size);
    ew.unary(this.rt, op, buf(x), out.buffer, x.size, alpha);
    return out;
  }

  unaryBackward(op: UnaryOp, x: Storage, dy: Storage, alpha = 0): Storage {
    const out = this.alloc(x.size);
    ew.unaryBackward(this.rt, op, buf(x), buf(dy), out.buffer, x.size, alpha);
    return out;
  }

  binary(op: BinaryOp, a: Storage, b: Storage, plan: BroadcastPlan): Storage {
    const out = this.alloc(plan.outShape.reduce((p, d) => p * d, 1));
    ew.binary(this.rt, op, buf(a), buf(b), out.buffer, plan);
    return out;
  }

  addInPlace(dst: Storage, src: Storage): void {
    ew.accumulate(this.rt, buf(dst), buf(src), dst.size);
  }

  select(cond: Storage, a: Storage, b: Storage): Storage {
    const out = this.alloc(a.size);
    ew.selectWhere(this.rt, buf(cond), buf(a), buf(b), out.buffer, a.size);
    return out;
  }

  gatherStrided(src: Storage, view: StridedView): Storage {
    return layout.gatherStrided(this.ctx, src, view);
  }

  scatterAddStrided(dst: Storage, src: Storage, view: StridedView): void {
    layout.scatterAddStrided(this.ctx, dst, src, view);
  }

  concatFlat(parts: readonly Storage[]): Storage {
    const out = this.alloc(parts.reduce((n, p) => n + p.size, 0));
    let at = 0;
    for (const p of parts) {
      if (p.size > 0) this.rt.copy(buf(p), out.buffer, p.size * 4, 0, at * 4);
      at += p.size;
    }
    return out;
  }

  sliceFlat(src: Storage, offset: number, count: number): Storage {
    const out = this.alloc(count);
    this.copyRange(out, 0, src, offset, count);
    return out;
  }

  copyRange(dst: Storage, dstOffset: number, src: Storage, srcOffset: number, count: number): void {
    if (count > 0) this.rt.copy(buf(src), buf(dst), count * 4, srcOffset * 4, dstOffset * 4);
  }

  reduce(op: ReduceOp, x: Storage, outer: number, size: number, inner: number): Storage {
    return reduce.reduce(this.ctx, op, x, outer, size, inner);
  }

  argmax(x: Storage, rows: number, cols: number): Storage {
    return reduce.argmax(this.ctx, x, rows, cols);
  }

  matmul(a: Storage, b: Storage, plan: MatmulPlan): Storage {
    const out = this.alloc(plan.batch * plan.m * plan.n);
    matmul(this.rt, buf(a), buf(b), out.buffer, plan);
    return out;
  }

  softmax(x: Storage, rows: number, cols: number): Storage {
    return softmax.softmax(this.ctx, x, rows, cols);
  }

  softmaxBackward(y: Storage, dy: Storage, rows: number, cols: number): Storage {
    return softmax.softmaxBackward(this.ctx, y, dy, rows, cols);
  }

  crossEntropy(logits: Storage, labels: Storage, rows: number, cols: number): Storage {
    return softmax.crossEntropy(this.ctx, logits, labels, rows, cols);
  }

  crossEntropyBackward(args: CrossEntropyBackwardArgs, rows: number, cols: number): Storage {
    return softmax.crossEntropyBackward(this.ctx, args, rows, cols);
  }

  layerNorm(args: LayerNormArgs, plan: LayerNormPlan): NormStats {
    return norm.layerNorm(this.ctx, args, plan);
  }

  layerNormBackward(args: LayerNormBackwardArgs, rows: number, cols: number): NormGrads {
    return norm.layerNormBackward(this.ctx, args, rows, cols);
  }

  batchNormTrain(args: BatchNormTrainArgs, plan: BatchNormPlan): NormStats {
    return norm.batchNormTrain(this.ctx, args, plan);
  }

  batchNormApply(args: BatchNormApplyArgs, shape: BatchNormShape): Storage {
    return norm.batchNormApply(this.ctx, args, shape);
  }

  batchNormBackward(args: BatchNormBackwardArgs, plan: BatchNormPlan): BatchNormGrads {
    return norm.batchNormBackward(this.ctx, args, plan);
  }

  convForward(args: ConvForwardArgs, plan: ConvProductPlan): Storage {
    return conv.convForward(this.ctx, args, plan);
  }

  convInputGrad(dy: Storage, weight: Storage, plan: ConvProductPlan): Storage {
    return conv.convInputGrad(this.ctx, dy, weight, plan);
  }

  convWeightGrad(dy: Storage, x: Storage, plan: ConvProductPlan): Storage {
    return conv.convWeightGrad(this.ctx, dy, x, plan);
  }

  im2col(x: Storage, plan: Conv2dPlan): Storage {
    return conv.im2col(this.ctx, x, plan);
  }

  maxPool(x: Storage, plan: Pool2dPlan): { out: Storage; argmax: Storage } {
    return pool.maxPool(this.ctx, x, plan);
  }

  maxPoolBackward(dy: Storage, argmax: Storage, plan: Pool2dPlan): Storage {
    return pool.maxPoolBackward(this.ctx, dy, argmax, plan);
  }

  avgPool(x: Storage, plan: Pool2dPlan): Storage {
    return pool.avgPool(this.ctx, x, plan);
  }

  avgPoolBackward(dy: Storage, plan: Pool2dPlan): Storage {
    return pool.avgPoolBackward(this.ctx, dy, plan);
  }

  gatherRows(table: Storage, indices: Storage, count: number, dim: number): Storage {
    return embedding.gatherRows(this.ctx, table, indices, count, dim);
  }

  scatterAddRows(
    grad: Storage,
    indices: Storage,
    count: number,
    rows: number,
    dim: number,
  ): Storage {
    return embedding.scatterAddRows(this.ctx, grad, indices, count, rows, dim);
  }

  dropoutMask(size: number, p: number, seed: number): Storage {
    return random.dropoutMask(this.ctx, size, p, seed);
  }

  sgdStep(w: Storage, g: Storage, momentum: Storage | null, p: SgdParams): void {
    optim.sgdStep(this.ctx, w, g, momentum, p);
  }

  adamwStep(w: Storage, g: Storage, m: Storage, v: Storage, p: AdamWParams): void {
    optim.adamwStep(this.ctx, w, g, m, v, p);
  }
}

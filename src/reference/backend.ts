// The CPU reference implementation of the primitive list: float64, plain loops, written from the
// definitions and not from the WGSL, so the two can check each other.
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
import * as conv from './conv';
import * as ew from './elementwise';
import * as embedding from './embedding';
import * as layout from './layout';
import { matmul } from './matmul';
import * as norm from './norm';
import * as optim from './optim';
import * as pool from './pool';
import * as random from './random';
import * as reduce from './reduce';
import * as softmax from './softmax';
import { cpu, wrap } from './storage';

export class CpuBackend implements Backend {
  readonly name = 'cpu' as const;

  upload(data: ArrayLike<number>): Storage {
    return wrap(Float64Array.from(data as ArrayLike<number>));
  }
  zeros(size: number): Storage {
    return wrap(new Float64Array(size));
  }
  fill(size: number, value: number): Storage {
    return wrap(new Float64Array(size).fill(value));
  }
  read(s: Storage): Promise<Float32Array> {
    return Promise.resolve(Float32Array.from(cpu(s)));
  }
  /** Synchronous float64 read, for gradient checks. */
  readF64(s: Storage): Float64Array {
    return cpu(s);
  }
  release(): void {}
  assign(dst: Storage, src: Storage): void {
    cpu(dst).set(cpu(src));
  }
  clone(src: Storage): Storage {
    return wrap(Float64Array.from(cpu(src)));
  }
  span(parts: readonly Storage[]): Storage | null {
    const views = parts.map(cpu);
    const first = views[0];
    let end = first.byteOffset;
    for (const v of views) {
      if (v.buffer !== first.buffer || v.byteOffset !== end) return null;
      end += v.byteLength;
    }
    return wrap(new Float64Array(first.buffer, first.byteOffset, (end - first.byteOffset) / 8));
  }
  // Parts are never padded here, so packed changes nothing.
  arena(sizes: readonly number[], fillValue: number): Arena {
    const offsets: number[] = [];
    let total = 0;
    for (const size of sizes) {
      offsets.push(total);
      total += size;
    }
    const whole = new Float64Array(total).fill(fillValue);
    const parts = sizes.map((size, i) => wrap(whole.subarray(offsets[i], offsets[i] + size)));
    return { whole: wrap(whole), parts, offsets };
  }

  unary(op: UnaryOp, x: Storage, alpha?: number): Storage {
    return ew.unary(op, x, alpha);
  }
  unaryBackward(op: UnaryOp, x: Storage, dy: Storage, alpha?: number): Storage {
    return ew.unaryBackward(op, x, dy, alpha);
  }
  binary(op: BinaryOp, a: Storage, b: Storage, plan: BroadcastPlan): Storage {
    return ew.binary(op, a, b, plan);
  }
  addInPlace(dst: Storage, src: Storage): void {
    ew.addInPlace(dst, src);
  }
  select(cond: Storage, a: Storage, b: Storage): Storage {
    return ew.select(cond, a, b);
  }
  gatherStrided(src: Storage, view: StridedView): Storage {
    return layout.gatherStrided(src, view);
  }
  scatterAddStrided(dst: Storage, src: Storage, view: StridedView): void {
    layout.scatterAddStrided(dst, src, view);
  }
  concatFlat(parts: readonly Storage[]): Storage {
    const out = new Float64Array(parts.reduce((n, p) => n + p.size, 0));
    let at = 0;
    for (const p of parts) {
      out.set(cpu(p), at);
      at += p.size;
    }
    return wrap(out);
  }
  sliceFlat(src: Storage, offset: number, count: number): Storage {
    return wrap(cpu(src).slice(offset, offset + count));
  }
  copyRange(dst: Storage, dstOffset: number, src: Storage, srcOffset: number, count: number): void {
    cpu(dst).set(cpu(src).subarray(srcOffset, srcOffset + count), dstOffset);
  }
  reduce(op: ReduceOp, x: Storage, outer: number, size: number, inner: number): Storage {
    return reduce.reduce(op, x, outer, size, inner);
  }
  argmax(x: Storage, rows: number, cols: number): Storage {
    return reduce.argmax(x, rows, cols);
  }
  matmul(a: Storage, b: Storage, plan: MatmulPlan): Storage {
    return matmul(a, b, plan);
  }
  softmax(x: Storage, rows: number, cols: number): Storage {
    return softmax.softmax(x, rows, cols);
  }
  softmaxBackward(y: Storage, dy: Storage, rows: number, cols: number): Storage {
    return softmax.softmaxBackward(y, dy, rows, cols);
  }
  crossEntropy(logits: Storage, labels: Storage, rows: number, cols: number): Storage {
    return softmax.crossEntropy(logits, labels, rows, cols);
  }
  crossEntropyBackward(args: CrossEntropyBackwardArgs, rows: number, cols: number): Storage {
    return softmax.crossEntropyBackward(args, rows, cols);
  }
  layerNorm(args: LayerNormArgs, plan: LayerNormPlan): NormStats {
    return norm.layerNorm(args, plan);
  }
  layerNormBackward(args: LayerNormBackwardArgs, rows: number, cols: number): NormGrads {
    return norm.layerNormBackward(args, rows, cols);
  }
  batchNormTrain(args: BatchNormTrainArgs, plan: BatchNormPlan): NormStats {
    return norm.batchNormTrain(args, plan);
  }
  batchNormApply(args: BatchNormApplyArgs, shape: BatchNormShape): Storage {
    return norm.batchNormApply(args, shape);
  }
  batchNormBackward(args: BatchNormBackwardArgs, plan: BatchNormPlan): BatchNormGrads {
    return norm.batchNormBackward(args, plan);
  }
  convForward(args: ConvForwardArgs, plan: ConvProductPlan): Storage {
    return conv.convForward(args, plan);
  }
  convInputGrad(dy: Storage, weight: Storage, plan: ConvProductPlan): Storage {
    return conv.convInputGrad(dy, weight, plan);
  }
  convWeightGrad(dy: Storage, x: Storage, plan: ConvProductPlan): Storage {
    return conv.convWeightGrad(dy, x, plan);
  }
  im2col(x: Storage, plan: Conv2dPlan): Storage {
    return conv.im2col(x, plan);
  }
  maxPool(x: Storage, plan: Pool2dPlan): { out: Storage; argmax: Storage } {
    return pool.maxPool(x, plan);
  }
  maxPoolBackward(dy: Storage, argmax: Storage, plan: Pool2dPlan): Storage {
    return pool.maxPoolBackward(dy, argmax, plan);
  }
  avgPool(x: Storage, plan: Pool2dPlan): Storage {
    return pool.avgPool(x, plan);
  }
  avgPoolBackward(dy: Storage, plan: Pool2dPlan): Storage {
    return pool.avgPoolBackward(dy, plan);
  }
  gatherRows(table: Storage, indices: Storage, count: number, dim: number): Storage {
    return embedding.gatherRows(table, indices, count, dim);
  }
  scatterAddRows(
    grad: Storage,
    indices: Storage,
    count: number,
    rows: number,
    dim: number,
  ): Storage {
    return embedding.scatterAddRows(grad, indices, count, rows, dim);
  }
  dropoutMask(size: number, p: number, seed: number): Storage {
    return random.dropoutMask(size, p, seed);
  }
  sgdStep(w: Storage, g: Storage, momentum: Storage | null, p: SgdParams): void {
    optim.sgdStep(w, g, momentum, p);
  }
  adamwStep(w: Storage, g: Storage, m: Storage, v: Storage, p: AdamWParams): void {
    optim.adamwStep(w, g, m, v, p);
  }
}

// Elementwise kernels: unary ops and derivatives, broadcasting binary ops, accumulate, select, fill.
import libUnary from '../../../shaders/lib-unary.wgsl?raw';
import unarySource from '../../../shaders/elementwise-unary.wgsl?raw';
import unaryBackwardSource from '../../../shaders/elementwise-unary-backward.wgsl?raw';
import binarySource from '../../../shaders/elementwise-binary.wgsl?raw';
import accumulateSource from '../../../shaders/accumulate.wgsl?raw';
import selectSource from '../../../shaders/select.wgsl?raw';
import fillSource from '../../../shaders/fill.wgsl?raw';
import type { BinaryOp, BroadcastPlan, UnaryOp } from '../../tensor/backend';
import { ceilDiv, defineKernel, grid1d } from '../kernel';
import type { GpuRuntime } from '../runtime';
import type { BufferRef } from '../storage';

const WG = 256;

export const UNARY_CODES: Record<UnaryOp, number> = {
  neg: 0,
  exp: 1,
  log: 2,
  sqrt: 3,
  abs: 4,
  relu: 5,
  gelu: 6,
  tanh: 7,
  sigmoid: 8,
  square: 9,
  scale: 10,
  'add-scalar': 11,
  'pow-scalar': 12,
};

export const BINARY_CODES: Record<BinaryOp, number> = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  pow: 4,
  max: 5,
  min: 6,
};

const unaryParams = [
  ['n', 'u32'],
  ['alpha', 'f32'],
] as const;

export const unaryForwardKernel = defineKernel({
  name: 'unary_forward',
  source: libUnary + unarySource,
  entryPoint: 'unary_forward',
  bindings: ['read', 'write'],
  params: unaryParams,
});

export const unaryBackwardKernel = defineKernel({
  name: 'unary_backward',
  source: libUnary + unaryBackwardSource,
  entryPoint: 'unary_backward',
  bindings: ['read', 'read', 'write'],
  params: unaryParams,
});

const MAX_RANK = 6;
const dimNames = (p: string) =>
  Array.from({ length: MAX_RANK }, (_, i) => [`${p}${i}`, 'u32'] as const);

export const binaryKernel = defineKernel({
  name: 'binary_broadcast',
  source: binarySource,
  entryPoint: 'binary_broadcast',
  bindings: ['read', 'read', 'write'],
  params: [['n', 'u32'], ['rank', 'u32'], ...dimNames('d'), ...dimNames('sa'), ...dimNames('sb')],
});

export const accumulateKernel = defineKernel({
  name: 'accumulate',
  source: accumulateSource,
  entryPoint: 'accumulate',
  bindings: ['read', 'write'],
  params: [['n', 'u32']],
});

export const selectKernel = defineKernel({
  name: 'select_where',
  source: selectSource,
  entryPoint: 'select_where',
  bindings: ['read', 'read', 'read', 'write'],
  params: [['n', 'u32']],
});

export const fillKernel = defineKernel({
  name: 'fill',
  source: fillSource,
  entryPoint: 'fill',
  bindings: ['write'],
  params: [
    ['n', 'u32'],
    ['value', 'f32'],
  ],
});

export function unary(
  rt: GpuRuntime,
  op: UnaryOp,
  x: BufferRef,
  y: BufferRef,
  n: number,
  alpha = 0,
): void {
  rt.dispatch(unaryForwardKernel, [x, y], { n, alpha }, grid1d(ceilDiv(n, WG)), {
    OP: UNARY_CODES[op],
  });
}

export function unaryBackward(
  rt: GpuRuntime,
  op: UnaryOp,
  x: BufferRef,
  dy: BufferRef,
  dx: BufferRef,
  n: number,
  alpha = 0,
): void {
  rt.dispatch(unaryBackwardKernel, [x, dy, dx], { n, alpha }, grid1d(ceilDiv(n, WG)), {
    OP: UNARY_CODES[op],
  });
}

export function binary(
  rt: GpuRuntime,
  op: BinaryOp,
  a: BufferRef,
  b: BufferRef,
  out: BufferRef,
  plan: BroadcastPlan,
): void {
  const rank = plan.outShape.length;
  if (rank > MAX_RANK)
    throw new Error(`binary_broadcast supports rank <= ${MAX_RANK}, got ${rank}`);
  const params: Record<string, number> = { rank, n: plan.outShape.reduce((x, y) => x * y, 1) };
  for (let i = 0; i < MAX_RANK; i++) {
    params[`d${i}`] = plan.outShape[i] ?? 1;
    params[`sa${i}`] = plan.aStrides[i] ?? 0;
    params[`sb${i}`] = plan.bStrides[i] ?? 0;
  }
  rt.dispatch(binaryKernel, [a, b, out], params, grid1d(ceilDiv(params.n, WG)), {
    OP: BINARY_CODES[op],
  });
}

export function accumulate(rt: GpuRuntime, dst: BufferRef, src: BufferRef, n: number): void {
  rt.dispatch(accumulateKernel, [src, dst], { n }, grid1d(ceilDiv(n, WG)));
}

export function selectWhere(
  rt: GpuRuntime,
  cond: BufferRef,
  a: BufferRef,
  b: BufferRef,
  out: BufferRef,
  n: number,
): void {
  rt.dispatch(selectKernel, [cond, a, b, out], { n }, grid1d(ceilDiv(n, WG)));
}

export function fill(rt: GpuRuntime, out: BufferRef, n: number, value: number): void {
  rt.dispatch(fillKernel, [out], { n, value }, grid1d(ceilDiv(n, WG)));
}

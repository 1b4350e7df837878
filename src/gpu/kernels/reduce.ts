// TODO(#2): reduce kernels (stub until implemented).
import type { Storage, ReduceOp } from '../../tensor/backend';
import type { GpuContext } from '../context';

export function reduce(_ctx: GpuContext, _op: ReduceOp, _x: Storage, _outer: number, _size: number, _inner: number): Storage {
  throw new Error('reduce: not implemented on the GPU yet');
}

export function argmax(_ctx: GpuContext, _x: Storage, _rows: number, _cols: number): Storage {
  throw new Error('argmax: not implemented on the GPU yet');
}

// TODO(#2): embedding kernels (stub until implemented).
import type { Storage } from '../../tensor/backend';
import type { GpuContext } from '../context';

export function gatherRows(_ctx: GpuContext, _table: Storage, _indices: Storage, _count: number, _dim: number): Storage {
  throw new Error('gatherRows: not implemented on the GPU yet');
}

export function scatterAddRows(_ctx: GpuContext, _grad: Storage, _indices: Storage, _count: number, _rows: number, _dim: number): Storage {
  throw new Error('scatterAddRows: not implemented on the GPU yet');
}

// TODO(#2): conv kernels (stub until implemented).
import type { Storage, Conv2dPlan } from '../../tensor/backend';
import type { GpuContext } from '../context';

export function im2col(_ctx: GpuContext, _x: Storage, _plan: Conv2dPlan): Storage {
  throw new Error('im2col: not implemented on the GPU yet');
}

export function col2im(_ctx: GpuContext, _cols: Storage, _plan: Conv2dPlan): Storage {
  throw new Error('col2im: not implemented on the GPU yet');
}

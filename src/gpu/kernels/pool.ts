// TODO(#2): pool kernels (stub until implemented).
import type { Storage, Pool2dPlan } from '../../tensor/backend';
import type { GpuContext } from '../context';

export function maxPool(_ctx: GpuContext, _x: Storage, _plan: Pool2dPlan): { out: Storage; argmax: Storage } {
  throw new Error('maxPool: not implemented on the GPU yet');
}

export function maxPoolBackward(_ctx: GpuContext, _dy: Storage, _argmax: Storage, _plan: Pool2dPlan): Storage {
  throw new Error('maxPoolBackward: not implemented on the GPU yet');
}

export function avgPool(_ctx: GpuContext, _x: Storage, _plan: Pool2dPlan): Storage {
  throw new Error('avgPool: not implemented on the GPU yet');
}

export function avgPoolBackward(_ctx: GpuContext, _dy: Storage, _plan: Pool2dPlan): Storage {
  throw new Error('avgPoolBackward: not implemented on the GPU yet');
}

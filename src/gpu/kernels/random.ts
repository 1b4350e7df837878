// TODO(#2): random kernels (stub until implemented).
import type { Storage } from '../../tensor/backend';
import type { GpuContext } from '../context';

export function dropoutMask(_ctx: GpuContext, _size: number, _p: number, _seed: number): Storage {
  throw new Error('dropoutMask: not implemented on the GPU yet');
}

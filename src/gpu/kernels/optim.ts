// TODO(#2): optim kernels (stub until implemented).
import type { Storage, SgdParams, AdamWParams } from '../../tensor/backend';
import type { GpuContext } from '../context';

export function sgdStep(_ctx: GpuContext, _w: Storage, _g: Storage, _momentum: Storage | null, _p: SgdParams): void {
  throw new Error('sgdStep: not implemented on the GPU yet');
}

export function adamwStep(_ctx: GpuContext, _w: Storage, _g: Storage, _m: Storage, _v: Storage, _p: AdamWParams): void {
  throw new Error('adamwStep: not implemented on the GPU yet');
}

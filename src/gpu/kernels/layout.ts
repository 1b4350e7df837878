// TODO(#2): layout kernels (stub until implemented).
import type { Storage, StridedView } from '../../tensor/backend';
import type { GpuContext } from '../context';

export function gatherStrided(_ctx: GpuContext, _src: Storage, _view: StridedView): Storage {
  throw new Error('gatherStrided: not implemented on the GPU yet');
}

export function scatterAddStrided(_ctx: GpuContext, _dst: Storage, _src: Storage, _view: StridedView): void {
  throw new Error('scatterAddStrided: not implemented on the GPU yet');
}

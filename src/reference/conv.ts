// TODO(#2): CPU reference for conv (stub until implemented).
import type { Storage, Conv2dPlan } from '../tensor/backend';

export function im2col(_x: Storage, _plan: Conv2dPlan): Storage {
  throw new Error('im2col: no CPU reference yet');
}

export function col2im(_cols: Storage, _plan: Conv2dPlan): Storage {
  throw new Error('col2im: no CPU reference yet');
}

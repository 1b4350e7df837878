// TODO(#2): CPU reference for pool (stub until implemented).
import type { Storage, Pool2dPlan } from '../tensor/backend';

export function maxPool(_x: Storage, _plan: Pool2dPlan): { out: Storage; argmax: Storage } {
  throw new Error('maxPool: no CPU reference yet');
}

export function maxPoolBackward(_dy: Storage, _argmax: Storage, _plan: Pool2dPlan): Storage {
  throw new Error('maxPoolBackward: no CPU reference yet');
}

export function avgPool(_x: Storage, _plan: Pool2dPlan): Storage {
  throw new Error('avgPool: no CPU reference yet');
}

export function avgPoolBackward(_dy: Storage, _plan: Pool2dPlan): Storage {
  throw new Error('avgPoolBackward: no CPU reference yet');
}

// TODO(#2): CPU reference for random (stub until implemented).
import type { Storage } from '../tensor/backend';

export function dropoutMask(_size: number, _p: number, _seed: number): Storage {
  throw new Error('dropoutMask: no CPU reference yet');
}

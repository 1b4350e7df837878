// TODO(#2): CPU reference for optim (stub until implemented).
import type { Storage, SgdParams, AdamWParams } from '../tensor/backend';

export function sgdStep(_w: Storage, _g: Storage, _momentum: Storage | null, _p: SgdParams): void {
  throw new Error('sgdStep: no CPU reference yet');
}

export function adamwStep(_w: Storage, _g: Storage, _m: Storage, _v: Storage, _p: AdamWParams): void {
  throw new Error('adamwStep: no CPU reference yet');
}

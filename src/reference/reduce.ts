// TODO(#2): CPU reference for reduce (stub until implemented).
import type { Storage, ReduceOp } from '../tensor/backend';

export function reduce(_op: ReduceOp, _x: Storage, _outer: number, _size: number, _inner: number): Storage {
  throw new Error('reduce: no CPU reference yet');
}

export function argmax(_x: Storage, _rows: number, _cols: number): Storage {
  throw new Error('argmax: no CPU reference yet');
}

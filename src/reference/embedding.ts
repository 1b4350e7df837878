// TODO(#2): CPU reference for embedding (stub until implemented).
import type { Storage } from '../tensor/backend';

export function gatherRows(_table: Storage, _indices: Storage, _count: number, _dim: number): Storage {
  throw new Error('gatherRows: no CPU reference yet');
}

export function scatterAddRows(_grad: Storage, _indices: Storage, _count: number, _rows: number, _dim: number): Storage {
  throw new Error('scatterAddRows: no CPU reference yet');
}

// TODO(#2): CPU reference for softmax (stub until implemented).
import type { Storage } from '../tensor/backend';

export function softmax(_x: Storage, _rows: number, _cols: number): Storage {
  throw new Error('softmax: no CPU reference yet');
}

export function softmaxBackward(_y: Storage, _dy: Storage, _rows: number, _cols: number): Storage {
  throw new Error('softmaxBackward: no CPU reference yet');
}

export function crossEntropy(_logits: Storage, _labels: Storage, _rows: number, _cols: number): Storage {
  throw new Error('crossEntropy: no CPU reference yet');
}

export function crossEntropyBackward(_logits: Storage, _labels: Storage, _dloss: Storage, _rows: number, _cols: number): Storage {
  throw new Error('crossEntropyBackward: no CPU reference yet');
}

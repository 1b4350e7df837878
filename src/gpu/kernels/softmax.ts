// TODO(#2): softmax kernels (stub until implemented).
import type { Storage } from '../../tensor/backend';
import type { GpuContext } from '../context';

export function softmax(_ctx: GpuContext, _x: Storage, _rows: number, _cols: number): Storage {
  throw new Error('softmax: not implemented on the GPU yet');
}

export function softmaxBackward(_ctx: GpuContext, _y: Storage, _dy: Storage, _rows: number, _cols: number): Storage {
  throw new Error('softmaxBackward: not implemented on the GPU yet');
}

export function crossEntropy(_ctx: GpuContext, _logits: Storage, _labels: Storage, _rows: number, _cols: number): Storage {
  throw new Error('crossEntropy: not implemented on the GPU yet');
}

export function crossEntropyBackward(_ctx: GpuContext, _logits: Storage, _labels: Storage, _dloss: Storage, _rows: number, _cols: number): Storage {
  throw new Error('crossEntropyBackward: not implemented on the GPU yet');
}

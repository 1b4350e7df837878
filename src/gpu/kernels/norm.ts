// TODO(#2): norm kernels (stub until implemented).
import type { Storage, NormStats, NormGrads } from '../../tensor/backend';
import type { GpuContext } from '../context';

export function layerNorm(_ctx: GpuContext, _x: Storage, _gamma: Storage, _beta: Storage, _rows: number, _cols: number, _eps: number): NormStats {
  throw new Error('layerNorm: not implemented on the GPU yet');
}

export function layerNormBackward(_ctx: GpuContext, _x: Storage, _gamma: Storage, _dy: Storage, _mean: Storage, _rstd: Storage, _rows: number, _cols: number): NormGrads {
  throw new Error('layerNormBackward: not implemented on the GPU yet');
}

export function batchNormTrain(_ctx: GpuContext, _x: Storage, _gamma: Storage, _beta: Storage, _n: number, _channels: number, _spatial: number, _eps: number): NormStats {
  throw new Error('batchNormTrain: not implemented on the GPU yet');
}

export function batchNormApply(_ctx: GpuContext, _x: Storage, _gamma: Storage, _beta: Storage, _mean: Storage, _rstd: Storage, _n: number, _channels: number, _spatial: number): Storage {
  throw new Error('batchNormApply: not implemented on the GPU yet');
}

export function batchNormBackward(_ctx: GpuContext, _x: Storage, _gamma: Storage, _dy: Storage, _mean: Storage, _rstd: Storage, _n: number, _channels: number, _spatial: number): NormGrads {
  throw new Error('batchNormBackward: not implemented on the GPU yet');
}

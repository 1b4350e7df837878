// TODO(#2): CPU reference for norm (stub until implemented).
import type { Storage, NormStats, NormGrads } from '../tensor/backend';

export function layerNorm(_x: Storage, _gamma: Storage, _beta: Storage, _rows: number, _cols: number, _eps: number): NormStats {
  throw new Error('layerNorm: no CPU reference yet');
}

export function layerNormBackward(_x: Storage, _gamma: Storage, _dy: Storage, _mean: Storage, _rstd: Storage, _rows: number, _cols: number): NormGrads {
  throw new Error('layerNormBackward: no CPU reference yet');
}

export function batchNormTrain(_x: Storage, _gamma: Storage, _beta: Storage, _n: number, _channels: number, _spatial: number, _eps: number): NormStats {
  throw new Error('batchNormTrain: no CPU reference yet');
}

export function batchNormApply(_x: Storage, _gamma: Storage, _beta: Storage, _mean: Storage, _rstd: Storage, _n: number, _channels: number, _spatial: number): Storage {
  throw new Error('batchNormApply: no CPU reference yet');
}

export function batchNormBackward(_x: Storage, _gamma: Storage, _dy: Storage, _mean: Storage, _rstd: Storage, _n: number, _channels: number, _spatial: number): NormGrads {
  throw new Error('batchNormBackward: no CPU reference yet');
}

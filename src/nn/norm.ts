// Normalisation layers: BatchNorm2d (running statistics as buffers) and LayerNorm.
import { batchNorm2d, layerNorm } from '../ops/norm';
import type { Backend } from '../tensor/backend';
import { full, type Tensor, zeros } from '../tensor/tensor';
import { Module } from './module';

export class BatchNorm2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;

  constructor(
    backend: Backend,
    readonly channels: number,
    readonly momentum = 0.1,
    readonly eps = 1e-5,
  ) {
    super();
    this.weight = this.addParameter('weight', full(backend, [channels], 1));
    this.bias = this.addParameter('bias', zeros(backend, [channels]));
    this.runningMean = this.addBuffer('running_mean', zeros(backend, [channels]));
    this.runningVar = this.addBuffer('running_var', full(backend, [channels], 1));
  }

  /**
   * x (N, C, H, W) or (N, C) -> same shape; `then` adds a residual and/or applies a ReLU after the
   * norm, in the norm's own kernels when training.
   */
  forward(x: Tensor, then: { residual?: Tensor | null; relu?: boolean } = {}): Tensor {
    return batchNorm2d(x, this.weight, this.bias, this.runningMean, this.runningVar, {
      training: this.training,
      momentum: this.momentum,
      eps: this.eps,
      ...then,
    });
  }
}

export class LayerNorm extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;

  constructor(
    backend: Backend,
    readonly features: number,
    readonly eps = 1e-5,
  ) {
    super();
    this.weight = this.addParameter('weight', full(backend, [features], 1));
    this.bias = this.addParameter('bias', zeros(backend, [features]));
  }

  /** x (..., features) -> same shape */
  forward(x: Tensor): Tensor {
    return layerNorm(x, this.weight, this.bias, this.eps);
  }
}

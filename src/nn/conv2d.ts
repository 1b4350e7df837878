// nn.Conv2d (dilation 1, groups 1): weight (O, C, KH, KW) as PyTorch stores it.
import type { Rng } from '../common/rng';
import { conv2d } from '../ops/conv';
import type { SparseWeightState } from '../ops/sparse';
import type { Backend } from '../tensor/backend';
import { tensor, type Tensor } from '../tensor/tensor';
import { kaimingNormalFanOut } from './init';
import { Module } from './module';

export interface Conv2dOptions {
  kernel: number;
  stride?: number;
  padding?: number;
  bias?: boolean;
}

export class Conv2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly kernel: number;
  readonly stride: number;
  readonly padding: number;

  constructor(
    backend: Backend,
    readonly inChannels: number,
    readonly outChannels: number,
    rng: Rng,
    { kernel, stride = 1, padding = 0, bias = false }: Conv2dOptions,
  ) {
    super();
    this.kernel = kernel;
    this.stride = stride;
    this.padding = padding;
    const n = outChannels * inChannels * kernel * kernel;
    // torchvision's ResNet init: kaiming normal, fan_out, ReLU gain.
    const w = kaimingNormalFanOut(n, outChannels * kernel * kernel, rng);
    this.weight = this.addParameter(
      'weight',
      tensor(backend, w, [outChannels, inChannels, kernel, kernel]),
    );
    this.bias = bias
      ? this.addParameter('bias', tensor(backend, new Float32Array(outChannels), [outChannels]))
      : null;
  }

  /** Set when the weight is sparsified and runs on the compressed path. */
  sparse: SparseWeightState | null = null;

  /** x (N, C, H, W) -> (N, O, OH, OW) */
  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding,
      sparse: this.sparse,
    });
  }
}

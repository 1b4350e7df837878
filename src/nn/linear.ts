// nn.Linear: y = x W^T + b with W (out, in), as PyTorch stores it.
import type { Rng } from '../common/rng';
import { add } from '../ops/elementwise';
import { matmul } from '../ops/matmul';
import { reshape } from '../ops/shape';
import { sparseLinear, type SparseWeightState } from '../ops/sparse';
import type { Backend } from '../tensor/backend';
import { tensor, type Tensor } from '../tensor/tensor';
import { uniformFanIn } from './init';
import { Module } from './module';

export interface LinearOptions {
  bias?: boolean;
  /** Override PyTorch's default U(+-1/sqrt(in)) init, e.g. GPT-2's N(0, 0.02). */
  init?: (n: number, fanIn: number, rng: Rng) => Float32Array;
}

export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    backend: Backend,
    readonly inFeatures: number,
    readonly outFeatures: number,
    rng: Rng,
    { bias = true, init = uniformFanIn }: LinearOptions = {},
  ) {
    super();
    const w = init(inFeatures * outFeatures, inFeatures, rng);
    this.weight = this.addParameter('weight', tensor(backend, w, [outFeatures, inFeatures]));
    this.bias = bias
      ? this.addParameter('bias', tensor(backend, new Float32Array(outFeatures), [outFeatures]))
      : null;
  }

  /** Set when the weight is sparsified and runs on the compressed path. */
  sparse: SparseWeightState | null = null;

  /** x (..., in) -> (..., out) */
  forward(x: Tensor): Tensor {
    const lead = x.shape.slice(0, -1);
    const x2 = x.rank === 2 ? x : reshape(x, [-1, this.inFeatures]);
    let y = this.sparse
      ? sparseLinear(x2, this.weight, this.sparse)
      : matmul(x2, this.weight, { transB: true });
    if (this.bias) y = add(y, this.bias);
    return x.rank === 2 ? y : reshape(y, [...lead, this.outFeatures]);
  }
}

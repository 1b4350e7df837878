// The fused batch norm (+ Sparse Parallel's branch sum + residual + ReLU) and the same computation
// composed from separate ops, run on one backend with the same inputs: outputs, running statistics
// and every gradient, for tests that hold the fused kernels to the unfused composition.
import { add, relu } from '../ops/elementwise';
import { batchNorm2d } from '../ops/norm';
import { sum } from '../ops/reduce';
import { reshape } from '../ops/shape';
import type { Backend } from '../tensor/backend';
import { backward } from '../tensor/tape';
import { tensor, type Tensor } from '../tensor/tensor';
import { randomValues } from './shapes';

export interface FusedCase {
  /** x's shape (N, C, H, W); with branches, C = branches * the output's channels. */
  shape: [number, number, number, number];
  /** Stacked norms summed into the output (Sparse Parallel); 1 when absent. */
  branches?: number;
  residual: boolean;
  relu: boolean;
  seed: number;
}

/** [out, runningMean, runningVar, dx, dgamma, dbeta, dresidual?] read back, fused or composed. */
export async function fusedBatchNormResults(
  b: Backend,
  { shape, branches = 1, residual, relu: withRelu, seed }: FusedCase,
  fused: boolean,
): Promise<Float32Array[]> {
  const [n, c, h, w] = shape;
  const size = n * c * h * w;
  const outShape = [n, c / branches, h, w];
  const x = tensor(b, randomValues(size, seed), shape, { requiresGrad: true });
  const gamma = tensor(
    b,
    randomValues(c, seed + 1).map((v) => v + 1.5),
    [c],
    { requiresGrad: true },
  );
  const beta = tensor(b, randomValues(c, seed + 2), [c], { requiresGrad: true });
  const r = residual
    ? tensor(b, randomValues(size / branches, seed + 3), outShape, { requiresGrad: true })
    : null;
  const runningMean = tensor(b, randomValues(c, seed + 4), [c]);
  const runningVar = tensor(
    b,
    randomValues(c, seed + 5).map((v) => v + 1.5),
    [c],
  );
  let out: Tensor;
  if (fused) {
    out = batchNorm2d(x, gamma, beta, runningMean, runningVar, {
      training: true,
      residual: r,
      relu: withRelu,
      branches,
    });
  } else {
    out = batchNorm2d(x, gamma, beta, runningMean, runningVar, { training: true });
    out = reshape(sum(reshape(out, [n, branches, size / n / branches]), 1), outShape);
    if (r) out = add(out, r);
    if (withRelu) out = relu(out);
  }
  const result = await out.data();
  backward(out, tensor(b, randomValues(size / branches, seed + 6), outShape));
  const rest = [runningMean, runningVar, x.grad!, gamma.grad!, beta.grad!, ...(r ? [r.grad!] : [])];
  return [result, ...(await Promise.all(rest.map((t) => t.data())))];
}

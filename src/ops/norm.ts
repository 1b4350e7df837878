// Layer norm and batch norm, forward and backward together, on the backend's norm primitives
// (llm.c's layernorm_forward / layernorm_backward). Batch norm also keeps PyTorch's running
// statistics, updated on the device by the same kernel so that a training step never reads back,
// and takes a ResNet's residual add and ReLU into that kernel (one dispatch each way, issue #10).
import { SiftError } from '../common/errors';
import type { Backend, BatchNormPlan, Storage } from '../tensor/backend';
import { broadcastPlan, type Shape, sizeOf } from '../tensor/shape';
import { record } from '../tensor/tape';
import { Tensor } from '../tensor/tensor';
import { add, relu as reluOp } from './elementwise';
import { sum } from './reduce';
import { reshape } from './shape';

function expectParam(name: string, t: Tensor, size: number, op: string): void {
  if (t.size !== size) {
    throw new SiftError(
      'SHAPE_MISMATCH',
      `${op}: ${name} [${t.shape.join(', ')}] should hold ${size} values`,
    );
  }
}

// A backward primitive computes every gradient; keep those the tape wants, release the rest.
function gradFor(input: Tensor, s: Storage): Tensor | null {
  if (input.requiresGrad) return new Tensor(input.backend, s, input.shape);
  input.backend.release(s);
  return null;
}

/**
 * Layer normalisation over the last dim (PyTorch's LayerNorm(C)): x (..., C), gamma and beta (C)
 * -> (..., C). Biased variance, eps inside the square root.
 */
export function layerNorm(x: Tensor, gamma: Tensor, beta: Tensor, eps = 1e-5): Tensor {
  const b = x.backend;
  const cols = x.shape[x.rank - 1] ?? 1;
  const rows = sizeOf(x.shape.slice(0, -1));
  expectParam('gamma', gamma, cols, 'layerNorm');
  expectParam('beta', beta, cols, 'layerNorm');
  const stats = b.layerNorm(
    { x: x.storage, gamma: gamma.storage, beta: beta.storage },
    { rows, cols, eps },
  );
  const mean = new Tensor(b, stats.mean, [rows]);
  const rstd = new Tensor(b, stats.rstd, [rows]);
  const out = record(new Tensor(b, stats.out, x.shape), 'layerNorm', [x, gamma, beta], (g) => {
    const grads = b.layerNormBackward(
      { x: x.storage, gamma: gamma.storage, dy: g.storage, mean: mean.storage, rstd: rstd.storage },
      rows,
      cols,
    );
    return [gradFor(x, grads.dx), gradFor(gamma, grads.dgamma), gradFor(beta, grads.dbeta)];
  });
  if (!out.creator) {
    mean.dispose();
    rstd.dispose();
  }
  return out;
}

export interface BatchNormOptions {
  /** Normalise with batch statistics and update the running ones, or use the running ones. */
  training: boolean;
  /** Weight of the current batch in the running averages; PyTorch's default 0.1. */
  momentum?: number;
  /** Added to the variance inside the square root; PyTorch's default 1e-5. */
  eps?: number;
  /** Added after the affine map, before the ReLU (a ResNet block's shortcut); x's shape. */
  residual?: Tensor | null;
  /** Apply max(0, .) last. */
  relu?: boolean;
  /**
   * Sparse Parallel's stacked branch norms (docs/sift-method.md): x's C = branches * O channels
   * are `branches` norms of O channels each (channel j * O + o is branch j's copy of o), summed
   * into an (N, O, ...) output before the residual and the ReLU; one kernel each way. Default 1.
   */
  branches?: number;
}

/**
 * Batch normalisation over every dim but the channel (PyTorch's BatchNorm2d, and BatchNorm1d for
 * (N, C)): x (N, C, H, W) or (N, C), gamma, beta, runningMean, runningVar (C) -> x's shape.
 *
 * Training: normalises with the batch mean and biased variance, and updates the running
 * statistics in place, as PyTorch does: running = (1 - momentum) * running + momentum * batch,
 * where the batch variance for runningVar is the unbiased one (times M / (M - 1), M = N * H * W).
 * Eval: normalises with runningMean and rstd = 1 / sqrt(runningVar + eps); nothing is updated.
 * Gradients flow to x, gamma and beta; the running statistics are buffers, not parameters.
 * With `branches`, the output (and the residual) has channels / branches channels.
 */
export function batchNorm2d(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  runningMean: Tensor,
  runningVar: Tensor,
  options: BatchNormOptions,
): Tensor {
  const { training, momentum = 0.1, eps = 1e-5, residual = null, relu = false } = options;
  const branches = options.branches ?? 1;
  if (x.rank < 2) {
    throw new SiftError(
      'SHAPE_MISMATCH',
      `batchNorm2d: x [${x.shape.join(', ')}] needs (N, C, ...)`,
    );
  }
  const [n, channels] = x.shape;
  const spatial = sizeOf(x.shape.slice(2));
  for (const [name, t] of [
    ['gamma', gamma],
    ['beta', beta],
    ['runningMean', runningMean],
    ['runningVar', runningVar],
  ] as const) {
    expectParam(name, t, channels, 'batchNorm2d');
  }
  if (!Number.isInteger(branches) || branches < 1 || channels % branches !== 0) {
    throw new SiftError(
      'SHAPE_MISMATCH',
      `batchNorm2d: ${channels} channels do not split into ${branches} branches`,
    );
  }
  const outShape = [n, channels / branches, ...x.shape.slice(2)];
  if (residual && residual.shape.join() !== outShape.join()) {
    throw new SiftError(
      'SHAPE_MISMATCH',
      `batchNorm2d: residual [${residual.shape.join(', ')}] should be [${outShape.join(', ')}]`,
    );
  }
  if (training) {
    const plan: BatchNormPlan = {
      n,
      channels,
      spatial,
      branches,
      eps,
      momentum,
      residual: !!residual,
      relu,
    };
    return batchNormTraining(x, gamma, beta, residual, runningMean, runningVar, plan, outShape);
  }
  let out = batchNormEval(x, gamma, beta, runningMean, runningVar, { n, channels, spatial }, eps);
  if (branches > 1) {
    // Eval runs outside the training step: the unfused composition is fine here.
    out = reshape(sum(reshape(out, [n, branches, sizeOf(outShape) / n]), 1), outShape);
  }
  if (residual) out = add(out, residual);
  return relu ? reluOp(out) : out;
}

export interface Dims {
  n: number;
  channels: number;
  spatial: number;
}

function batchNormTraining(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  residual: Tensor | null,
  runningMean: Tensor,
  runningVar: Tensor,
  plan: BatchNormPlan,
  outShape: Shape,
): Tensor {
  const b = x.backend;
  const count = plan.n * plan.spatial;
  if (count < 2) {
    // The unbiased variance needs two values; PyTorch refuses the same case.
    throw new SiftError(
      'INVALID_ARGUMENT',
      `batchNorm2d: training needs more than 1 value per channel, got ${count}`,
    );
  }
  const stats = b.batchNormTrain(
    {
      x: x.storage,
      gamma: gamma.storage,
      beta: beta.storage,
      residual: residual?.storage ?? null,
      runningMean: runningMean.storage,
      runningVar: runningVar.storage,
    },
    plan,
  );
  const mean = new Tensor(b, stats.mean, [plan.channels]);
  const rstd = new Tensor(b, stats.rstd, [plan.channels]);
  const inputs = residual ? [x, gamma, beta, residual] : [x, gamma, beta];
  const out = new Tensor(b, stats.out, outShape);
  record(out, 'batchNorm2d', inputs, (g) => {
    const grads = b.batchNormBackward(
      {
        x: x.storage,
        gamma: gamma.storage,
        dy: g.storage,
        mean: mean.storage,
        rstd: rstd.storage,
        out: out.storage,
      },
      plan,
    );
    const dresidual = grads.dresidual ? gradFor(residual!, grads.dresidual) : g;
    const paramGrads = [
      gradFor(x, grads.dx),
      gradFor(gamma, grads.dgamma),
      gradFor(beta, grads.dbeta),
    ];
    return residual ? [...paramGrads, dresidual] : paramGrads;
  });
  if (!out.creator) {
    mean.dispose();
    rstd.dispose();
  }
  return out;
}

function batchNormEval(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  runningMean: Tensor,
  runningVar: Tensor,
  { n, channels, spatial }: Dims,
  eps: number,
): Tensor {
  const b = x.backend;
  const varEps = b.unary('add-scalar', runningVar.storage, eps);
  const rstd = new Tensor(b, b.unary('pow-scalar', varEps, -0.5), [channels]);
  b.release(varEps);
  const shape = { n, channels, spatial };
  const applied = b.batchNormApply(
    {
      x: x.storage,
      gamma: gamma.storage,
      beta: beta.storage,
      mean: runningMean.storage,
      rstd: rstd.storage,
    },
    shape,
  );
  // With fixed statistics the map is affine per channel: dx = dy * gamma * rstd,
  // dgamma = sum(dy * xhat), dbeta = sum(dy), the sums over N and the spatial dims.
  const out = record(new Tensor(b, applied, x.shape), 'batchNorm2d', [x, gamma, beta], (g) => {
    const full: Shape = [n, channels, spatial];
    const perChannel: Shape = [channels, 1];
    let dx: Tensor | null = null;
    if (x.requiresGrad) {
      const factor = b.binary(
        'mul',
        gamma.storage,
        rstd.storage,
        broadcastPlan([channels], [channels]),
      );
      dx = new Tensor(
        b,
        b.binary('mul', g.storage, factor, broadcastPlan(full, perChannel)),
        x.shape,
      );
      b.release(factor);
    }
    let dgamma: Tensor | null = null;
    if (gamma.requiresGrad) {
      const ones = b.fill(channels, 1);
      const zeros = b.zeros(channels);
      const xhat = b.batchNormApply(
        { x: x.storage, gamma: ones, beta: zeros, mean: runningMean.storage, rstd: rstd.storage },
        shape,
      );
      const product = b.binary('mul', g.storage, xhat, broadcastPlan(full, full));
      dgamma = new Tensor(b, sumOverChannels(b, product, { n, channels, spatial }), gamma.shape);
      for (const s of [ones, zeros, xhat, product]) b.release(s);
    }
    const dbeta = beta.requiresGrad
      ? new Tensor(b, sumOverChannels(b, g.storage, { n, channels, spatial }), beta.shape)
      : null;
    return [dx, dgamma, dbeta];
  });
  if (!out.creator) rstd.dispose();
  return out;
}

// t (n, channels, spatial) -> (channels), summed over n and spatial: two middle-axis reduces.
export function sumOverChannels(b: Backend, t: Storage, { n, channels, spatial }: Dims): Storage {
  if (spatial === 1) return b.reduce('sum', t, 1, n, channels);
  const perSample = b.reduce('sum', t, n * channels, spatial, 1);
  const out = b.reduce('sum', perSample, 1, n, channels);
  b.release(perSample);
  return out;
}

// CPU reference for layer norm and batch norm, float64, from the definitions: normalise a group
// of values by its mean and biased variance, xhat = (x - mean) / sqrt(var + eps), then
// y = gamma * xhat + beta. Both norms share one group-wise routine; they differ only in which
// values form a group (a row of (rows, cols) for layer norm; a channel's n * spatial values of
// (n, channels, spatial) for batch norm) and which axis gamma and beta run along.
import type {
  BatchNormBackwardArgs,
  BatchNormGrads,
  BatchNormPlan,
  BatchNormTrainArgs,
  NormGrads,
  NormStats,
  Storage,
  BatchNormApplyArgs,
  BatchNormShape,
  LayerNormBackwardArgs,
  LayerNormArgs,
  LayerNormPlan,
} from '../tensor/backend';
import { cpu, wrap } from './storage';

/** Flat indices of the values in one normalisation group. */
type Group = (g: number) => number[];

function layerGroup(cols: number): Group {
  return (r) => Array.from({ length: cols }, (_, c) => r * cols + c);
}

function channelGroup(n: number, channels: number, spatial: number): Group {
  return (ch) => {
    const idx: number[] = [];
    for (let b = 0; b < n; b++) {
      for (let s = 0; s < spatial; s++) idx.push((b * channels + ch) * spatial + s);
    }
    return idx;
  };
}

function normalise(
  x: Float64Array,
  gamma: Float64Array,
  beta: Float64Array,
  groups: number,
  group: Group,
  paramOf: (i: number) => number,
  eps: number,
): NormStats {
  const out = new Float64Array(x.length);
  const mean = new Float64Array(groups);
  const rstd = new Float64Array(groups);
  for (let g = 0; g < groups; g++) {
    const idx = group(g);
    let mu = 0;
    for (const i of idx) mu += x[i];
    mu /= idx.length;
    let variance = 0;
    for (const i of idx) variance += (x[i] - mu) ** 2;
    variance /= idx.length;
    const r = 1 / Math.sqrt(variance + eps);
    for (const i of idx) out[i] = gamma[paramOf(i)] * (x[i] - mu) * r + beta[paramOf(i)];
    mean[g] = mu;
    rstd[g] = r;
  }
  return { out: wrap(out), mean: wrap(mean), rstd: wrap(rstd) };
}

// With xhat = (x - mean) * rstd over a group of M values, y = gamma * xhat + beta, and
// dxhat = dy * gamma: differentiating mean and variance through x gives
// dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)).
function normaliseBackward(
  x: Float64Array,
  gamma: Float64Array,
  dy: Float64Array,
  mean: Float64Array,
  rstd: Float64Array,
  groups: number,
  group: Group,
  paramOf: (i: number) => number,
  params: number,
): NormGrads {
  const dx = new Float64Array(x.length);
  const dgamma = new Float64Array(params);
  const dbeta = new Float64Array(params);
  for (let g = 0; g < groups; g++) {
    const idx = group(g);
    const xhat = (i: number) => (x[i] - mean[g]) * rstd[g];
    let dxhatMean = 0;
    let dxhatXhatMean = 0;
    for (const i of idx) {
      const dxhat = dy[i] * gamma[paramOf(i)];
      dxhatMean += dxhat;
      dxhatXhatMean += dxhat * xhat(i);
      dgamma[paramOf(i)] += dy[i] * xhat(i);
      dbeta[paramOf(i)] += dy[i];
    }
    dxhatMean /= idx.length;
    dxhatXhatMean /= idx.length;
    for (const i of idx) {
      const dxhat = dy[i] * gamma[paramOf(i)];
      dx[i] = rstd[g] * (dxhat - dxhatMean - xhat(i) * dxhatXhatMean);
    }
  }
  return { dx: wrap(dx), dgamma: wrap(dgamma), dbeta: wrap(dbeta) };
}

/** x (rows, cols), gamma and beta (cols) -> out (rows, cols), mean and rstd (rows). */
export function layerNorm(
  { x, gamma, beta }: LayerNormArgs,
  { rows, cols, eps }: LayerNormPlan,
): NormStats {
  return normalise(cpu(x), cpu(gamma), cpu(beta), rows, layerGroup(cols), (i) => i % cols, eps);
}

/** x, dy (rows, cols), gamma (cols), mean and rstd (rows) -> dx, dgamma, dbeta. */
export function layerNormBackward(
  { x, gamma, dy, mean, rstd }: LayerNormBackwardArgs,
  rows: number,
  cols: number,
): NormGrads {
  return normaliseBackward(
    cpu(x),
    cpu(gamma),
    cpu(dy),
    cpu(mean),
    cpu(rstd),
    rows,
    layerGroup(cols),
    (i) => i % cols,
    cols,
  );
}

/**
 * x (n, channels, spatial), gamma and beta (channels) -> out = relu?(sum over branches of bn(x)
 * + residual?) (n, channels / branches, spatial), the per-channel mean and rstd; the running
 * statistics blended in place (unbiased variance).
 */
export function batchNormTrain(args: BatchNormTrainArgs, plan: BatchNormPlan): NormStats {
  const { n, channels, spatial, eps, momentum, branches } = plan;
  const channelOf = (i: number) => Math.floor(i / spatial) % channels;
  const group = channelGroup(n, channels, spatial);
  const xs = cpu(args.x);
  const stats = normalise(xs, cpu(args.gamma), cpu(args.beta), channels, group, channelOf, eps);
  const out = sumBranches(cpu(stats.out), n, branches, (channels / branches) * spatial);
  if (plan.residual) {
    if (!args.residual) throw new Error('batchNormTrain: plan.residual without a residual');
    const r = cpu(args.residual);
    for (let i = 0; i < out.length; i++) out[i] += r[i];
  }
  if (plan.relu) for (let i = 0; i < out.length; i++) out[i] = Math.max(0, out[i]);
  const [runningMean, runningVar] = [cpu(args.runningMean), cpu(args.runningVar)];
  for (let c = 0; c < channels; c++) {
    const idx = group(c);
    const mean = idx.reduce((sum, i) => sum + xs[i], 0) / idx.length;
    const sumSq = idx.reduce((sum, i) => sum + (xs[i] - mean) ** 2, 0);
    runningMean[c] = (1 - momentum) * runningMean[c] + momentum * mean;
    runningVar[c] = (1 - momentum) * runningVar[c] + (momentum * sumSq) / (idx.length - 1);
  }
  return { ...stats, out: wrap(out) };
}

// (n, branches, inner) -> (n, inner), summed over the branches; 1 branch is the identity.
function sumBranches(x: Float64Array, n: number, branches: number, inner: number): Float64Array {
  const out = new Float64Array(n * inner);
  for (let b = 0; b < n; b++) {
    for (let j = 0; j < branches; j++) {
      for (let k = 0; k < inner; k++) out[b * inner + k] += x[(b * branches + j) * inner + k];
    }
  }
  return out;
}

/** out = gamma[c] * (x - mean[c]) * rstd[c] + beta[c] for x (n, channels, spatial). */
export function batchNormApply(
  { x, gamma, beta, mean, rstd }: BatchNormApplyArgs,
  { n, channels, spatial }: BatchNormShape,
): Storage {
  const xs = cpu(x);
  const [g, b, mu, r] = [cpu(gamma), cpu(beta), cpu(mean), cpu(rstd)];
  const out = new Float64Array(n * channels * spatial);
  for (let i = 0; i < out.length; i++) {
    const c = Math.floor(i / spatial) % channels;
    out[i] = g[c] * (xs[i] - mu[c]) * r[c] + b[c];
  }
  return wrap(out);
}

/**
 * Training-mode backward (batch statistics depend on x) for x (n, channels, spatial) and dy
 * (n, channels / branches, spatial): dy is first taken back through the ReLU (zero where
 * out <= 0) when plan.relu, then handed to every branch (the branch sum's backward).
 */
export function batchNormBackward(
  args: BatchNormBackwardArgs,
  plan: BatchNormPlan,
): BatchNormGrads {
  const { n, channels, spatial, branches } = plan;
  const channelOf = (i: number) => Math.floor(i / spatial) % channels;
  const dz = Float64Array.from(cpu(args.dy));
  if (plan.relu) {
    const out = cpu(args.out);
    for (let i = 0; i < dz.length; i++) if (!(out[i] > 0)) dz[i] = 0;
  }
  const inner = (channels / branches) * spatial;
  const perBranch = new Float64Array(n * channels * spatial);
  perBranch.forEach((_, i) => {
    const b = Math.floor(i / (branches * inner));
    perBranch[i] = dz[b * inner + (i % inner)];
  });
  const grads = normaliseBackward(
    cpu(args.x),
    cpu(args.gamma),
    perBranch,
    cpu(args.mean),
    cpu(args.rstd),
    channels,
    channelGroup(n, channels, spatial),
    channelOf,
    channels,
  );
  return { ...grads, dresidual: plan.residual && plan.relu ? wrap(dz) : null };
}

// Sparse Parallel (SIFT.md): y = sum_j norm_j(W_j x) over n equally shaped branches, computed as
// ONE product with the n weights stacked along the output dim (n * out channels) and ONE norm
// kernel over the n * out channels that also sums the branches (and takes a ResNet block's
// residual add and ReLU), instead of n chains of kernels.
// Each branch keeps its own tensors (weights, norm parameters, running statistics); stacking them
// is a view where they lie end to end in memory (the optimiser's arena for weights, the unit's
// packed statistics), else buffer copies, and the stacked gradients land in the branches'
// gradient slots directly (ops/stack.ts).
import { SiftError } from '../common/errors';
import { full, Tensor, zeros } from '../tensor/tensor';
import { conv2d } from './conv';
import { add, mul } from './elementwise';
import { matmul } from './matmul';
import { batchNorm2d, layerNorm } from './norm';
import { sum } from './reduce';
import { reshape } from './shape';
import { stackLeading } from './stack';
import { sparseLinear, stackSparseWeights, type SparseGroupState } from './sparse';

export interface BranchBatchNorms {
  kind: 'batchnorm';
  gammas: readonly Tensor[];
  betas: readonly Tensor[];
  /** Updated in place in training mode, as each branch's own batch norm would. */
  runningMeans: readonly Tensor[];
  runningVars: readonly Tensor[];
  training: boolean;
  momentum: number;
  eps: number;
}

export interface BranchLayerNorms {
  kind: 'layernorm';
  gammas: readonly Tensor[];
  betas: readonly Tensor[];
  eps: number;
}

/** The n branches of one Sparse Parallel layer. */
export interface ParallelBranches {
  /** Conv (O, C, KH, KW) or linear (out, in) weights, all the same shape. */
  weights: readonly Tensor[];
  biases: readonly Tensor[] | null;
  norms: BranchBatchNorms | BranchLayerNorms;
  /** The branches' masks (gradient masking, compressed path); null for plain dense weights. */
  group: SparseGroupState | null;
}

function check(branches: ParallelBranches, conv: boolean): void {
  const { weights, norms } = branches;
  const n = weights.length;
  const first = weights[0];
  const same = (ts: readonly Tensor[] | null) => !ts || ts.length === n;
  if (
    n === 0 ||
    weights.some((w) => w.shape.join() !== first.shape.join()) ||
    !same(branches.biases) ||
    !same(norms.gammas) ||
    !same(norms.betas) ||
    (conv ? first.rank !== 4 || norms.kind !== 'batchnorm' : first.rank !== 2)
  ) {
    throw new SiftError(
      'SHAPE_MISMATCH',
      `parallel branches: need n >= 1 equally shaped ${conv ? 'conv weights with batch norms' : 'linear weights'} and one bias/norm per branch`,
    );
  }
}

/** What a ResNet applies right after a layer's norm, fused into the grouped norm's kernel. */
export interface NormEpilogue {
  /** Added after the branch sum; the output's shape. */
  residual?: Tensor | null;
  relu?: boolean;
}

/**
 * relu?(sum_j BN_j(conv2d(x, W_j) + b_j) + residual?): x (N, C, H, W) -> (N, O, OH, OW).
 */
export function parallelConv2d(
  x: Tensor,
  branches: ParallelBranches,
  options: { stride: number; padding: number },
  epilogue: NormEpilogue = {},
): Tensor {
  check(branches, true);
  const { weight, compressed } = stackSparseWeights(branches.weights, branches.group);
  const bias = branches.biases ? stackLeading(branches.biases) : null;
  const y = conv2d(x, weight, bias, { ...options, sparse: compressed });
  return groupedBatchNorm(y, branches.norms as BranchBatchNorms, epilogue);
}

/** sum_j norm_j(x W_j^T + b_j): x (..., in) -> (..., out). */
export function parallelLinear(x: Tensor, branches: ParallelBranches): Tensor {
  check(branches, false);
  const n = branches.weights.length;
  const [out, inFeatures] = branches.weights[0].shape;
  const { weight, compressed } = stackSparseWeights(branches.weights, branches.group);
  const lead = x.shape.slice(0, -1);
  const x2 = reshape(x, [-1, inFeatures]);
  let y = compressed ? sparseLinear(x2, weight, compressed) : matmul(x2, weight, { transB: true });
  if (branches.biases) y = add(y, stackLeading(branches.biases));
  const norms = branches.norms;
  if (norms.kind === 'batchnorm') return reshape(groupedBatchNorm(y, norms), [...lead, out]);
  const normed = groupedLayerNorm(reshape(y, [-1, n, out]), norms);
  return reshape(sum(normed, 1), [...lead, out]);
}

/**
 * relu?(sum_j BN_j(y_j) + residual?) for BN_j over channels [j * C, (j + 1) * C) of y
 * (N, n * C, ...): one batch norm kernel, output (N, C, ...).
 */
function groupedBatchNorm(
  y: Tensor,
  norms: BranchBatchNorms,
  { residual = null, relu = false }: NormEpilogue = {},
): Tensor {
  const runningMean = stackedStatistics(norms.runningMeans);
  const runningVar = stackedStatistics(norms.runningVars);
  const out = batchNorm2d(
    y,
    stackLeading(norms.gammas),
    stackLeading(norms.betas),
    runningMean.stacked,
    runningVar.stacked,
    { ...norms, branches: norms.gammas.length, residual, relu },
  );
  if (norms.training) {
    // batchNorm2d updated the stacked statistics in place; copies hand each branch its slice.
    // (In eval mode its backward still reads them, and the enclosing scope releases them.)
    for (const { stacked, copied } of [runningMean, runningVar]) {
      if (!copied) continue;
      copied.forEach((t, j) =>
        t.backend.copyRange(t.storage, 0, stacked.storage, j * t.size, t.size),
      );
      stacked.dispose();
    }
  }
  return out;
}

/**
 * The branches' running statistics as one tensor: a view when they lie end to end (the unit
 * packs them so, models/units.ts), else a copy, with the tensors to copy the update back to.
 */
function stackedStatistics(ts: readonly Tensor[]): {
  stacked: Tensor;
  copied: readonly Tensor[] | null;
} {
  const be = ts[0].backend;
  const span = ts.length > 1 ? be.span(ts.map((t) => t.storage)) : ts[0].storage;
  const shape = [ts.reduce((n, t) => n + t.size, 0)];
  if (span) return { stacked: new Tensor(be, span, shape), copied: null };
  return { stacked: new Tensor(be, be.concatFlat(ts.map((t) => t.storage)), shape), copied: ts };
}

/** LN_j over the last dim of branch j of y (rows, n, out): one normalisation, then the n affines. */
function groupedLayerNorm(y: Tensor, norms: BranchLayerNorms): Tensor {
  const [, n, out] = y.shape;
  const plain = layerNorm(y, full(y.backend, [out], 1), zeros(y.backend, [out]), norms.eps);
  const gamma = reshape(stackLeading(norms.gammas), [n, out]);
  const beta = reshape(stackLeading(norms.betas), [n, out]);
  return add(mul(plain, gamma), beta);
}

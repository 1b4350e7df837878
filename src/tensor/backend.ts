// The closed list of primitives. Two implementations: src/gpu/backend.ts (WGSL kernels) and
// src/reference/backend.ts (plain float64 loops, written independently, used for gradient checks
// and GPU parity tests). Everything differentiable in src/ops is composed from these.
//
// Conventions: storages are flat, contiguous, row-major; shapes travel as plain numbers.
// Integer data (labels, token ids, pool argmax) is stored as float32, exact below 2^24.

/** An opaque handle to a backend's memory holding `size` float values. */
export interface Storage {
  readonly size: number;
}

export type UnaryOp =
  | 'neg'
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'abs'
  | 'relu'
  | 'gelu'
  | 'tanh'
  | 'sigmoid'
  | 'square'
  /** x * alpha */
  | 'scale'
  /** x + alpha */
  | 'add-scalar'
  /** x ^ alpha */
  | 'pow-scalar';

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'max' | 'min';

export type ReduceOp = 'sum' | 'max';

/**
 * A broadcasting elementwise plan: the output has `outShape`; element i of the output reads
 * a[sum_d idx_d * aStrides[d]] and b[sum_d idx_d * bStrides[d]] (stride 0 on broadcast dims).
 */
export interface BroadcastPlan {
  outShape: readonly number[];
  aStrides: readonly number[];
  bStrides: readonly number[];
}

/** A strided view: out[idx] = src[offset + sum_d idx_d * strides[d]] for idx in `shape`. */
export interface StridedView {
  shape: readonly number[];
  strides: readonly number[];
  offset: number;
}

export interface MatmulPlan {
  batch: number;
  m: number;
  n: number;
  k: number;
  /** A is (batch, k, m) instead of (batch, m, k). */
  transA: boolean;
  /** B is (batch, n, k) instead of (batch, k, n). */
  transB: boolean;
  /** Elements between consecutive batch matrices; 0 broadcasts one matrix to every batch. */
  aBatchStride: number;
  bBatchStride: number;
}

/** A conv2d product's geometry: the im2col plan and the weight's output channels. */
export interface ConvProductPlan extends Conv2dPlan {
  outChannels: number;
}

export interface ConvForwardArgs {
  x: Storage;
  weight: Storage;
  bias: Storage | null;
}

export interface Conv2dPlan {
  batch: number;
  inChannels: number;
  inHeight: number;
  inWidth: number;
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  outHeight: number;
  outWidth: number;
}

export interface Pool2dPlan {
  /** batch * channels planes. */
  planes: number;
  inHeight: number;
  inWidth: number;
  kernel: number;
  stride: number;
  pad: number;
  outHeight: number;
  outWidth: number;
}

export interface NormStats {
  out: Storage;
  /** Per-group mean and 1/sqrt(var + eps), kept for the backward pass. */
  mean: Storage;
  rstd: Storage;
}

export interface NormGrads {
  dx: Storage;
  dgamma: Storage;
  dbeta: Storage;
}

/**
 * Training-mode batch norm over x (n, channels, spatial) with what a ResNet puts right after it
 * fused in: out = relu?(gamma * (x - mean) * rstd + beta + residual?). With branches > 1 the
 * channels are Sparse Parallel's stacked branch norms, channel j * (channels / branches) + o being
 * branch j's copy of output channel o, summed before the residual and the ReLU: out, residual and
 * dy are (n, channels / branches, spatial).
 */
export interface BatchNormPlan {
  n: number;
  channels: number;
  spatial: number;
  /** Norms summed into each output channel; 1 for a plain batch norm. Divides channels. */
  branches: number;
  eps: number;
  /** Weight of this batch in the running statistics (PyTorch's momentum, 0.1 by default). */
  momentum: number;
  /** A residual shaped like x is added after the affine map. */
  residual: boolean;
  /** The output goes through max(0, .) last. */
  relu: boolean;
}

/** Cross-entropy backward's inputs: logits (rows, cols), labels and the loss gradient (rows). */
export interface CrossEntropyBackwardArgs {
  logits: Storage;
  labels: Storage;
  dloss: Storage;
}

/** Layer norm's inputs: x (rows, cols), gamma and beta (cols). */
export interface LayerNormArgs {
  x: Storage;
  gamma: Storage;
  beta: Storage;
}

/** Layer norm over the last axis of (rows, cols), rstd = 1 / sqrt(biased var + eps). */
export interface LayerNormPlan {
  rows: number;
  cols: number;
  eps: number;
}

/** Layer norm backward's inputs: x, dy (rows, cols), gamma (cols), the forward's mean and rstd (rows). */
export interface LayerNormBackwardArgs {
  x: Storage;
  gamma: Storage;
  dy: Storage;
  mean: Storage;
  rstd: Storage;
}

/** The (n, channels, spatial) view of x every batch-norm primitive works on. */
export type BatchNormShape = Pick<BatchNormPlan, 'n' | 'channels' | 'spatial'>;

/** Eval mode: x normalised with given per-channel mean and rstd, then gamma, beta. */
export interface BatchNormApplyArgs {
  x: Storage;
  gamma: Storage;
  beta: Storage;
  mean: Storage;
  rstd: Storage;
}

export interface BatchNormTrainArgs {
  x: Storage;
  gamma: Storage;
  beta: Storage;
  /** Given exactly when plan.residual. */
  residual: Storage | null;
  /**
   * PyTorch's running statistics, updated in place: running = (1 - momentum) * running +
   * momentum * batch, with the unbiased batch variance for runningVar.
   */
  runningMean: Storage;
  runningVar: Storage;
}

export interface BatchNormBackwardArgs {
  x: Storage;
  gamma: Storage;
  dy: Storage;
  mean: Storage;
  rstd: Storage;
  /** The forward's output: its sign is the ReLU's mask (read only when plan.relu). */
  out: Storage;
}

export interface BatchNormGrads extends NormGrads {
  /**
   * The residual's gradient, dy through the ReLU: given when plan.residual and plan.relu (without
   * the ReLU it is dy itself).
   */
  dresidual: Storage | null;
}

export interface SgdParams {
  lr: number;
  momentum: number;
  weightDecay: number;
  nesterov: boolean;
  /** Multiplies the gradient first (global-norm clipping). */
  gradScale: number;
  /**
   * Optional 1-element storage that also multiplies the gradient, read on the device: a factor
   * computed on the GPU (global-norm clipping, src/nn/optim/clip.ts) applies without a readback.
   */
  gradScaleBuffer?: Storage;
  /**
   * Weight decay by element range, for an arena holding parameter groups: element i takes the
   * decay of the first range with i < end, the last range covering the rest whatever its end; at
   * most MAX_DECAY_RANGES. Absent: `weightDecay` everywhere.
   */
  decayRanges?: readonly DecayRange[];
  /**
   * SIFT's 0/1 mask, the size of w: the gradient is masked before the update, the weight and the
   * optimiser state after it (docs/sift-method.md, "Sparse training"), in the same pass.
   */
  mask?: Storage;
}

export interface AdamWParams {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** 1-based step count, for bias correction. */
  step: number;
  gradScale: number;
  /** As SgdParams.gradScaleBuffer: a 1-element device-side gradient factor. */
  gradScaleBuffer?: Storage;
  /** As SgdParams.decayRanges (decoupled decay here). */
  decayRanges?: readonly DecayRange[];
  /** As SgdParams.mask: gradient, weight and both moments masked. */
  mask?: Storage;
}

/** Elements below `end` (and above the previous range's end) decay by `weightDecay`. */
export interface DecayRange {
  end: number;
  weightDecay: number;
}

/** How many weight decay ranges one optimiser pass takes (the shaders' uniform fields). */
export const MAX_DECAY_RANGES = 4;

/**
 * One allocation holding several tensors (e.g. every parameter, so that one optimiser pass
 * updates them all): `parts` are storages every primitive takes like any other, `whole` spans
 * them, `offsets` are where each part starts in the whole (values; parts may be padded apart for
 * the device's alignment). Values start at `fillValue`. Releasing a part does nothing; the owner
 * releases `whole`, which frees them all.
 */
export interface Arena {
  whole: Storage;
  parts: Storage[];
  offsets: number[];
}

export interface Backend {
  readonly name: 'webgpu' | 'cpu';

  // memory
  upload(data: ArrayLike<number>): Storage;
  zeros(size: number): Storage;
  fill(size: number, value: number): Storage;
  read(s: Storage): Promise<Float32Array>;
  release(s: Storage): void;
  /** Copy `src` into `dst` in place (same size). */
  assign(dst: Storage, src: Storage): void;
  /** A new storage holding a copy of `src` (a buffer copy on the GPU, no kernel). */
  clone(src: Storage): Storage;
  /**
   * Tensors of `sizes` values in one allocation, each `fillValue` to start; see Arena. `packed`
   * lays the parts end to end without padding, so that span() joins any run of them; on the GPU
   * such a part may then start off the device's binding alignment and can only be copied, read
   * or written, not bound to a kernel on its own (use its span).
   */
  arena(sizes: readonly number[], fillValue: number, packed?: boolean): Arena;
  /**
   * The parts as one storage without a copy, when they lie end to end in one allocation and the
   * result can be bound to a kernel (e.g. an arena's parts with no padding between); else null.
   * The span is a view: releasing it frees nothing, and it lives as long as the allocation.
   */
  span(parts: readonly Storage[]): Storage | null;

  // elementwise
  unary(op: UnaryOp, x: Storage, alpha?: number): Storage;
  /** dx = dy * f'(x) for op f (alpha as in unary). */
  unaryBackward(op: UnaryOp, x: Storage, dy: Storage, alpha?: number): Storage;
  binary(op: BinaryOp, a: Storage, b: Storage, plan: BroadcastPlan): Storage;
  /** In place: dst += src (same size). Used to accumulate gradients. */
  addInPlace(dst: Storage, src: Storage): void;
  /** out[i] = cond[i] > 0 ? a[i] : b[i]; all the same size. Used by max/min backward and relu-like masks. */
  select(cond: Storage, a: Storage, b: Storage): Storage;

  // layout
  /** Materialise a strided view of `src` as a contiguous tensor. */
  gatherStrided(src: Storage, view: StridedView): Storage;
  /** The adjoint of gatherStrided: dst[offset + idx . strides] += src[idx], in place. */
  scatterAddStrided(dst: Storage, src: Storage, view: StridedView): void;
  /** The parts laid end to end in one new storage (buffer copies, no kernel). */
  concatFlat(parts: readonly Storage[]): Storage;
  /** A new storage holding src[offset, offset + count) (a buffer copy, no kernel). */
  sliceFlat(src: Storage, offset: number, count: number): Storage;
  /** In place: dst[dstOffset + i] = src[srcOffset + i] for i < count (a buffer copy, no kernel). */
  copyRange(dst: Storage, dstOffset: number, src: Storage, srcOffset: number, count: number): void;

  // reductions over the middle axis of (outer, reduce, inner)
  reduce(op: ReduceOp, x: Storage, outer: number, reduce: number, inner: number): Storage;
  /** Index of the maximum over the last axis of (rows, cols), first index on ties. */
  argmax(x: Storage, rows: number, cols: number): Storage;

  // matmul
  matmul(a: Storage, b: Storage, plan: MatmulPlan): Storage;

  // softmax and loss over the last axis of (rows, cols)
  softmax(x: Storage, rows: number, cols: number): Storage;
  /** dx = y * (dy - sum(dy * y)) per row. */
  softmaxBackward(y: Storage, dy: Storage, rows: number, cols: number): Storage;
  /** Per-row loss -log softmax(logits)[label]. */
  crossEntropy(logits: Storage, labels: Storage, rows: number, cols: number): Storage;
  /** dlogits = (softmax(logits) - onehot(label)) * dloss[row]. */
  crossEntropyBackward(args: CrossEntropyBackwardArgs, rows: number, cols: number): Storage;

  // normalisation
  /** Over the last axis of (rows, cols), with gamma, beta of length cols. */
  layerNorm(args: LayerNormArgs, plan: LayerNormPlan): NormStats;
  layerNormBackward(args: LayerNormBackwardArgs, rows: number, cols: number): NormGrads;
  /**
   * Batch statistics of x shaped (n, channels, spatial) over n and spatial, normalised with them,
   * the residual added and the ReLU applied as `plan` says; the running statistics are updated in
   * place. `mean`/`rstd` are per channel.
   */
  batchNormTrain(args: BatchNormTrainArgs, plan: BatchNormPlan): NormStats;
  /** Normalise with given per-channel mean and rstd (eval mode). */
  batchNormApply(args: BatchNormApplyArgs, shape: BatchNormShape): Storage;
  batchNormBackward(args: BatchNormBackwardArgs, plan: BatchNormPlan): BatchNormGrads;

  // convolution with a dense weight: implicit GEMM, NCHW x / dy and OIHW W as they stand
  /** y (N, O, OH, OW) = conv2d(x, weight) + bias (cross-correlation, PyTorch's nn.Conv2d). */
  convForward(args: ConvForwardArgs, plan: ConvProductPlan): Storage;
  /** dx (N, C, H, W) of conv2d from dy (N, O, OH, OW) and weight (O, C, KH, KW). */
  convInputGrad(dy: Storage, weight: Storage, plan: ConvProductPlan): Storage;
  /** dW (O, C, KH, KW) of conv2d from dy (N, O, OH, OW) and x (N, C, H, W). */
  convWeightGrad(dy: Storage, x: Storage, plan: ConvProductPlan): Storage;

  /**
   * x (N, C, H, W) -> cols (N * OH * OW, C * KH * KW), zeros where the window hits padding: the
   * patch matrix of RigL's dense weight gradient on the compressed path (ops/sparse-conv.ts).
   */
  im2col(x: Storage, plan: Conv2dPlan): Storage;

  // pooling over planes (N * C, H, W)
  maxPool(x: Storage, plan: Pool2dPlan): { out: Storage; argmax: Storage };
  maxPoolBackward(dy: Storage, argmax: Storage, plan: Pool2dPlan): Storage;
  /** Average pool; padding counts in the divisor (PyTorch count_include_pad=True). */
  avgPool(x: Storage, plan: Pool2dPlan): Storage;
  avgPoolBackward(dy: Storage, plan: Pool2dPlan): Storage;

  // embeddings
  /** out[r] = table[indices[r]] for rows of width `dim`. */
  gatherRows(table: Storage, indices: Storage, count: number, dim: number): Storage;
  /** dtable (rows, dim) with dtable[indices[r]] += grad[r]. */
  scatterAddRows(
    grad: Storage,
    indices: Storage,
    count: number,
    rows: number,
    dim: number,
  ): Storage;

  // randomness
  /** Inverted-dropout multiplier: 0 with probability p, else 1/(1-p); stream (seed, i). */
  dropoutMask(size: number, p: number, seed: number): Storage;

  // optimisers, in place on w (and state)
  sgdStep(w: Storage, g: Storage, momentum: Storage | null, p: SgdParams): void;
  adamwStep(w: Storage, g: Storage, m: Storage, v: Storage, p: AdamWParams): void;
}

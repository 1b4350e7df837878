// The sparse primitives of SIFT (masks, masked products, the compressed zero-skipping path, and
// mask regrowth), kept apart from the closed dense list in backend.ts. Two implementations share
// Storage handles with the dense backends: src/gpu/sparse-backend.ts (WGSL) and
// src/reference/sparse.ts (float64 loops from the definitions).
//
// Conventions: a mask is a Storage of 0/1 floats the size of its weight; its active count is known
// exactly on the host because every producer below makes exactly the count it is asked for.
// A linear layer has W (outFeatures, inFeatures) row-major, x (batch, inFeatures),
// y = x (W*M)^T (batch, outFeatures). A conv is the same product on im2col columns:
// batch = N * OH * OW, inFeatures = C_in * KH * KW, outFeatures = C_out.
//
// Ties: every selection ranks by score, higher first, and among equal scores the LOWER flat index
// ranks higher (it is kept first, grown first, dropped last). Scores compare as float32.
import type { Conv2dPlan, Storage } from './backend';

/** Sizes of one linear product: x (batch, inFeatures), W (outFeatures, inFeatures). */
export interface LinearShape {
  batch: number;
  inFeatures: number;
  outFeatures: number;
}

/** One masked-dense product: x (batch, inFeatures), W and its mask (outFeatures, inFeatures). */
export interface MaskedLinearPlan {
  x: Storage;
  w: Storage;
  mask: Storage;
  shape: LinearShape;
}

/** A mask to index: rows = outFeatures, cols = inFeatures, nnz = the mask's active count. */
export interface CsrBuildPlan {
  mask: Storage;
  rows: number;
  cols: number;
  nnz: number;
}

/**
 * One compressed product: x (batch, csr.cols) against W*M. The kernels read W itself at the
 * index's positions (no value copy to refresh); the mask gives the masked gradient its zeros.
 */
export interface CsrLinearPlan {
  x: Storage;
  w: Storage;
  mask: Storage;
  csr: CsrWeight;
  batch: number;
}

/**
 * One compressed conv, computed implicitly from x (N, C, H, W) and W (O, C, KH, KW), compressed
 * as (O, C * KH * KW); no im2col buffer. As CsrLinearPlan, W and the mask are read directly.
 */
export interface CsrConvPlan {
  x: Storage;
  w: Storage;
  mask: Storage;
  csr: CsrWeight;
  conv: Conv2dPlan;
}

/** What a compressed conv's backward produces: dx, and dw masked (SDDMM) or not at all. */
export interface CsrConvGradRequest {
  input: boolean;
  maskedWeight: boolean;
}

/** Which weight gradient a backward pass should produce. */
export type WeightGradKind =
  /** (dy^T x) * M: the gradient the optimiser sees every step. */
  | 'masked'
  /** dy^T x unmasked: what RigL's grow criterion needs on update steps. */
  | 'dense'
  | 'none';

export interface LinearGradRequest {
  /** Produce dx (batch, inFeatures). */
  input: boolean;
  weight: WeightGradKind;
}

/** dx (batch, inFeatures) and dw (outFeatures, inFeatures), null where not requested. */
export interface LinearGrads {
  dx: Storage | null;
  dw: Storage | null;
}

/**
 * The index of a mask by rows (CSR over output features) and by columns (CSR of the transpose,
 * i.e. CSC), for the zero-skipping path. The index storages are opaque (u32 on the GPU,
 * integer-valued floats on the CPU); only the backend that built them reads them.
 * It holds no values: the kernels read W at row * cols + col, so the index changes only when the
 * mask does (rebuild with csrBuild) and nothing is copied when W changes.
 */
export interface CsrWeight {
  readonly rows: number;
  readonly cols: number;
  /** Nonzeros = the mask's active count. */
  readonly nnz: number;
  /** By rows: rowPtr (rows + 1), colIdx (nnz, ascending in a row), flat index into W (nnz). */
  readonly rowPtr: Storage;
  readonly colIdx: Storage;
  readonly flat: Storage;
  /** By columns: tRowPtr (cols + 1), tColIdx (nnz: the row of W, ascending in a column). */
  readonly tRowPtr: Storage;
  readonly tColIdx: Storage;
}

/** Where a regrowth takes the grow score of inactive positions from. */
export type GrowScore =
  /** RigL: |dense gradient| (one minibatch, unmasked), same size as the weight. */
  | { kind: 'gradient'; grad: Storage }
  /** SET: a uniform random score, randomU32(seed, i) >>> 1 (src/common/rng.ts). */
  | { kind: 'random'; seed: number };

/**
 * One drop-and-grow of one weight (RigL / SET, as in the RigL reference code):
 * keep = the (activeCount - dropCount) active positions of largest |w|;
 * grow = the dropCount positions outside `keep` of largest grow score (a position dropped in this
 * update may be grown back, keeping its weight);
 * new mask = keep + grow, so its active count is activeCount again, exactly.
 */
export interface RegrowRequest {
  /** W, size n = mask size; scores use |w| as float32. */
  weight: Storage;
  mask: Storage;
  activeCount: number;
  /** 0 <= dropCount <= activeCount (and activeCount <= n). */
  dropCount: number;
  grow: GrowScore;
}

export interface SparseBackend {
  readonly name: 'webgpu' | 'cpu';

  /** Give back a Storage this backend returned (masks, gradients, products). */
  release(s: Storage): void;

  // masks
  /** out = mask > 0.5 ? x : 0 (exact zeros, even where x is not finite). */
  maskApply(x: Storage, mask: Storage): Storage;
  /**
   * In place: x = (keepA > 0.5 && keepB > 0.5) ? x : 0. With keepA = keepB = mask it masks x;
   * with the masks before and after a regrowth it zeroes dropped positions and newly grown ones,
   * which is what weights and optimiser state need after an update.
   */
  maskRetainInPlace(x: Storage, keepA: Storage, keepB: Storage): void;
  /** A mask of `size` with exactly `activeCount` ones at uniformly random positions (seeded). */
  maskInitRandom(size: number, activeCount: number, seed: number): Storage;
  /** Drop and grow (see RegrowRequest); returns the new mask, a fresh Storage. */
  regrow(request: RegrowRequest): Storage;

  // masked dense path: W*M materialised, then the dense matmul
  /** y (batch, out) = x (batch, in) @ (W*M)^T. */
  maskedLinearForward(p: MaskedLinearPlan): Storage;
  /** dx = dy (W*M); dw = (dy^T x) * M or dy^T x. */
  maskedLinearBackward(p: MaskedLinearPlan, dy: Storage, want: LinearGradRequest): LinearGrads;

  // zero-skipping path: work proportional to the active count
  /** Index the mask; nnz must equal its active count. */
  csrBuild(p: CsrBuildPlan): CsrWeight;
  csrRelease(csr: CsrWeight): void;
  /** y (batch, rows) = x (batch, cols) @ S^T, S the compressed W*M. */
  csrLinearForward(p: CsrLinearPlan): Storage;
  /** dx = dy S; dw = (dy^T x) at the mask's positions only (SDDMM), zeros elsewhere, or dense. */
  csrLinearBackward(p: CsrLinearPlan, dy: Storage, want: LinearGradRequest): LinearGrads;
  /** y (N, O, OH, OW) = conv2d(x, W*M), cross-correlation as PyTorch's, no bias. */
  csrConvForward(p: CsrConvPlan): Storage;
  /** dx (N, C, H, W) and dw = (dW of conv2d) * M (zeros off the mask), from dy (N, O, OH, OW). */
  csrConvBackward(p: CsrConvPlan, dy: Storage, want: CsrConvGradRequest): LinearGrads;
}

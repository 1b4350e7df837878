// The iso-FLOP sizes of the paper's table, as closed forms, plus the integer rounding each uses.
// A sparse layer at sparsity s costs (1 - s) of its dense size; each size below makes the
// replacement cost what the dense layer did. Rounding rules are recorded in plan.ts's header.
import { toDensity, type Density, type Sparsity } from '../../spec/sparsity';

// Products such as 64 * sqrt(1 / (1 - 0.75)) land within a few ulps of an integer; without a
// tolerance floor/ceil would turn 128 - 1e-14 into 127.
const ROUNDING_TOLERANCE = 1e-9;

/** Sparse Wide width multiplier k = sqrt(1 / (1 - s)). */
export function wideScale(sparsity: Sparsity): number {
  return Math.sqrt(1 / (1 - sparsity));
}

/**
 * Sparse Wide base width of a ResNet: floor(base * k), the reference code's int(), which gives
 * the paper's 64 -> 90 / 128 / 202 at s = 0.5 / 0.75 / 0.9 (stage widths stay multiples of it).
 */
export function wideResNetBaseWidth(baseWidth: number, sparsity: Sparsity): number {
  return Math.floor(baseWidth * wideScale(sparsity) + ROUNDING_TOLERANCE);
}

/**
 * Sparse Wide d_model of a GPT: d * k rounded to the nearest multiple of nHead, so the head count
 * stays and every head widens equally. Gives the paper's GPT-3 Small 768 -> 1092 (s = 0.5, from
 * 1086.1) and 1536 (s = 0.75); floor would give 1080.
 */
export function wideGptDModel(dModel: number, nHead: number, sparsity: Sparsity): number {
  return Math.max(1, Math.round((dModel * wideScale(sparsity)) / nHead)) * nHead;
}

/** Sparse Parallel branch count n = 1 / (1 - s), rounded to nearest (2, 4, 10 at .5, .75, .9). */
export function parallelBranches(sparsity: Sparsity): number {
  return Math.max(1, Math.round(1 / (1 - sparsity)));
}

/**
 * Density of each of n Parallel branches: 1 / n, so n branches cost exactly the dense layer at
 * every slider position. Equals 1 - s where 1 / (1 - s) is an integer (s = .5/.75/.9); elsewhere
 * the branches run at the effective sparsity 1 - 1/n (s = .6: 3 branches at sparsity 0.667, not
 * 3 at 0.6, which would cost 1.2x dense).
 */
export function parallelBranchDensity(branches: number): Density {
  return toDensity(1 / branches);
}

/**
 * Sparse Factorized inner width d = D_in * D_out / ((D_in + D_out)(1 - s)), rounded up
 * (docs/sift-method.md): U (D_in -> d) and V (d -> D_out), both at density 1 - s, then cost at
 * least the dense layer.
 */
export function factorizedRank(dIn: number, dOut: number, sparsity: Sparsity): number {
  return Math.ceil((dIn * dOut) / ((dIn + dOut) * (1 - sparsity)) - ROUNDING_TOLERANCE);
}

/**
 * Density of Factorized U and V after rounding the rank up: D_in D_out / (d (D_in + D_out)), at
 * most 1 - s, so the pair costs exactly the dense layer instead of up to one rank more (3% on
 * resnet-mini's 16-channel convs at s = .05). The Sparse Wide re-solve's idea, per layer.
 */
export function factorizedDensity(dIn: number, dOut: number, rank: number): Density {
  return toDensity(Math.min(1, (dIn * dOut) / (rank * (dIn + dOut))));
}

/**
 * Sparse Doped rank r = s * D_in * D_out / (D_in + D_out), rounded down (docs/sift-method.md): the
 * dense U, V pair costs r (D_in + D_out), the sparse full W costs (1 - s) D_in D_out; together at
 * most dense.
 */
export function dopedRank(dIn: number, dOut: number, sparsity: Sparsity): number {
  return Math.floor((sparsity * dIn * dOut) / (dIn + dOut) + ROUNDING_TOLERANCE);
}

/**
 * Density of Doped's sparse W after rounding the rank down: 1 - r (D_in + D_out) / (D_in D_out),
 * at least 1 - s, so W takes up the MACs the floor left over (up to 4% on resnet-mini at s = .83)
 * and U, V, W together cost exactly the dense layer. Rank 0 leaves W dense.
 */
export function dopedSparseDensity(dIn: number, dOut: number, rank: number): Density {
  return toDensity(1 - (rank * (dIn + dOut)) / (dIn * dOut));
}

/**
 * the paper's Sparse Wide budget re-solve: the widened stem and head stay dense, so the sparse body
 * gets density (F_dense - F_fixed,wide) / F_body,wide, where F_dense is the dense model's budget,
 * F_fixed,wide the widened dense layers' MACs and F_body,wide the widened sparse layers' MACs at
 * density 1. Returns a density before clamping; the caller checks it lies in (0, 1].
 */
export function resolveWideBodyDensity(
  denseBudgetMacs: number,
  fixedWideMacs: number,
  bodyWideMacs: number,
): number {
  return (denseBudgetMacs - fixedWideMacs) / bodyWideMacs;
}

// Products with a sparse weight on the zero-skipping path (src/tensor/sparse-backend.ts): the
// mask indexed by rows and columns, rebuilt when the mask changes; the kernels read W at the
// index's positions, so nothing runs per step to follow W. Used by nn.Linear and nn.Conv2d (its
// compressed product is ops/sparse-conv.ts) when their weight has a SparseWeightState.
import { Mask } from '../sparse/mask';
import type { CsrWeight, SparseBackend, WeightGradKind } from '../tensor/sparse-backend';
import { record } from '../tensor/tape';
import { Tensor } from '../tensor/tensor';
import { stackLeading } from './stack';

/** Runtime state of one sparsified weight on the compressed path. */
export interface SparseWeightState {
  sparse: SparseBackend;
  mask: Mask;
  csr: CsrWeight | null;
  /** The mask version the CSR index was built for. */
  builtForVersion: number;
  /** This step's weight gradient must be dense (RigL's grow criterion), not masked. */
  wantDenseGrad: boolean;
}

/** The mask's compressed index, rebuilt if the mask changed since it was built. */
export function currentCsr(state: SparseWeightState): CsrWeight {
  const { sparse, mask } = state;
  if (!state.csr || state.builtForVersion !== mask.version) {
    if (state.csr) sparse.csrRelease(state.csr);
    state.csr = sparse.csrBuild({
      mask: mask.storage,
      rows: mask.rows,
      cols: mask.cols,
      nnz: mask.activeCount,
    });
    state.builtForVersion = mask.version;
  }
  return state.csr;
}

export function releaseSparseState(state: SparseWeightState): void {
  if (state.csr) state.sparse.csrRelease(state.csr);
  state.csr = null;
}

/** The weight gradient kind a backward pass should produce. */
export function weightGradKind(state: SparseWeightState, weight: Tensor): WeightGradKind {
  if (!weight.requiresGrad) return 'none';
  return state.wantDenseGrad ? 'dense' : 'masked';
}

/** y (rows, out) = x (rows, in) (W*M)^T on the compressed path; grads for x and W. */
export function sparseLinear(x: Tensor, weight: Tensor, state: SparseWeightState): Tensor {
  const be = x.backend;
  const rows = x.shape[0];
  const csr = currentCsr(state);
  const plan = { x: x.storage, w: weight.storage, mask: state.mask.storage, csr, batch: rows };
  const out = new Tensor(be, state.sparse.csrLinearForward(plan), [rows, csr.rows]);
  return record(out, 'sparse-linear', [x, weight], (g) => {
    const { dx, dw } = state.sparse.csrLinearBackward(plan, g.storage, {
      input: x.requiresGrad,
      weight: weightGradKind(state, weight),
    });
    return [dx && new Tensor(be, dx, x.shape), dw && new Tensor(be, dw, weight.shape)];
  });
}

/**
 * Runtime state of a group of equally shaped sparse weights that run as one stacked product
 * (Sparse Parallel's branches). Masks stay per weight, so RigL keeps each branch's exact count;
 * the product sees them end to end as one (n * rows, cols) mask, rebuilt by buffer copies only
 * when a branch mask changes.
 */
export interface SparseGroupState {
  sparse: SparseBackend;
  masks: readonly Mask[];
  /** Run the stacked product on the compressed path (else masked dense). */
  compressed: boolean;
  /** The masks end to end and the versions they were stacked from; null before first use. */
  stacked: { mask: Mask; versions: number[]; csr: SparseWeightState | null } | null;
  /** As SparseWeightState.wantDenseGrad, for every weight of the group. */
  wantDenseGrad: boolean;
}

function stackedOf(
  group: SparseGroupState,
  weight: Tensor,
): NonNullable<SparseGroupState['stacked']> {
  const be = weight.backend;
  const { masks } = group;
  const current = group.stacked;
  if (current && masks.every((m, i) => m.version === current.versions[i])) return current;
  const storage = be.concatFlat(masks.map((m) => m.storage));
  const active = masks.reduce((n, m) => n + m.activeCount, 0);
  const versions = masks.map((m) => m.version);
  if (current) {
    // replace() bumps the version, so the compressed index is rebuilt on its next use.
    be.release(current.mask.replace(storage, active));
    current.versions = versions;
    return current;
  }
  const mask = new Mask(storage, masks.length * masks[0].rows, masks[0].cols, active);
  const csr: SparseWeightState | null = group.compressed
    ? { sparse: group.sparse, mask, csr: null, builtForVersion: -1, wantDenseGrad: false }
    : null;
  group.stacked = { mask, versions, csr };
  return group.stacked;
}

export function releaseSparseGroup(group: SparseGroupState): void {
  if (!group.stacked) return;
  if (group.stacked.csr) releaseSparseState(group.stacked.csr);
  group.sparse.release(group.stacked.mask.storage);
  group.stacked = null;
}

/**
 * The group's weights stacked along dim 0 (a view where they lie end to end, else buffer copies;
 * ops/stack.ts). Its gradient is masked by the stacked
 * mask in one pass before it is split back to the branches, unless RigL asked for the dense one;
 * on the compressed path the returned state makes the product itself produce it masked (SDDMM).
 */
export function stackSparseWeights(
  weights: readonly Tensor[],
  group: SparseGroupState | null,
): { weight: Tensor; compressed: SparseWeightState | null } {
  const stackedW = stackLeading(weights);
  if (!group) return { weight: stackedW, compressed: null };
  const stacked = stackedOf(group, stackedW);
  if (stacked.csr) {
    stacked.csr.wantDenseGrad = group.wantDenseGrad;
    return { weight: stackedW, compressed: stacked.csr };
  }
  const mask = stacked.mask;
  const be = stackedW.backend;
  const out = record(stackedW.view(stackedW.shape), 'mask-gradient', [stackedW], (g) => [
    group.wantDenseGrad
      ? g.view(g.shape)
      : new Tensor(be, group.sparse.maskApply(g.storage, mask.storage), g.shape),
  ]);
  return { weight: out, compressed: null };
}

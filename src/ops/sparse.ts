// Products with a sparse weight on the zero-skipping path (src/tensor/sparse-backend.ts): the
// masked weight compressed to CSR/CSC, rebuilt when the mask changes and refreshed from W before
// each forward. Used by nn.Linear and nn.Conv2d when their weight has a SparseWeightState.
import type { Mask } from '../sparse/mask';
import type { CsrWeight, SparseBackend, WeightGradKind } from '../tensor/sparse-backend';
import { record } from '../tensor/tape';
import { Tensor } from '../tensor/tensor';

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

/** The compressed weight, index rebuilt if the mask changed and values gathered from W. */
export function currentCsr(state: SparseWeightState, weight: Tensor): CsrWeight {
  const { sparse, mask } = state;
  if (!state.csr || state.builtForVersion !== mask.version) {
    if (state.csr) sparse.csrRelease(state.csr);
    state.csr = sparse.csrBuild(
      weight.storage,
      mask.storage,
      mask.rows,
      mask.cols,
      mask.activeCount,
    );
    state.builtForVersion = mask.version;
  } else {
    sparse.csrRefreshValues(state.csr, weight.storage);
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
  const csr = currentCsr(state, weight);
  const out = new Tensor(be, state.sparse.csrLinearForward(x.storage, csr, rows), [rows, csr.rows]);
  return record(out, 'sparse-linear', [x, weight], (g) => {
    const { dx, dw } = state.sparse.csrLinearBackward(g.storage, x.storage, csr, rows, {
      input: x.requiresGrad,
      weight: weightGradKind(state, weight),
    });
    return [dx && new Tensor(be, dx, x.shape), dw && new Tensor(be, dw, weight.shape)];
  });
}

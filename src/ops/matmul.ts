// Matrix products: a @ b for 2-D and batched 3-D tensors, a weight (2-D) broadcast over a batch.
import { SiftError } from '../common/errors';
import type { MatmulPlan } from '../tensor/backend';
import { record } from '../tensor/tape';
import { Tensor } from '../tensor/tensor';

export interface MatmulOptions {
  transA?: boolean;
  transB?: boolean;
}

function dims(t: Tensor, trans: boolean): { batch: number; rows: number; cols: number } {
  if (t.rank !== 2 && t.rank !== 3) {
    throw new SiftError(
      'SHAPE_MISMATCH',
      `matmul needs 2-D or 3-D tensors, got [${t.shape.join(', ')}]`,
    );
  }
  const batch = t.rank === 3 ? t.shape[0] : 1;
  const r = t.shape[t.rank - 2];
  const c = t.shape[t.rank - 1];
  return trans ? { batch, rows: c, cols: r } : { batch, rows: r, cols: c };
}

/** Raw product without recording; used by the op and by backward rules. */
export function matmulRaw(
  a: Tensor,
  b: Tensor,
  { transA = false, transB = false }: MatmulOptions = {},
): Tensor {
  const da = dims(a, transA);
  const db = dims(b, transB);
  if (da.cols !== db.rows || (a.rank === 3 && b.rank === 3 && da.batch !== db.batch)) {
    throw new SiftError(
      'SHAPE_MISMATCH',
      `matmul: [${a.shape.join(', ')}]${transA ? 'ᵀ' : ''} @ [${b.shape.join(', ')}]${transB ? 'ᵀ' : ''} do not fit`,
    );
  }
  const batch = Math.max(da.batch, db.batch);
  const plan: MatmulPlan = {
    batch,
    m: da.rows,
    n: db.cols,
    k: da.cols,
    transA,
    transB,
    aBatchStride: a.rank === 3 ? da.rows * da.cols : 0,
    bBatchStride: b.rank === 3 ? db.rows * db.cols : 0,
  };
  const shape = a.rank === 3 || b.rank === 3 ? [batch, plan.m, plan.n] : [plan.m, plan.n];
  return new Tensor(a.backend, a.backend.matmul(a.storage, b.storage, plan), shape);
}

/** out = op(a) @ op(b); a 2-D operand is shared by every batch of a 3-D one. */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const { transA = false, transB = false } = options;
  const out = matmulRaw(a, b, options);
  return record(out, 'matmul', [a, b], (g) => {
    let ga: Tensor | null = null;
    let gb: Tensor | null = null;
    if (a.requiresGrad) {
      // C = A B: dA = dC B^T; with A^T stored: dA^T = B dC^T, i.e. d(stored) = B dC^T.
      ga = transA
        ? matmulRaw(b, g, { transA: transB, transB: true })
        : matmulRaw(g, b, { transB: !transB });
      if (a.rank === 2 && ga.rank === 3) ga = sumBatch(ga);
    }
    if (b.requiresGrad) {
      gb = transB
        ? matmulRaw(g, a, { transA: true, transB: transA })
        : matmulRaw(a, g, { transA: !transA });
      if (b.rank === 2 && gb.rank === 3) gb = sumBatch(gb);
    }
    return [ga, gb];
  });
}

function sumBatch(t: Tensor): Tensor {
  const [batch, r, c] = t.shape;
  return new Tensor(t.backend, t.backend.reduce('sum', t.storage, 1, batch, r * c), [r, c]);
}

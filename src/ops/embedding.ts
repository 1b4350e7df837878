// Embedding lookup, forward and backward together: rows of a table picked by integer indices
// (stored as floats); the backward scatter-adds each row's gradient, summing repeated indices.
import { assert } from '../common/assert';
import { record } from '../tensor/tape';
import { Tensor } from '../tensor/tensor';

/** table (V, C), indices (...) holding integers in [0, V) -> (..., C). indices get no gradient. */
export function embedding(table: Tensor, indices: Tensor): Tensor {
  assert(
    table.rank === 2,
    `embedding: table must be (V, C), got [${table.shape.join(', ')}]`,
    'SHAPE_MISMATCH',
  );
  const [rows, dim] = table.shape;
  const b = table.backend;
  const out = new Tensor(b, b.gatherRows(table.storage, indices.storage, indices.size, dim), [
    ...indices.shape,
    dim,
  ]);
  return record(out, 'embedding', [table], (g) => [
    new Tensor(
      b,
      b.scatterAddRows(g.storage, indices.storage, indices.size, rows, dim),
      table.shape,
    ),
  ]);
}

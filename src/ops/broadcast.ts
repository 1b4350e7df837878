// Reduce a broadcast gradient back to an input's shape by summing over the broadcast dims.
import { type Shape, sameShape, sizeOf } from '../tensor/shape';
import { Tensor } from '../tensor/tensor';

export function sumToShape(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const backend = g.backend;
  const rank = g.shape.length;
  const padded = [...new Array<number>(rank - shape.length).fill(1), ...shape];
  // Sum one broadcast axis at a time as (outer, axis, inner): few axes ever broadcast.
  let cur = g;
  let curShape = [...g.shape];
  for (let axis = 0; axis < rank; axis++) {
    if (padded[axis] === 1 && curShape[axis] !== 1) {
      const outer = sizeOf(curShape.slice(0, axis));
      const inner = sizeOf(curShape.slice(axis + 1));
      const storage = backend.reduce('sum', cur.storage, outer, curShape[axis], inner);
      curShape = [...curShape];
      curShape[axis] = 1;
      cur = new Tensor(backend, storage, curShape);
    }
  }
  return cur.view(shape);
}

// Elementwise ops with NumPy broadcasting, forward and backward together.
import type { UnaryOp } from '../tensor/backend';
import { broadcastPlan } from '../tensor/shape';
import { record } from '../tensor/tape';
import { Tensor } from '../tensor/tensor';
import { sumToShape } from './broadcast';

function unaryOp(op: UnaryOp, x: Tensor, alpha = 0): Tensor {
  const b = x.backend;
  const out = new Tensor(b, b.unary(op, x.storage, alpha), x.shape);
  return record(out, op, [x], (g) => [
    new Tensor(b, b.unaryBackward(op, x.storage, g.storage, alpha), x.shape),
  ]);
}

export const neg = (x: Tensor): Tensor => unaryOp('neg', x);
export const exp = (x: Tensor): Tensor => unaryOp('exp', x);
export const log = (x: Tensor): Tensor => unaryOp('log', x);
export const sqrt = (x: Tensor): Tensor => unaryOp('sqrt', x);
export const abs = (x: Tensor): Tensor => unaryOp('abs', x);
export const relu = (x: Tensor): Tensor => unaryOp('relu', x);
/** GELU, tanh approximation (GPT-2's). */
export const gelu = (x: Tensor): Tensor => unaryOp('gelu', x);
export const tanh = (x: Tensor): Tensor => unaryOp('tanh', x);
export const sigmoid = (x: Tensor): Tensor => unaryOp('sigmoid', x);
export const square = (x: Tensor): Tensor => unaryOp('square', x);
export const scale = (x: Tensor, factor: number): Tensor => unaryOp('scale', x, factor);
export const addScalar = (x: Tensor, c: number): Tensor => unaryOp('add-scalar', x, c);
export const powScalar = (x: Tensor, p: number): Tensor => unaryOp('pow-scalar', x, p);

type Binary = 'add' | 'sub' | 'mul' | 'div' | 'pow';

function binaryOp(op: Binary, a: Tensor, b: Tensor): Tensor {
  const be = a.backend;
  const plan = broadcastPlan(a.shape, b.shape);
  const outShape = broadcastShape(a, b);
  const out = new Tensor(be, be.binary(op, a.storage, b.storage, plan), outShape);
  return record(out, op, [a, b], (g) => {
    const ga = a.requiresGrad ? gradA(op, a, b, out, g) : null;
    const gb = b.requiresGrad ? gradB(op, a, b, out, g) : null;
    return [ga && sumToShape(ga, a.shape), gb && sumToShape(gb, b.shape)];
  });
}

function broadcastShape(a: Tensor, b: Tensor): number[] {
  const rank = Math.max(a.rank, b.rank);
  return Array.from({ length: rank }, (_, i) => {
    const da = a.shape[a.rank - rank + i] ?? 1;
    const db = b.shape[b.rank - rank + i] ?? 1;
    return da === 1 ? db : da;
  });
}

// Raw broadcasting products for backward rules; no recording (backward runs with grad off).
function bin(op: 'add' | 'sub' | 'mul' | 'div' | 'pow', x: Tensor, y: Tensor): Tensor {
  const be = x.backend;
  return new Tensor(
    be,
    be.binary(op, x.storage, y.storage, broadcastPlan(x.shape, y.shape)),
    broadcastShape(x, y),
  );
}

function gradA(op: Binary, a: Tensor, b: Tensor, out: Tensor, g: Tensor): Tensor {
  switch (op) {
    case 'add':
    case 'sub':
      return g;
    case 'mul':
      return bin('mul', g, b);
    case 'div':
      return bin('div', g, b);
    case 'pow': // d(a^b)/da = b * a^(b-1) = b * out / a
      return bin('mul', g, bin('div', bin('mul', b, out), a));
  }
}

function gradB(op: Binary, a: Tensor, b: Tensor, out: Tensor, g: Tensor): Tensor {
  const be = a.backend;
  switch (op) {
    case 'add':
      return g;
    case 'sub':
      return new Tensor(be, be.unary('neg', g.storage), g.shape);
    case 'mul':
      return bin('mul', g, a);
    case 'div': // -g * a / b^2 = -g * out / b
      return new Tensor(be, be.unary('neg', bin('div', bin('mul', g, out), b).storage), g.shape);
    case 'pow': // out * ln(a)
      return bin('mul', g, bin('mul', out, new Tensor(be, be.unary('log', a.storage), a.shape)));
  }
}

export const add = (a: Tensor, b: Tensor): Tensor => binaryOp('add', a, b);
export const sub = (a: Tensor, b: Tensor): Tensor => binaryOp('sub', a, b);
export const mul = (a: Tensor, b: Tensor): Tensor => binaryOp('mul', a, b);
export const div = (a: Tensor, b: Tensor): Tensor => binaryOp('div', a, b);
export const pow = (a: Tensor, b: Tensor): Tensor => binaryOp('pow', a, b);

// CPU reference for the elementwise primitives, in float64.
import type { BinaryOp, BroadcastPlan, Storage, UnaryOp } from '../tensor/backend';
import { cpu, wrap } from './storage';

const GELU_C = Math.sqrt(2 / Math.PI);

export function unaryValue(op: UnaryOp, v: number, alpha: number): number {
  switch (op) {
    case 'neg':
      return -v;
    case 'exp':
      return Math.exp(v);
    case 'log':
      return Math.log(v);
    case 'sqrt':
      return Math.sqrt(v);
    case 'abs':
      return Math.abs(v);
    case 'relu':
      return v > 0 ? v : 0;
    case 'gelu':
      return 0.5 * v * (1 + Math.tanh(GELU_C * (v + 0.044715 * v ** 3)));
    case 'tanh':
      return Math.tanh(v);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-v));
    case 'square':
      return v * v;
    case 'scale':
      return v * alpha;
    case 'add-scalar':
      return v + alpha;
    case 'pow-scalar':
      return Math.pow(v, alpha);
  }
}

export function unaryDerivative(op: UnaryOp, v: number, alpha: number): number {
  switch (op) {
    case 'neg':
      return -1;
    case 'exp':
      return Math.exp(v);
    case 'log':
      return 1 / v;
    case 'sqrt':
      return 0.5 / Math.sqrt(v);
    case 'abs':
      return Math.sign(v);
    case 'relu':
      return v > 0 ? 1 : 0;
    case 'gelu': {
      const t = Math.tanh(GELU_C * (v + 0.044715 * v ** 3));
      return 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * GELU_C * (1 + 3 * 0.044715 * v * v);
    }
    case 'tanh':
      return 1 - Math.tanh(v) ** 2;
    case 'sigmoid': {
      const s = 1 / (1 + Math.exp(-v));
      return s * (1 - s);
    }
    case 'square':
      return 2 * v;
    case 'scale':
      return alpha;
    case 'add-scalar':
      return 1;
    case 'pow-scalar':
      return alpha * Math.pow(v, alpha - 1);
  }
}

export function unary(op: UnaryOp, x: Storage, alpha = 0): Storage {
  return wrap(cpu(x).map((v) => unaryValue(op, v, alpha)));
}

export function unaryBackward(op: UnaryOp, x: Storage, dy: Storage, alpha = 0): Storage {
  const xs = cpu(x);
  const g = cpu(dy);
  return wrap(xs.map((v, i) => g[i] * unaryDerivative(op, v, alpha)));
}

function apply(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case 'add':
      return a + b;
    case 'sub':
      return a - b;
    case 'mul':
      return a * b;
    case 'div':
      return a / b;
    case 'pow':
      return Math.pow(a, b);
    case 'max':
      return Math.max(a, b);
    case 'min':
      return Math.min(a, b);
  }
}

export function binary(op: BinaryOp, a: Storage, b: Storage, plan: BroadcastPlan): Storage {
  const { outShape, aStrides, bStrides } = plan;
  const n = outShape.reduce((p, d) => p * d, 1);
  const out = new Float64Array(n);
  const av = cpu(a);
  const bv = cpu(b);
  const idx = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let ia = 0;
    let ib = 0;
    for (let d = 0; d < outShape.length; d++) {
      ia += idx[d] * aStrides[d];
      ib += idx[d] * bStrides[d];
    }
    out[i] = apply(op, av[ia], bv[ib]);
    for (let d = outShape.length - 1; d >= 0; d--) {
      if (++idx[d] < outShape[d]) break;
      idx[d] = 0;
    }
  }
  return wrap(out);
}

export function addInPlace(dst: Storage, src: Storage): void {
  const d = cpu(dst);
  const s = cpu(src);
  for (let i = 0; i < d.length; i++) d[i] += s[i];
}

export function select(cond: Storage, a: Storage, b: Storage): Storage {
  const c = cpu(cond);
  const av = cpu(a);
  const bv = cpu(b);
  return wrap(c.map((v, i) => (v > 0 ? av[i] : bv[i])));
}

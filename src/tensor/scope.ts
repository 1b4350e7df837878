// Memory scopes (tfjs's tidy): every tensor made inside scope(fn) is released when fn returns,
// except the ones it returns or explicitly keep()s. A training step runs inside one scope, so the
// live-buffer count cannot grow from step to step.
import type { Tensor } from './tensor';

const stack: Set<Tensor>[] = [];

export function track(t: Tensor): void {
  stack[stack.length - 1]?.add(t);
}

/** Remove `t` from every open scope: it lives until disposed by hand. */
export function keep<T extends Tensor>(t: T): T {
  for (const s of stack) s.delete(t);
  return t;
}

export function scope<T>(fn: () => T): T {
  const tracked = new Set<Tensor>();
  stack.push(tracked);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    stack.pop();
    for (const t of tracked) t.dispose();
    throw e;
  }
  stack.pop();
  const survivors = collectTensors(result);
  for (const t of tracked) {
    if (survivors.has(t)) stack[stack.length - 1]?.add(t);
    else t.dispose();
  }
  return result;
}

function collectTensors(value: unknown, out = new Set<Tensor>(), depth = 0): Set<Tensor> {
  if (value === null || typeof value !== 'object' || depth > 4) return out;
  if (isTensor(value)) {
    out.add(value);
    return out;
  }
  const items = Array.isArray(value) ? value : Object.values(value as Record<string, unknown>);
  for (const v of items) collectTensors(v, out, depth + 1);
  return out;
}

function isTensor(v: object): v is Tensor {
  return (v as { isTensor?: boolean }).isTensor === true;
}

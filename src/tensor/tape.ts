// Reverse-mode autograd in the micrograd style: each op records its inputs and a backward
// closure; backward() walks the graph in reverse topological order (iteratively, since GPT
// graphs are deep) and accumulates gradients into leaves' .grad.
import { SiftError } from '../common/errors';
import type { Storage } from './backend';
import { keep } from './scope';
import { full, Tensor, type Creator } from './tensor';

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Run fn without recording anything (eval, optimiser updates). */
export function noGrad<T>(fn: () => T): T {
  const before = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = before;
  }
}

/** Attach a creator to `out` if any input needs a gradient and recording is on. */
export function record(
  out: Tensor,
  op: string,
  inputs: readonly Tensor[],
  backward: Creator['backward'],
): Tensor {
  if (gradEnabled && inputs.some((t) => t.requiresGrad)) {
    out.requiresGrad = true;
    out.creator = { op, inputs, backward };
  }
  return out;
}

function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: [Tensor, number][] = [[root, 0]];
  visited.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [node, i] = top;
    const inputs = node.creator?.inputs ?? [];
    if (i < inputs.length) {
      top[1]++;
      const child = inputs[i];
      if (child.requiresGrad && !visited.has(child)) {
        visited.add(child);
        stack.push([child, 0]);
      }
    } else {
      stack.pop();
      order.push(node);
    }
  }
  return order;
}

/**
 * Backpropagate from `loss` (any shape; seeded with ones unless `seed` is given). Leaves get
 * `.grad` added to; intermediate gradients belong to the current scope and are released with it.
 */
export function backward(loss: Tensor, seed?: Tensor): void {
  if (!loss.requiresGrad) {
    throw new SiftError('INVALID_ARGUMENT', 'backward() on a tensor that does not require grad');
  }
  const order = topoOrder(loss);
  const grads = new Map<Tensor, Tensor>();
  grads.set(loss, seed ?? full(loss.backend, loss.shape, 1));
  const wasEnabled = gradEnabled;
  gradEnabled = false;
  // Gradients bound for arena slots are copied in one run after the last kernel: on the GPU a
  // buffer copy ends the compute pass, so copying as each leaf completes split a dense resnet-mini
  // step into 29 passes. The sources stay alive until then (they belong to the enclosing scope).
  const slotCopies: [slot: Storage, g: Storage][] = [];
  try {
    for (let i = order.length - 1; i >= 0; i--) {
      const node = order[i];
      const g = grads.get(node);
      if (!g) continue;
      if (!node.creator) {
        accumulateLeaf(node, g, slotCopies);
        continue;
      }
      const inputGrads = node.creator.backward(g);
      node.creator.inputs.forEach((input, j) => {
        const ig = inputGrads[j];
        if (!ig || !input.requiresGrad) return;
        checkGradShape(node.creator!.op, input, ig);
        const prev = grads.get(input);
        grads.set(input, prev ? addGrads(prev, ig) : ig);
      });
      // The graph below this node is no longer needed: drop references so saved tensors can go.
      node.creator = null;
    }
    const be = loss.backend;
    for (const [slot, g] of slotCopies) be.assign(slot, g);
  } finally {
    gradEnabled = wasEnabled;
  }
}

function checkGradShape(op: string, input: Tensor, g: Tensor): void {
  if (g.size !== input.size) {
    throw new SiftError(
      'SHAPE_MISMATCH',
      `backward of '${op}' produced grad [${g.shape.join(', ')}] for input [${input.shape.join(', ')}]`,
    );
  }
}

function addGrads(a: Tensor, b: Tensor): Tensor {
  const plan = { outShape: [a.size], aStrides: [1], bStrides: [1] };
  return new Tensor(a.backend, a.backend.binary('add', a.storage, b.storage, plan), a.shape);
}

function accumulateLeaf(leaf: Tensor, g: Tensor, slotCopies: [Storage, Storage][]): void {
  if (leaf.grad) {
    leaf.backend.addInPlace(leaf.grad.storage, g.storage);
    return;
  }
  // Own a private copy: the same gradient tensor may flow to several leaves or stay in the scope.
  const name = `${leaf.name}.grad`;
  const be = leaf.backend;
  if (leaf.gradSlot) slotCopies.push([leaf.gradSlot, g.storage]);
  const storage = leaf.gradSlot ?? be.clone(g.storage);
  leaf.grad = keep(new Tensor(be, storage, leaf.shape, { name }));
}

/** Release and clear the gradients of `params`. */
export function zeroGrad(params: Iterable<Tensor>): void {
  for (const p of params) {
    p.grad?.dispose();
    p.grad = null;
  }
}

// Tensors joined along dim 0 (concat on axis 0) without copies where the memory allows: Sparse
// Parallel stacks its n branches' parameters every step (issue #10), and the optimiser's arena
// usually holds them end to end already. The forward is a view of that memory when the pieces lie
// end to end (Backend.span); the backward writes the gradient straight into the parameters'
// gradient slots, one copy per run of adjacent slots (run with the tape's other slot copies after
// the last kernel), instead of slicing it and copying each slice again.
import type { Storage } from '../tensor/backend';
import { claimLeafGrad, copyIntoGradSlot, noGrad, record } from '../tensor/tape';
import { Tensor } from '../tensor/tensor';
import { concat } from './shape';

/** concat(xs, 0), as a view when xs lie end to end in one allocation. */
export function stackLeading(xs: readonly Tensor[]): Tensor {
  const first = xs[0];
  const be = first.backend;
  const span = xs.length > 1 ? be.span(xs.map((x) => x.storage)) : null;
  if (!span || xs.some((x) => x.shape.slice(1).join() !== first.shape.slice(1).join())) {
    return concatIntoSlots(xs);
  }
  const shape = [xs.reduce((n, x) => n + x.shape[0], 0), ...first.shape.slice(1)];
  return record(new Tensor(be, span, shape), 'stack', xs, (g) => splitGrad(xs, g));
}

/** concat(xs, 0) by copies, with the backward of stackLeading. */
function concatIntoSlots(xs: readonly Tensor[]): Tensor {
  const y = noGrad(() => concat(xs, 0));
  return record(y, 'stack', xs, (g) => splitGrad(xs, g));
}

// Each run of parameters whose gradient slots lie end to end gets its part of g in one copy;
// the rest get slices of g through the tape.
function splitGrad(xs: readonly Tensor[], g: Tensor): (Tensor | null)[] {
  const be = g.backend;
  const grads: (Tensor | null)[] = [];
  let run: { slots: Storage[]; at: number } | null = null;
  const flush = () => {
    if (!run) return;
    // A run holds only slots that span() joined as it grew.
    const dst = run.slots.length > 1 ? be.span(run.slots)! : run.slots[0];
    copyIntoGradSlot(be, dst, g.storage, run.at);
    run = null;
  };
  let at = 0;
  for (const x of xs) {
    const slot = x.requiresGrad ? claimLeafGrad(x) : null;
    if (!slot) {
      flush();
      grads.push(
        x.requiresGrad ? new Tensor(be, be.sliceFlat(g.storage, at, x.size), x.shape) : null,
      );
    } else {
      if (run && !be.span([...run.slots, slot])) flush();
      run ??= { slots: [], at };
      run.slots.push(slot);
      grads.push(null);
    }
    at += x.size;
  }
  flush();
  return grads;
}

// Weight initialisation on the host (once per run), matching PyTorch's defaults so that a model
// built here and one built in PyTorch start from the same distributions.
import type { Rng } from '../common/rng';

/** U(-bound, bound) with bound = 1/sqrt(fanIn): PyTorch's default for Linear/Conv weights and biases
 *  (kaiming_uniform with a = sqrt(5) reduces to this bound). */
export function uniformFanIn(n: number, fanIn: number, rng: Rng): Float32Array {
  const bound = 1 / Math.sqrt(fanIn);
  return Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * bound);
}

/** Kaiming normal, fan_out, ReLU gain: torchvision's ResNet conv init. */
export function kaimingNormalFanOut(n: number, fanOut: number, rng: Rng): Float32Array {
  const std = Math.sqrt(2 / fanOut);
  return Float32Array.from({ length: n }, () => rng.normal() * std);
}

/** N(0, std), GPT-2's init for linear and embedding weights. */
export function normal(n: number, std: number, rng: Rng): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal() * std);
}

// Gradient check on the float64 CPU reference: the tape's gradient of sum(f(inputs) * w), for a
// fixed random weighting w, against central finite differences (f(x+h) - f(x-h)) / 2h.
import { CpuBackend } from '../reference/backend';
import { backward } from '../tensor/tape';
import { scope } from '../tensor/scope';
import type { Tensor } from '../tensor/tensor';
import { tensor } from '../tensor/tensor';
import { randomValues } from './shapes';

export interface GradcheckInput {
  values: ArrayLike<number>;
  shape: number[];
  /** Inputs such as labels are not differentiated. */
  differentiable?: boolean;
}

export interface GradcheckResult {
  maxAbsError: number;
  maxRelError: number;
  checked: number;
}

const cpu = new CpuBackend();

function evaluate(
  f: (xs: Tensor[]) => Tensor,
  inputs: GradcheckInput[],
  values: Float64Array[],
  weights: Float64Array | null,
): { value: number; out: Tensor; xs: Tensor[] } {
  const xs = inputs.map((inp, i) =>
    tensor(cpu, values[i], inp.shape, { requiresGrad: inp.differentiable !== false }),
  );
  const out = f(xs);
  const y = cpu.readF64(out.storage);
  let value = 0;
  for (let i = 0; i < y.length; i++) value += y[i] * (weights ? weights[i] : 1);
  return { value, out, xs };
}

export function gradcheck(
  f: (xs: Tensor[]) => Tensor,
  inputs: GradcheckInput[],
  { h = 1e-6, maxCoords = 40, seed = 7 }: { h?: number; maxCoords?: number; seed?: number } = {},
): GradcheckResult {
  return scope(() => {
    const values = inputs.map((inp) => Float64Array.from(inp.values));
    const probe = evaluate(f, inputs, values, null);
    const weights = Float64Array.from(randomValues(probe.out.size, seed));
    const { out, xs } = evaluate(f, inputs, values, weights);
    backward(out, tensor(cpu, weights, out.shape));
    let maxAbsError = 0;
    let maxRelError = 0;
    let checked = 0;
    inputs.forEach((inp, i) => {
      if (inp.differentiable === false) return;
      const analytic = xs[i].grad ? cpu.readF64(xs[i].grad!.storage) : new Float64Array(xs[i].size);
      const n = values[i].length;
      const stride = Math.max(1, Math.floor(n / maxCoords));
      for (let j = 0; j < n; j += stride) {
        const orig = values[i][j];
        values[i][j] = orig + h;
        const up = evaluate(f, inputs, values, weights).value;
        values[i][j] = orig - h;
        const down = evaluate(f, inputs, values, weights).value;
        values[i][j] = orig;
        const numeric = (up - down) / (2 * h);
        const abs = Math.abs(numeric - analytic[j]);
        maxAbsError = Math.max(maxAbsError, abs);
        maxRelError = Math.max(maxRelError, abs / Math.max(1e-3, Math.abs(numeric)));
        checked++;
      }
    });
    return { maxAbsError, maxRelError, checked };
  });
}

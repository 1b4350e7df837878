// CPU reference for the random primitives, from the definition over src/common/rng.ts.
import { randomUniform } from '../common/rng';
import type { Storage } from '../tensor/backend';
import { wrap } from './storage';

/** mask[i] = randomUniform(seed, i) >= p ? 1 / (1 - p) : 0, with the value rounded to float32 as stored. */
export function dropoutMask(size: number, p: number, seed: number): Storage {
  const keepValue = p >= 1 ? 0 : Math.fround(1 / (1 - p));
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) out[i] = randomUniform(seed, i) >= p ? keepValue : 0;
  return wrap(out);
}

// CPU reference matmul: the textbook triple loop, float64 accumulation.
import type { MatmulPlan, Storage } from '../tensor/backend';
import { cpu, wrap } from './storage';

export function matmul(a: Storage, b: Storage, p: MatmulPlan): Storage {
  const av = cpu(a);
  const bv = cpu(b);
  const out = new Float64Array(p.batch * p.m * p.n);
  for (let z = 0; z < p.batch; z++) {
    const ao = z * p.aBatchStride;
    const bo = z * p.bBatchStride;
    for (let i = 0; i < p.m; i++) {
      for (let j = 0; j < p.n; j++) {
        let sum = 0;
        for (let kk = 0; kk < p.k; kk++) {
          const x = p.transA ? av[ao + kk * p.m + i] : av[ao + i * p.k + kk];
          const y = p.transB ? bv[bo + j * p.k + kk] : bv[bo + kk * p.n + j];
          sum += x * y;
        }
        out[z * p.m * p.n + i * p.n + j] = sum;
      }
    }
  }
  return wrap(out);
}

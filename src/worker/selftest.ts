// A quick proof that this GPU computes correctly: an awkwardly shaped matmul on the GPU against
// the CPU reference. Shown in the GPU status panel and used by the e2e test.
import type { WebGpuBackend } from '../gpu/backend';
import { CpuBackend } from '../reference/backend';
import type { MatmulPlan } from '../tensor/backend';
import { Rng } from '../common/rng';

export interface SelftestResult {
  ok: boolean;
  maxError: number;
  ms: number;
  detail: string;
}

export async function gpuSelftest(gpu: WebGpuBackend): Promise<SelftestResult> {
  const plan: MatmulPlan = {
    batch: 2,
    m: 67,
    n: 45,
    k: 133,
    transA: false,
    transB: true,
    aBatchStride: 67 * 133,
    bBatchStride: 0,
  };
  const rng = new Rng(42);
  const a = Float32Array.from({ length: plan.batch * plan.m * plan.k }, () => rng.next() * 2 - 1);
  const b = Float32Array.from({ length: plan.n * plan.k }, () => rng.next() * 2 - 1);
  const t0 = performance.now();
  const sa = gpu.upload(a);
  const sb = gpu.upload(b);
  const sc = gpu.matmul(sa, sb, plan);
  const got = await gpu.read(sc);
  const ms = performance.now() - t0;
  for (const s of [sa, sb, sc]) gpu.release(s);
  const cpu = new CpuBackend();
  const want = cpu.readF64(cpu.matmul(cpu.upload(a), cpu.upload(b), plan));
  let maxError = 0;
  for (let i = 0; i < want.length; i++) maxError = Math.max(maxError, Math.abs(got[i] - want[i]));
  const ok = maxError < 1e-3;
  return {
    ok,
    maxError,
    ms,
    detail: `batched ${plan.m}x${plan.k} @ (${plan.n}x${plan.k})ᵀ matmul, max |GPU − CPU| = ${maxError.toExponential(2)}`,
  };
}

import { describe, expect, it } from 'vitest';
import type { BinaryOp, UnaryOp } from '../tensor/backend';
import { broadcastPlan } from '../tensor/shape';
import { cpuBackend, gpuBackend } from '../testing/backends';
import { expectClose } from '../testing/expect-close';
import { randomValues } from '../testing/shapes';

const unaryOps: UnaryOp[] = [
  'neg',
  'exp',
  'log',
  'sqrt',
  'abs',
  'relu',
  'gelu',
  'tanh',
  'sigmoid',
  'square',
  'scale',
  'add-scalar',
  'pow-scalar',
];
const positiveOnly = new Set<UnaryOp>(['log', 'sqrt', 'pow-scalar']);

describe('elementwise kernels vs CPU reference', () => {
  for (const op of unaryOps) {
    it(`unary ${op}: forward and derivative on 1, 257 and 70001 elements`, async () => {
      const { gpu } = await gpuBackend();
      for (const n of [1, 257, 70001]) {
        const x = randomValues(n, n).map((v) =>
          positiveOnly.has(op) ? Math.abs(v) * 3 + 0.1 : v * 4,
        );
        const dy = randomValues(n, n + 1);
        const alpha = 1.7;
        const want = await cpuBackend.read(cpuBackend.unary(op, cpuBackend.upload(x), alpha));
        const got = await gpu.read(gpu.unary(op, gpu.upload(x), alpha));
        expectClose(got, want, { label: `${op} forward n=${n}`, atol: 1e-5, rtol: 1e-4 });
        const wantD = await cpuBackend.read(
          cpuBackend.unaryBackward(op, cpuBackend.upload(x), cpuBackend.upload(dy), alpha),
        );
        const gotD = await gpu.read(gpu.unaryBackward(op, gpu.upload(x), gpu.upload(dy), alpha));
        expectClose(gotD, wantD, { label: `${op} backward n=${n}`, atol: 1e-5, rtol: 1e-4 });
      }
    });
  }

  const binaryOps: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'pow', 'max', 'min'];
  const shapePairs: [number[], number[]][] = [
    [[7], [7]],
    [[3, 5], [5]],
    [
      [4, 1, 6],
      [1, 3, 1],
    ],
    [
      [2, 3, 4, 5],
      [3, 1, 5],
    ],
    [[1], [33, 65]],
    [
      [2, 1, 3, 1, 2, 3],
      [1, 4, 1, 5, 1, 3],
    ],
  ];
  for (const op of binaryOps) {
    it(`binary ${op} with broadcasting`, async () => {
      const { gpu } = await gpuBackend();
      for (const [sa, sb] of shapePairs) {
        const na = sa.reduce((p, d) => p * d, 1);
        const nb = sb.reduce((p, d) => p * d, 1);
        const a = randomValues(na, 3).map((v) => (op === 'pow' ? Math.abs(v) + 0.5 : v));
        const b = randomValues(nb, 4).map((v) =>
          op === 'div' ? Math.sign(v) * (Math.abs(v) + 0.5) : v,
        );
        const plan = broadcastPlan(sa, sb);
        const want = await cpuBackend.read(
          cpuBackend.binary(op, cpuBackend.upload(a), cpuBackend.upload(b), plan),
        );
        const got = await gpu.read(gpu.binary(op, gpu.upload(a), gpu.upload(b), plan));
        expectClose(got, want, { label: `${op} [${sa}] x [${sb}]` });
      }
    });
  }

  it('addInPlace, select and fill', async () => {
    const { gpu } = await gpuBackend();
    const a = randomValues(1000, 1);
    const b = randomValues(1000, 2);
    const ga = gpu.upload(a);
    gpu.addInPlace(ga, gpu.upload(b));
    expectClose(
      await gpu.read(ga),
      a.map((v, i) => v + b[i]),
    );
    const sel = await gpu.read(gpu.select(gpu.upload(a), gpu.upload(a), gpu.upload(b)));
    expectClose(
      sel,
      a.map((v, i) => (v > 0 ? v : b[i])),
    );
    expect(Array.from(await gpu.read(gpu.fill(5, 2.5)))).toEqual([2.5, 2.5, 2.5, 2.5, 2.5]);
  });
});

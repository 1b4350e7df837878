// The CPU reference of the sparse primitives on hand-computed cases.
import { describe, expect, it } from 'vitest';
import { randomU32 } from '../common/rng';
import { CpuSparseBackend, randomScore, topK } from './sparse';
import { cpu, wrap } from './storage';

const sparse = new CpuSparseBackend();
const f64 = (v: number[]) => wrap(Float64Array.from(v));
const list = (s: { size: number }) => Array.from(cpu(s as never));

describe('topK', () => {
  it('ranks by score, lower index first among equals, skipping non-candidates', () => {
    expect(Array.from(topK([3, 1, 3, null, 3, 2], 2))).toEqual([1, 0, 1, 0, 0, 0]);
    expect(Array.from(topK([3, 1, 3, null, 3, 2], 4))).toEqual([1, 0, 1, 0, 1, 1]);
    expect(Array.from(topK([0, 0, 0], 0))).toEqual([0, 0, 0]);
    expect(() => topK([1, null], 2)).toThrow();
  });

  it('compares scores as float32: values equal after rounding tie', () => {
    // 1 + 2^-30 rounds to 1 in float32, so index 0 wins the tie.
    expect(Array.from(topK([1, 1 + 2 ** -30], 1))).toEqual([1, 0]);
  });

  it('random scores are the rng stream shifted to 31 bits', () => {
    expect(randomScore(5, 9)).toBe(randomU32(5, 9) >>> 1);
  });
});

describe('CSR build and products', () => {
  // W (3, 4) with mask rows: [1 0 1 0], [0 0 0 0] (empty row), [0 1 1 1]
  const mask = f64([1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
  const w = f64([1, 9, 2, 9, 9, 9, 9, 9, 9, 3, 4, 5]);

  it('indexes rows and columns in ascending order', () => {
    const c = sparse.csrBuild({ mask, rows: 3, cols: 4, nnz: 5 });
    expect(list(c.rowPtr)).toEqual([0, 2, 2, 5]);
    expect(list(c.colIdx)).toEqual([0, 2, 1, 2, 3]);
    expect(list(c.flat)).toEqual([0, 2, 9, 10, 11]);
    expect(list(c.tRowPtr)).toEqual([0, 1, 2, 4, 5]);
    expect(list(c.tColIdx)).toEqual([0, 2, 0, 2, 2]);
    expect(() => sparse.csrBuild({ mask, rows: 3, cols: 4, nnz: 4 })).toThrow();
  });

  it('forward, dx and the SDDMM weight gradient by hand', () => {
    const c = sparse.csrBuild({ mask, rows: 3, cols: 4, nnz: 5 });
    const x = f64([1, 2, 3, 4]); // batch 1
    // y = [1*1 + 2*3, 0, 3*2 + 4*3 + 5*4]
    expect(list(sparse.csrLinearForward({ x, w, mask, csr: c, batch: 1 }))).toEqual([7, 0, 38]);
    const dy = f64([1, 10, 100]);
    const g = sparse.csrLinearBackward({ x, w, mask, csr: c, batch: 1 }, dy, {
      input: true,
      weight: 'masked',
    });
    // dx = dy (W*M) = [1*1, 100*3, 1*2 + 100*4, 100*5]
    expect(list(g.dx!)).toEqual([1, 300, 402, 500]);
    // dw = dy^T x on the mask: row 0 -> [1, 0, 3, 0]; row 1 empty; row 2 -> [0, 200, 300, 400]
    expect(list(g.dw!)).toEqual([1, 0, 3, 0, 0, 0, 0, 0, 0, 200, 300, 400]);
    const d = sparse.csrLinearBackward({ x, w, mask, csr: c, batch: 1 }, dy, {
      input: false,
      weight: 'dense',
    });
    expect(d.dx).toBeNull();
    expect(list(d.dw!)).toEqual([1, 2, 3, 4, 10, 20, 30, 40, 100, 200, 300, 400]);
  });
});

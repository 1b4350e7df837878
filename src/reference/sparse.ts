// CPU reference of the sparse primitives (src/tensor/sparse-backend.ts): float64 plain loops
// written from the definitions (RigL's drop/grow, CSR), not from the WGSL. Selections sort
// explicitly by (score desc, index asc), the rule the GPU's radix select must reproduce exactly.
import { randomU32 } from '../common/rng';
import type { Conv2dPlan, Storage } from '../tensor/backend';
import type {
  CsrBuildPlan,
  CsrConvGradRequest,
  CsrConvPlan,
  CsrLinearPlan,
  CsrWeight,
  LinearGradRequest,
  LinearGrads,
  LinearShape,
  MaskedLinearPlan,
  RegrowRequest,
  SparseBackend,
} from '../tensor/sparse-backend';
import { cpu, wrap } from './storage';

const isOn = (m: number): boolean => m > 0.5;

/**
 * Indices of the k best candidates by (score desc, index asc). Scores are compared as float32,
 * as the GPU stores them. `null` scores mark positions that are not candidates.
 */
export function topK(scores: ArrayLike<number | null>, k: number): Uint8Array {
  const chosen = new Uint8Array(scores.length);
  if (k <= 0) return chosen;
  const keys = new Float64Array(scores.length);
  const candidates: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const v = scores[i];
    if (v === null) continue;
    keys[i] = Math.fround(v);
    candidates.push(i);
  }
  if (k > candidates.length)
    throw new Error(`topK: asked for ${k} of ${candidates.length} candidates`);
  const idx = Uint32Array.from(candidates);
  idx.sort((a, b) => keys[b] - keys[a] || a - b);
  for (let j = 0; j < k; j++) chosen[idx[j]] = 1;
  return chosen;
}

/** The SET / random-init score of position i: 31 random bits, as an exact float. */
export const randomScore = (seed: number, i: number): number => randomU32(seed, i) >>> 1;

function linearMatmulNT(
  a: Float64Array,
  b: Float64Array,
  m: number,
  n: number,
  k: number,
): Float64Array {
  // out (m, n) = a (m, k) @ b (n, k)^T
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let kk = 0; kk < k; kk++) s += a[i * k + kk] * b[j * k + kk];
      out[i * n + j] = s;
    }
  }
  return out;
}

function masked(w: Float64Array, m: Float64Array): Float64Array {
  return w.map((v, i) => (isOn(m[i]) ? v : 0));
}

/** dy^T x: (out, in) from dy (batch, out) and x (batch, in). */
function weightGrad(dy: Float64Array, x: Float64Array, s: LinearShape): Float64Array {
  const dw = new Float64Array(s.outFeatures * s.inFeatures);
  for (let j = 0; j < s.outFeatures; j++) {
    for (let i = 0; i < s.inFeatures; i++) {
      let acc = 0;
      for (let b = 0; b < s.batch; b++) acc += dy[b * s.outFeatures + j] * x[b * s.inFeatures + i];
      dw[j * s.inFeatures + i] = acc;
    }
  }
  return dw;
}

export class CpuSparseBackend implements SparseBackend {
  readonly name = 'cpu' as const;

  release(): void {}

  maskApply(x: Storage, mask: Storage): Storage {
    return wrap(masked(cpu(x), cpu(mask)));
  }

  maskRetainInPlace(x: Storage, keepA: Storage, keepB: Storage): void {
    const xv = cpu(x);
    const a = cpu(keepA);
    const b = cpu(keepB);
    for (let i = 0; i < xv.length; i++) if (!(isOn(a[i]) && isOn(b[i]))) xv[i] = 0;
  }

  maskInitRandom(size: number, activeCount: number, seed: number): Storage {
    const scores = Array.from({ length: size }, (_, i) => randomScore(seed, i));
    return wrap(Float64Array.from(topK(scores, activeCount)));
  }

  regrow(r: RegrowRequest): Storage {
    const w = cpu(r.weight);
    const m = cpu(r.mask);
    const keep = topK(
      Array.from(w, (v, i) => (isOn(m[i]) ? Math.abs(v) : null)),
      r.activeCount - r.dropCount,
    );
    const g = r.grow.kind === 'gradient' ? cpu(r.grow.grad) : null;
    const seed = r.grow.kind === 'random' ? r.grow.seed : 0;
    const grow = topK(
      Array.from(w, (_, i) => (keep[i] ? null : g ? Math.abs(g[i]) : randomScore(seed, i))),
      r.dropCount,
    );
    return wrap(Float64Array.from(keep, (k, i) => k | grow[i]));
  }

  maskedLinearForward({ x, w, mask, shape: s }: MaskedLinearPlan): Storage {
    return wrap(
      linearMatmulNT(cpu(x), masked(cpu(w), cpu(mask)), s.batch, s.outFeatures, s.inFeatures),
    );
  }

  maskedLinearBackward(
    { x, w, mask, shape: s }: MaskedLinearPlan,
    dy: Storage,
    want: LinearGradRequest,
  ): LinearGrads {
    const dyv = cpu(dy);
    const m = cpu(mask);
    let dx: Storage | null = null;
    if (want.input) {
      const wm = masked(cpu(w), m);
      const out = new Float64Array(s.batch * s.inFeatures);
      for (let b = 0; b < s.batch; b++) {
        for (let i = 0; i < s.inFeatures; i++) {
          let acc = 0;
          for (let j = 0; j < s.outFeatures; j++)
            acc += dyv[b * s.outFeatures + j] * wm[j * s.inFeatures + i];
          out[b * s.inFeatures + i] = acc;
        }
      }
      dx = wrap(out);
    }
    let dw: Storage | null = null;
    if (want.weight !== 'none') {
      const g = weightGrad(dyv, cpu(x), s);
      dw = wrap(want.weight === 'masked' ? masked(g, m) : g);
    }
    return { dx, dw };
  }

  csrBuild({ mask, rows, cols, nnz }: CsrBuildPlan): CsrWeight {
    const m = cpu(mask);
    const rowPtr = new Float64Array(rows + 1);
    const colIdx: number[] = [];
    const flat: number[] = [];
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        if (isOn(m[r * cols + c])) {
          colIdx.push(c);
          flat.push(r * cols + c);
        }
      }
      rowPtr[r + 1] = colIdx.length;
    }
    const tRowPtr = new Float64Array(cols + 1);
    const tColIdx: number[] = [];
    for (let c = 0; c < cols; c++) {
      for (let r = 0; r < rows; r++) if (isOn(m[r * cols + c])) tColIdx.push(r);
      tRowPtr[c + 1] = tColIdx.length;
    }
    if (colIdx.length !== nnz)
      throw new Error(`csrBuild: mask has ${colIdx.length} ones, expected ${nnz}`);
    return {
      rows,
      cols,
      nnz,
      rowPtr: wrap(rowPtr),
      colIdx: wrap(Float64Array.from(colIdx)),
      flat: wrap(Float64Array.from(flat)),
      tRowPtr: wrap(tRowPtr),
      tColIdx: wrap(Float64Array.from(tColIdx)),
    };
  }

  csrRelease(): void {}

  csrLinearForward({ x, w, csr, batch }: CsrLinearPlan): Storage {
    return wrap(spmmRows(cpu(x), csrValues(csr, cpu(w)), batch));
  }

  csrLinearBackward(
    { x, w, csr, batch }: CsrLinearPlan,
    dy: Storage,
    want: LinearGradRequest,
  ): LinearGrads {
    const dyv = cpu(dy);
    const dx = want.input ? wrap(spmmRows(dyv, csrValuesT(csr, cpu(w)), batch)) : null;
    let dw: Storage | null = null;
    const shape = { batch, outFeatures: csr.rows, inFeatures: csr.cols };
    if (want.weight === 'dense') dw = wrap(weightGrad(dyv, cpu(x), shape));
    if (want.weight === 'masked') {
      // SDDMM: the product dy^T x evaluated only where the mask is on.
      const xv = cpu(x);
      const rowPtr = cpu(csr.rowPtr);
      const colIdx = cpu(csr.colIdx);
      const out = new Float64Array(csr.rows * csr.cols);
      for (let j = 0; j < csr.rows; j++) {
        for (let s = rowPtr[j]; s < rowPtr[j + 1]; s++) {
          const i = colIdx[s];
          let acc = 0;
          for (let b = 0; b < batch; b++) acc += dyv[b * csr.rows + j] * xv[b * csr.cols + i];
          out[j * csr.cols + i] = acc;
        }
      }
      dw = wrap(out);
    }
    return { dx, dw };
  }

  csrConvForward({ x, w, csr, conv }: CsrConvPlan): Storage {
    const xv = cpu(x);
    const y = new Float64Array(conv.batch * csr.rows * conv.outHeight * conv.outWidth);
    forEachConvTerm(conv, csrValues(csr, cpu(w)), (xAt, o, yAt, v) => {
      y[yAt(o)] += v * xv[xAt];
    });
    return wrap(y);
  }

  csrConvBackward(
    { x, w, csr, conv }: CsrConvPlan,
    dy: Storage,
    want: CsrConvGradRequest,
  ): LinearGrads {
    const xv = cpu(x);
    const dyv = cpu(dy);
    const dx = want.input ? new Float64Array(xv.length) : null;
    const dw = want.maskedWeight ? new Float64Array(csr.rows * csr.cols) : null;
    const values = csrValues(csr, cpu(w));
    forEachConvTerm(conv, values, (xAt, o, yAt, v, flat) => {
      if (dx) dx[xAt] += v * dyv[yAt(o)];
      if (dw) dw[flat] += dyv[yAt(o)] * xv[xAt];
    });
    return { dx: dx && wrap(dx), dw: dw && wrap(dw) };
  }
}

/** S (rows, cols) compressed by rows with its values read from W at the index's positions. */
interface CsrValues {
  rows: number;
  cols: number;
  rowPtr: Float64Array;
  colIdx: Float64Array;
  values: Float64Array;
  /** Where each value sits in W. */
  flat: Float64Array;
}

function csrValues(csr: CsrWeight, w: Float64Array): CsrValues {
  const flat = cpu(csr.flat);
  return {
    rows: csr.rows,
    cols: csr.cols,
    rowPtr: cpu(csr.rowPtr),
    colIdx: cpu(csr.colIdx),
    values: flat.map((f) => w[f]),
    flat,
  };
}

/** S^T by rows, from the by-columns index: row c holds W[r, c] for the rows r in column c. */
function csrValuesT(csr: CsrWeight, w: Float64Array): CsrValues {
  const rowPtr = cpu(csr.tRowPtr);
  const colIdx = cpu(csr.tColIdx);
  const flat = new Float64Array(csr.nnz);
  for (let c = 0; c < csr.cols; c++) {
    for (let s = rowPtr[c]; s < rowPtr[c + 1]; s++) flat[s] = colIdx[s] * csr.cols + c;
  }
  return { rows: csr.cols, cols: csr.rows, rowPtr, colIdx, values: flat.map((f) => w[f]), flat };
}

/**
 * Every term of conv2d(x, W*M) straight from the definition: for each sample, output pixel and
 * nonzero (o, col) of W*M whose tap (c, kh, kw) lands inside the input, calls
 * term(x offset, o, y offset of channel o, value, flat position in W).
 */
function forEachConvTerm(
  p: Conv2dPlan,
  s: CsrValues,
  term: (xAt: number, o: number, yAt: (o: number) => number, v: number, flat: number) => void,
): void {
  const taps = p.kernelH * p.kernelW;
  const plane = p.outHeight * p.outWidth;
  for (let n = 0; n < p.batch; n++) {
    for (let oh = 0; oh < p.outHeight; oh++) {
      for (let ow = 0; ow < p.outWidth; ow++) {
        const yAt = (o: number) => (n * s.rows + o) * plane + oh * p.outWidth + ow;
        for (let o = 0; o < s.rows; o++) {
          for (let k = s.rowPtr[o]; k < s.rowPtr[o + 1]; k++) {
            const col = s.colIdx[k];
            const c = Math.floor(col / taps);
            const kh = Math.floor((col % taps) / p.kernelW);
            const kw = col % p.kernelW;
            const ih = oh * p.strideH - p.padH + kh;
            const iw = ow * p.strideW - p.padW + kw;
            if (ih < 0 || iw < 0 || ih >= p.inHeight || iw >= p.inWidth) continue;
            const xAt = ((n * p.inChannels + c) * p.inHeight + ih) * p.inWidth + iw;
            term(xAt, o, yAt, s.values[k], s.flat[k]);
          }
        }
      }
    }
  }
}

/** out (batch, s.rows) = inp (batch, s.cols) @ S^T. */
function spmmRows(inp: Float64Array, s: CsrValues, batch: number): Float64Array {
  const out = new Float64Array(batch * s.rows);
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < s.rows; r++) {
      let acc = 0;
      for (let k = s.rowPtr[r]; k < s.rowPtr[r + 1]; k++)
        acc += s.values[k] * inp[b * s.cols + s.colIdx[k]];
      out[b * s.rows + r] = acc;
    }
  }
  return out;
}

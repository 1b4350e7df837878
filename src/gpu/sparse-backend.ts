// The WebGPU implementation of the sparse primitives (src/tensor/sparse-backend.ts): masks,
// the masked-dense products (mask-apply + the dense matmul), the compressed zero-skipping path
// (index built on the GPU when a mask changes; the kernels read W at its positions, convs
// implicitly from NCHW), and RigL/SET regrowth by exact GPU top-k.
// Everything is recorded into the runtime's open batch; nothing is read back.
import { isSoftwareAdapter } from '../common/adapter';
import { SiftError } from '../common/errors';
import type { MatmulPlan, Storage } from '../tensor/backend';
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
import type { GpuContext } from './context';
import { maskApply } from './kernels/mask-apply';
import { maskRetain } from './kernels/mask-retain';
import { maskScore } from './kernels/mask-score';
import { selectTopK } from './kernels/mask-select';
import { matmul } from './kernels/matmul';
import { sddmm } from './kernels/sddmm';
import { csrBuildIndex } from './kernels/sparse-csr-build';
import {
  HARDWARE_SPARSE_CONV,
  SOFTWARE_SPARSE_CONV,
  sparseConvForward,
  sparseConvInputGrad,
  sparseConvWeightGrad,
  type SparseConvIndex,
  type SparseConvShape,
} from './kernels/sparse-conv';
import {
  csrMatmulRows,
  HARDWARE_CSR_MATMUL,
  SOFTWARE_CSR_MATMUL,
  type CsrMatmulShape,
} from './kernels/sparse-matmul-csr';
import { transposePad4 } from './kernels/sparse-transpose';
import { buf, type GpuStorage } from './storage';

function checkCounts(activeCount: number, dropCount: number, size: number): void {
  if (!(
    Number.isInteger(activeCount) &&
    Number.isInteger(dropCount) &&
    dropCount >= 0 &&
    dropCount <= activeCount &&
    activeCount <= size
  )) {
    throw new SiftError(
      'INVALID_ARGUMENT',
      `regrow: need integers 0 <= drop (${dropCount}) <= active (${activeCount}) <= size (${size})`,
    );
  }
}

export interface WebGpuSparseOptions {
  /** Workgroup shape of the compressed product; by default chosen from the adapter's name. */
  csrMatmul?: CsrMatmulShape;
  /** Workgroup shapes of the compressed conv kernels; by default chosen from the adapter's name. */
  sparseConv?: SparseConvShape;
}

export class WebGpuSparseBackend implements SparseBackend {
  readonly name = 'webgpu' as const;
  private readonly csrShape: CsrMatmulShape;
  private readonly convShape: SparseConvShape;

  constructor(
    readonly ctx: GpuContext,
    options: WebGpuSparseOptions = {},
  ) {
    const software = isSoftwareAdapter(ctx.rt.adapterName);
    this.csrShape = options.csrMatmul ?? (software ? SOFTWARE_CSR_MATMUL : HARDWARE_CSR_MATMUL);
    this.convShape = options.sparseConv ?? (software ? SOFTWARE_SPARSE_CONV : HARDWARE_SPARSE_CONV);
  }

  release(s: Storage): void {
    this.ctx.rt.pool.release(buf(s));
  }

  maskApply(x: Storage, mask: Storage): Storage {
    const out = this.ctx.alloc(x.size, 'masked');
    maskApply(this.ctx.rt, buf(x), buf(mask), out.buffer, x.size);
    return out;
  }

  maskRetainInPlace(x: Storage, keepA: Storage, keepB: Storage): void {
    maskRetain(this.ctx.rt, buf(x), buf(keepA), buf(keepB), x.size);
  }

  maskInitRandom(size: number, activeCount: number, seed: number): Storage {
    checkCounts(activeCount, 0, size);
    const keys = this.ctx.alloc(size, 'mask.keys');
    const mask = this.ctx.alloc(size, 'mask');
    // The random mode reads neither values nor flags; any buffer but `keys` (a writable binding
    // must not alias) satisfies the layout.
    maskScore(this.ctx.rt, 'random', mask.buffer, mask.buffer, keys.buffer, size, seed);
    selectTopK(this.ctx, keys.buffer, mask.buffer, size, activeCount, false);
    this.release(keys);
    return mask;
  }

  regrow(r: RegrowRequest): Storage {
    const n = r.mask.size;
    checkCounts(r.activeCount, r.dropCount, n);
    const { rt } = this.ctx;
    const keys = this.ctx.alloc(n, 'mask.keys');
    const next = this.ctx.alloc(n, 'mask');
    maskScore(rt, 'magnitude-where-set', buf(r.weight), buf(r.mask), keys.buffer, n);
    selectTopK(this.ctx, keys.buffer, next.buffer, n, r.activeCount - r.dropCount, false);
    if (r.grow.kind === 'gradient') {
      maskScore(rt, 'magnitude-where-clear', buf(r.grow.grad), next.buffer, keys.buffer, n);
    } else {
      maskScore(rt, 'random-where-clear', next.buffer, next.buffer, keys.buffer, n, r.grow.seed);
    }
    selectTopK(this.ctx, keys.buffer, next.buffer, n, r.dropCount, true);
    this.release(keys);
    return next;
  }

  maskedLinearForward({ x, w, mask, shape: s }: MaskedLinearPlan): Storage {
    const wm = this.maskApply(w, mask);
    const y = this.ctx.alloc(s.batch * s.outFeatures, 'linear.y');
    // y (B, N) = x (B, K) @ wm (N, K)^T
    matmul(
      this.ctx.rt,
      buf(x),
      buf(wm),
      y.buffer,
      plan(s.batch, s.outFeatures, s.inFeatures, false, true),
    );
    this.release(wm);
    return y;
  }

  maskedLinearBackward(
    { x, w, mask, shape: s }: MaskedLinearPlan,
    dy: Storage,
    want: LinearGradRequest,
  ): LinearGrads {
    const { rt } = this.ctx;
    let dx: GpuStorage | null = null;
    if (want.input) {
      const wm = this.maskApply(w, mask);
      dx = this.ctx.alloc(s.batch * s.inFeatures, 'linear.dx');
      // dx (B, K) = dy (B, N) @ wm (N, K)
      matmul(
        rt,
        buf(dy),
        buf(wm),
        dx.buffer,
        plan(s.batch, s.inFeatures, s.outFeatures, false, false),
      );
      this.release(wm);
    }
    return { dx, dw: this.weightGrad(dy, x, s, want.weight, mask) };
  }

  /** dw (N, K) = dy^T x, masked in place when asked. */
  private weightGrad(
    dy: Storage,
    x: Storage,
    s: LinearShape,
    kind: LinearGradRequest['weight'],
    mask: Storage | null,
  ): GpuStorage | null {
    if (kind === 'none') return null;
    const dw = this.ctx.alloc(s.outFeatures * s.inFeatures, 'linear.dw');
    // dw (N, K) = dy (B, N)^T @ x (B, K)
    matmul(
      this.ctx.rt,
      buf(dy),
      buf(x),
      dw.buffer,
      plan(s.outFeatures, s.inFeatures, s.batch, true, false),
    );
    if (kind === 'masked' && mask)
      maskRetain(this.ctx.rt, dw.buffer, buf(mask), buf(mask), dw.size);
    return dw;
  }

  csrBuild({ mask, rows, cols, nnz }: CsrBuildPlan): CsrWeight {
    if (mask.size !== rows * cols) {
      throw new SiftError(
        'SHAPE_MISMATCH',
        `csrBuild: ${rows}x${cols} does not match the mask's size ${mask.size}`,
      );
    }
    const { rt } = this.ctx;
    const a = (size: number, label: string) => this.ctx.alloc(size, label);
    const csr: CsrWeight = {
      rows,
      cols,
      nnz,
      rowPtr: a(rows + 1, 'csr.rowPtr'),
      colIdx: a(nnz, 'csr.colIdx'),
      flat: a(nnz, 'csr.flat'),
      tRowPtr: a(cols + 1, 'csr.tRowPtr'),
      tColIdx: a(nnz, 'csr.tColIdx'),
    };
    const m = buf(mask);
    csrBuildIndex(
      rt,
      m,
      { rowPtr: buf(csr.rowPtr), colIdx: buf(csr.colIdx), flat: buf(csr.flat) },
      rows,
      cols,
      cols,
      1,
    );
    // The by-columns flat positions are not kept: the kernels compute them from the index.
    const tFlat = a(nnz, 'csr.tFlat');
    csrBuildIndex(
      rt,
      m,
      { rowPtr: buf(csr.tRowPtr), colIdx: buf(csr.tColIdx), flat: tFlat.buffer },
      cols,
      rows,
      1,
      cols,
    );
    this.release(tFlat);
    return csr;
  }

  csrRelease(csr: CsrWeight): void {
    for (const s of [csr.rowPtr, csr.colIdx, csr.flat, csr.tRowPtr, csr.tColIdx]) this.release(s);
  }

  csrLinearForward({ x, w, csr, batch }: CsrLinearPlan): Storage {
    const y = this.ctx.alloc(batch * csr.rows, 'csr.y');
    const xT = transposePad4(this.ctx, buf(x), batch, csr.cols);
    csrMatmulRows(
      this.ctx.rt,
      {
        rowPtr: buf(csr.rowPtr),
        colIdx: buf(csr.colIdx),
        w: buf(w),
        wStrides: [csr.cols, 1],
        inT: xT.buffer,
        out: y.buffer,
        rows: csr.rows,
        batch,
      },
      this.csrShape,
    );
    this.release(xT);
    return y;
  }

  csrLinearBackward(
    { x, w, mask, csr, batch }: CsrLinearPlan,
    dy: Storage,
    want: LinearGradRequest,
  ): LinearGrads {
    const { rt } = this.ctx;
    const shape = { batch, outFeatures: csr.rows, inFeatures: csr.cols };
    const needDyT = want.input || want.weight === 'masked';
    const dyT = needDyT ? transposePad4(this.ctx, buf(dy), batch, csr.rows) : null;
    let dx: GpuStorage | null = null;
    if (want.input && dyT) {
      // dx (B, K) = dy (B, N) @ S, i.e. the rows of S^T (the by-columns index) against dy.
      dx = this.ctx.alloc(batch * csr.cols, 'csr.dx');
      csrMatmulRows(
        rt,
        {
          rowPtr: buf(csr.tRowPtr),
          colIdx: buf(csr.tColIdx),
          w: buf(w),
          wStrides: [1, csr.cols],
          inT: dyT.buffer,
          out: dx.buffer,
          rows: csr.cols,
          batch,
        },
        this.csrShape,
      );
    }
    let dw: GpuStorage | null = null;
    if (want.weight === 'masked' && dyT) {
      dw = this.ctx.alloc(csr.rows * csr.cols, 'csr.dw');
      const xT = transposePad4(this.ctx, buf(x), batch, csr.cols);
      sddmm(rt, {
        colIdx: buf(csr.colIdx),
        flat: buf(csr.flat),
        mask: buf(mask),
        dyT: dyT.buffer,
        xT: xT.buffer,
        dw: dw.buffer,
        rows: csr.rows,
        cols: csr.cols,
        nnz: csr.nnz,
        batch,
      });
      this.release(xT);
    } else if (want.weight === 'dense') {
      dw = this.weightGrad(dy, x, shape, 'dense', null);
    }
    if (dyT) this.release(dyT);
    return { dx, dw };
  }

  csrConvForward(p: CsrConvPlan): Storage {
    const c = p.conv;
    const y = this.ctx.alloc(c.batch * p.csr.rows * c.outHeight * c.outWidth, 'csr.conv.y');
    sparseConvForward(this.ctx.rt, this.convIndex(p), buf(p.x), y.buffer, this.convShape);
    return y;
  }

  csrConvBackward(p: CsrConvPlan, dy: Storage, want: CsrConvGradRequest): LinearGrads {
    const { rt } = this.ctx;
    const index = this.convIndex(p);
    let dx: GpuStorage | null = null;
    if (want.input) {
      dx = this.ctx.alloc(p.x.size, 'csr.conv.dx');
      sparseConvInputGrad(rt, index, buf(dy), dx.buffer, this.convShape);
    }
    let dw: GpuStorage | null = null;
    if (want.maskedWeight) {
      dw = this.ctx.alloc(p.csr.rows * p.csr.cols, 'csr.conv.dw');
      sparseConvWeightGrad(rt, index, buf(dy), buf(p.x), buf(p.mask), dw.buffer, this.convShape);
    }
    return { dx, dw };
  }

  private convIndex({ csr, conv, w }: CsrConvPlan): SparseConvIndex {
    if (
      csr.cols !== conv.inChannels * conv.kernelH * conv.kernelW ||
      w.size !== csr.rows * csr.cols
    ) {
      throw new SiftError(
        'SHAPE_MISMATCH',
        `compressed conv: index ${csr.rows}x${csr.cols} does not fit the weight (${w.size}) and ` +
          `${conv.inChannels} channels of a ${conv.kernelH}x${conv.kernelW} kernel`,
      );
    }
    return {
      conv,
      outChannels: csr.rows,
      nnz: csr.nnz,
      w: buf(w),
      rowPtr: buf(csr.rowPtr),
      colIdx: buf(csr.colIdx),
      flat: buf(csr.flat),
      tRowPtr: buf(csr.tRowPtr),
      tColIdx: buf(csr.tColIdx),
    };
  }
}

function plan(m: number, n: number, k: number, transA: boolean, transB: boolean): MatmulPlan {
  return { batch: 1, m, n, k, transA, transB, aBatchStride: 0, bBatchStride: 0 };
}

// Implicit convolution with a compressed weight (shaders/sparse-conv-*.wgsl): forward, input
// gradient and masked weight gradient read x and dy in NCHW and write NCHW / OIHW directly, and
// read W at the index's positions, so a compressed conv costs one dispatch per product.
import libConvTap from '../../../shaders/lib-conv-tap.wgsl?raw';
import libWorkgroupReduce from '../../../shaders/lib-workgroup-reduce.wgsl?raw';
import forwardSource from '../../../shaders/sparse-conv-forward.wgsl?raw';
import inputGradSource from '../../../shaders/sparse-conv-input-grad.wgsl?raw';
import weightGradSource from '../../../shaders/sparse-conv-weight-grad.wgsl?raw';
import type { Conv2dPlan } from '../../tensor/backend';
import { ceilDiv, defineKernel, grid1d, type Kernel } from '../kernel';
import type { GpuRuntime } from '../runtime';
import type { BufferRef } from '../storage';

/**
 * Workgroup shapes of the three kernels. Forward and input gradient: WG threads x QUADS quads of
 * 4 pixels per thread. Weight gradient: WG threads (a power of two) and whether a whole
 * workgroup sums one nonzero (tree reduction) or each thread one nonzero.
 */
export interface SparseConvShape {
  product: { WG: number; QUADS: 1 | 2 };
  weightGrad: { WG: number; perWorkgroup: boolean };
}

/**
 * SwiftShader: few threads with 8 pixels each (as SOFTWARE_CSR_MATMUL: each loaded index and
 * weight feeds 8 products), and a thread per nonzero for the weight gradient (no barriers).
 */
export const SOFTWARE_SPARSE_CONV: SparseConvShape = {
  product: { WG: 16, QUADS: 2 },
  weightGrad: { WG: 64, perWorkgroup: false },
};
/**
 * Not measured (no hardware GPU was available): 64 threads x 4 pixels keep a warp's loads along
 * the contiguous output row, and a workgroup of 64 per nonzero spreads the weight gradient's
 * N * OH * OW-long sum.
 */
export const HARDWARE_SPARSE_CONV: SparseConvShape = {
  product: { WG: 64, QUADS: 1 },
  weightGrad: { WG: 64, perWorkgroup: true },
};

const geometry = [
  ['in_c', 'u32'],
  ['in_h', 'u32'],
  ['in_w', 'u32'],
  ['out_c', 'u32'],
  ['out_h', 'u32'],
  ['out_w', 'u32'],
  ['k_h', 'u32'],
  ['k_w', 'u32'],
  ['stride_h', 'u32'],
  ['stride_w', 'u32'],
  ['pad_h', 'u32'],
  ['pad_w', 'u32'],
  ['cols', 'u32'],
] as const;

export const sparseConvForwardKernel = defineKernel({
  name: 'sparse_conv_forward',
  source: libConvTap + forwardSource,
  entryPoint: 'sparse_conv_forward',
  bindings: ['read', 'read', 'read', 'read', 'write'],
  params: [...geometry, ['pixels', 'u32']],
});

export const sparseConvInputGradKernel = defineKernel({
  name: 'sparse_conv_input_grad',
  source: libConvTap + inputGradSource,
  entryPoint: 'sparse_conv_input_grad',
  bindings: ['read', 'read', 'read', 'read', 'write'],
  params: [...geometry, ['pixels', 'u32']],
});

const weightGradKernel = (entryPoint: string): Kernel =>
  defineKernel({
    name: entryPoint,
    source: libWorkgroupReduce + libConvTap + weightGradSource,
    entryPoint,
    bindings: ['read', 'read', 'read', 'read', 'read', 'write'],
    params: [['batch', 'u32'], ...geometry, ['nnz', 'u32'], ['nz_groups', 'u32']],
  });
export const sddmmConvThreadKernel = weightGradKernel('sddmm_conv_thread');
export const sddmmConvWorkgroupKernel = weightGradKernel('sddmm_conv_workgroup');

/** One compressed conv: the geometry, its weight's index (u32 buffers) and W itself. */
export interface SparseConvIndex {
  conv: Conv2dPlan;
  outChannels: number;
  nnz: number;
  w: BufferRef;
  /** By rows (output channels): rowPtr (O + 1), colIdx and flat (nnz). */
  rowPtr: BufferRef;
  colIdx: BufferRef;
  flat: BufferRef;
  /** By columns (taps): tRowPtr (C * KH * KW + 1), tColIdx (nnz, the output channel). */
  tRowPtr: BufferRef;
  tColIdx: BufferRef;
}

function geometryParams(p: SparseConvIndex): Record<string, number> {
  const c = p.conv;
  return {
    in_c: c.inChannels,
    in_h: c.inHeight,
    in_w: c.inWidth,
    out_c: p.outChannels,
    out_h: c.outHeight,
    out_w: c.outWidth,
    k_h: c.kernelH,
    k_w: c.kernelW,
    stride_h: c.strideH,
    stride_w: c.strideW,
    pad_h: c.padH,
    pad_w: c.padW,
    cols: c.inChannels * c.kernelH * c.kernelW,
  };
}

/** y (N, O, OH, OW) = conv2d(x, W*M). */
export function sparseConvForward(
  rt: GpuRuntime,
  p: SparseConvIndex,
  x: BufferRef,
  y: BufferRef,
  shape: SparseConvShape,
): void {
  const { WG, QUADS } = shape.product;
  const pixels = p.conv.batch * p.conv.outHeight * p.conv.outWidth;
  rt.dispatch(
    sparseConvForwardKernel,
    [p.rowPtr, p.colIdx, p.w, x, y],
    { ...geometryParams(p), pixels },
    grid1d(ceilDiv(pixels, 4 * WG * QUADS) * p.outChannels),
    { WG, QUADS },
  );
}

/** dx (N, C, H, W) = the adjoint of sparseConvForward applied to dy. */
export function sparseConvInputGrad(
  rt: GpuRuntime,
  p: SparseConvIndex,
  dy: BufferRef,
  dx: BufferRef,
  shape: SparseConvShape,
): void {
  const { WG, QUADS } = shape.product;
  const pixels = p.conv.batch * p.conv.inHeight * p.conv.inWidth;
  rt.dispatch(
    sparseConvInputGradKernel,
    [p.tRowPtr, p.tColIdx, p.w, dy, dx],
    { ...geometryParams(p), pixels },
    grid1d(ceilDiv(pixels, 4 * WG * QUADS) * p.conv.inChannels),
    { WG, QUADS },
  );
}

/** dw (O, C*KH*KW) = (dy^T x_patches) at the mask's nonzeros, 0 elsewhere, in one dispatch. */
export function sparseConvWeightGrad(
  rt: GpuRuntime,
  p: SparseConvIndex,
  dy: BufferRef,
  x: BufferRef,
  mask: BufferRef,
  dw: BufferRef,
  shape: SparseConvShape,
): void {
  const { WG, perWorkgroup } = shape.weightGrad;
  const params = geometryParams(p);
  const nzGroups = perWorkgroup ? p.nnz : ceilDiv(p.nnz, WG);
  const zeroGroups = ceilDiv(p.outChannels * params.cols, WG);
  rt.dispatch(
    perWorkgroup ? sddmmConvWorkgroupKernel : sddmmConvThreadKernel,
    [p.colIdx, p.flat, dy, x, mask, dw],
    { ...params, batch: p.conv.batch, nnz: p.nnz, nz_groups: nzGroups },
    grid1d(nzGroups + zeroGroups),
    { WG },
  );
}

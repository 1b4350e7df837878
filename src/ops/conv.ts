// 2-D convolution, forward and backward. Weights are PyTorch's OIHW, so an exported state dict
// loads unchanged. This file checks the shapes and hands the products on: a dense (or masked-dense)
// weight runs as an implicit GEMM (ops/conv-dense.ts), a compressed weight as implicit
// convolutions over its mask's index (ops/sparse-conv.ts). Neither builds a patch matrix.
import { SiftError } from '../common/errors';
import type { Conv2dPlan } from '../tensor/backend';
import type { Tensor } from '../tensor/tensor';
import { denseConv2d } from './conv-dense';
import type { SparseWeightState } from './sparse';
import { sparseConv2d } from './sparse-conv';

/** Stride and padding, one number for both dims or [h, w]. */
export interface Conv2dOptions {
  stride?: number | readonly [number, number];
  padding?: number | readonly [number, number];
  /** Run the weight product on the compressed zero-skipping path (a sparsified weight). */
  sparse?: SparseWeightState | null;
}

const pair = (v: number | readonly [number, number]): [number, number] =>
  typeof v === 'number' ? [v, v] : [v[0], v[1]];

/** Output length along one dim: floor((size + 2 * padding - kernel) / stride) + 1 (PyTorch, dilation 1). */
export function conv2dOutputSize(size: number, kernel: number, stride = 1, padding = 0): number {
  return Math.floor((size + 2 * padding - kernel) / stride) + 1;
}

/** The im2col plan for x (N, C, H, W) and weight (O, C, KH, KW); throws on shapes that do not fit. */
export function conv2dPlan(
  xShape: readonly number[],
  weightShape: readonly number[],
  { stride = 1, padding = 0 }: Conv2dOptions = {},
): Conv2dPlan {
  const describe = () => `conv2d: x [${xShape.join(', ')}], weight [${weightShape.join(', ')}]`;
  if (xShape.length !== 4 || weightShape.length !== 4 || xShape[1] !== weightShape[1]) {
    throw new SiftError(
      'SHAPE_MISMATCH',
      `${describe()}: need x (N, C, H, W) and weight (O, C, KH, KW)`,
    );
  }
  const [strideH, strideW] = pair(stride);
  const [padH, padW] = pair(padding);
  if (
    !(strideH >= 1 && strideW >= 1 && padH >= 0 && padW >= 0) ||
    ![strideH, strideW, padH, padW].every(Number.isInteger)
  ) {
    throw new SiftError(
      'INVALID_ARGUMENT',
      `${describe()}: stride must be >= 1 and padding >= 0, integers`,
    );
  }
  const [batch, inChannels, inHeight, inWidth] = xShape;
  const [, , kernelH, kernelW] = weightShape;
  const outHeight = conv2dOutputSize(inHeight, kernelH, strideH, padH);
  const outWidth = conv2dOutputSize(inWidth, kernelW, strideW, padW);
  if (outHeight < 1 || outWidth < 1) {
    throw new SiftError(
      'SHAPE_MISMATCH',
      `${describe()}: the kernel does not fit the padded input`,
    );
  }
  return {
    batch,
    inChannels,
    inHeight,
    inWidth,
    kernelH,
    kernelW,
    strideH,
    strideW,
    padH,
    padW,
    outHeight,
    outWidth,
  };
}

/**
 * y (N, O, OH, OW) = conv2d(x (N, C, H, W), weight (O, C, KH, KW)) + bias (O), cross-correlation as
 * in PyTorch's nn.Conv2d (dilation 1, groups 1).
 */
export function conv2d(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  options: Conv2dOptions = {},
): Tensor {
  const plan = conv2dPlan(x.shape, weight.shape, options);
  const outChannels = weight.shape[0];
  if (bias && (bias.rank !== 1 || bias.shape[0] !== outChannels)) {
    throw new SiftError(
      'SHAPE_MISMATCH',
      `conv2d: bias [${bias.shape.join(', ')}] for ${outChannels} output channels`,
    );
  }
  if (options.sparse) return sparseConv2d(x, weight, bias, plan, options.sparse);
  return denseConv2d(x, weight, bias, { ...plan, outChannels });
}

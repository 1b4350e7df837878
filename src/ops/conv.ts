// 2-D convolution as im2col + one matmul (the llm.c / Caffe formulation), forward and backward.
// Weights are PyTorch's OIHW, so an exported state dict loads unchanged.
//   forward:  cols = im2col(x) (N, OH*OW, C*KH*KW); y_n = W cols_n^T, batched over n, lands in
//             NCHW directly (a compressed weight takes ops/sparse-conv.ts instead)
//   backward: dcols_n = dy_n^T W (batched, from dy's NCHW layout); dx = col2im(dcols);
//             g2 = rows of dy (N*OH*OW, O); dW = g2^T cols; dbias = sum_rows g2
// cols is not kept for the backward: it is KH*KW times the size of x, so it is rebuilt from x
// (one memory-bound dispatch) instead of holding it across the whole forward pass.
import { SiftError } from '../common/errors';
import type { Conv2dPlan, StridedView } from '../tensor/backend';
import { broadcastPlan } from '../tensor/shape';
import { record } from '../tensor/tape';
import { Tensor } from '../tensor/tensor';
import { matmulRaw } from './matmul';
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
  const be = x.backend;
  const { batch: N, outHeight: OH, outWidth: OW } = plan;
  const rows = N * OH * OW;
  const patch = plan.inChannels * plan.kernelH * plan.kernelW;

  const cols = new Tensor(be, be.im2col(x.storage, plan), [rows, patch]);
  // Per sample, W (O, patch) @ cols_n^T (patch, OH*OW) is already NCHW: no layout copy.
  const product = be.matmul(weight.storage, cols.storage, {
    batch: N,
    m: outChannels,
    n: OH * OW,
    k: patch,
    transA: false,
    transB: true,
    aBatchStride: 0,
    bBatchStride: OH * OW * patch,
  });
  let out = new Tensor(be, product, [N, outChannels, OH, OW]);
  cols.dispose();
  if (bias) {
    const perChannel = broadcastPlan([N, outChannels, OH * OW], [outChannels, 1]);
    const biased = new Tensor(
      be,
      be.binary('add', out.storage, bias.storage, perChannel),
      out.shape,
    );
    out.dispose();
    out = biased;
  }

  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record(out, 'conv2d', inputs, (g) => {
    // (N, O, OH, OW) -> (N, OH, OW, O), i.e. g2 (rows, O), for the weight and bias gradients.
    const toRows: StridedView = {
      shape: [N, OH, OW, outChannels],
      strides: [outChannels * OH * OW, OW, 1, OH * OW],
      offset: 0,
    };
    const g2 = new Tensor(be, be.gatherStrided(g.storage, toRows), [rows, outChannels]);
    let dx: Tensor | null = null;
    let dw: Tensor | null = null;
    let db: Tensor | null = null;
    if (x.requiresGrad) {
      // dcols_n (OH*OW, patch) = g_n^T W, read from g's NCHW layout as it stands.
      const dcols = be.matmul(g.storage, weight.storage, {
        batch: N,
        m: OH * OW,
        n: patch,
        k: outChannels,
        transA: true,
        transB: false,
        aBatchStride: outChannels * OH * OW,
        bBatchStride: 0,
      });
      dx = new Tensor(be, be.col2im(dcols, plan), x.shape);
      be.release(dcols);
    }
    if (weight.requiresGrad) {
      const colsAgain = new Tensor(be, be.im2col(x.storage, plan), [rows, patch]);
      const dwMat = matmulRaw(g2, colsAgain, { transA: true });
      colsAgain.dispose();
      dw = dwMat.view(weight.shape);
      dwMat.dispose();
    }
    if (bias?.requiresGrad) {
      db = new Tensor(be, be.reduce('sum', g2.storage, 1, rows, outChannels), [outChannels]);
    }
    g2.dispose();
    return bias ? [dx, dw, db] : [dx, dw];
  });
}

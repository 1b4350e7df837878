// 2-D pooling ops over NCHW tensors, forward and backward: max pool (PyTorch nn.MaxPool2d,
// padding never wins), average pool (nn.AvgPool2d, count_include_pad=True) and global average pool.
import { SiftError } from '../common/errors';
import type { Pool2dPlan } from '../tensor/backend';
import { isGradEnabled, record } from '../tensor/tape';
import { Tensor } from '../tensor/tensor';

/** Window side, stride (default: the kernel, as PyTorch) and padding, all square. */
export interface Pool2dOptions {
  kernel: number;
  stride?: number;
  padding?: number;
}

/** The pooling plan for x (N, C, H, W); throws on windows PyTorch would reject. */
export function pool2dPlan(
  xShape: readonly number[],
  { kernel, stride = kernel, padding = 0 }: Pool2dOptions,
): Pool2dPlan {
  if (xShape.length !== 4) {
    throw new SiftError(
      'SHAPE_MISMATCH',
      `pool2d needs x (N, C, H, W), got [${xShape.join(', ')}]`,
    );
  }
  // Padding at most half the window (PyTorch's rule) guarantees every window holds an input cell.
  if (
    ![kernel, stride, padding].every(Number.isInteger) ||
    kernel < 1 ||
    stride < 1 ||
    padding < 0 ||
    padding > kernel / 2
  ) {
    throw new SiftError(
      'INVALID_ARGUMENT',
      `pool2d: kernel ${kernel}, stride ${stride}, padding ${padding}: need integers, padding <= kernel / 2`,
    );
  }
  const [n, c, inHeight, inWidth] = xShape;
  const outHeight = Math.floor((inHeight + 2 * padding - kernel) / stride) + 1;
  const outWidth = Math.floor((inWidth + 2 * padding - kernel) / stride) + 1;
  if (outHeight < 1 || outWidth < 1) {
    throw new SiftError(
      'SHAPE_MISMATCH',
      `pool2d: kernel ${kernel} does not fit [${xShape.join(', ')}]`,
    );
  }
  return { planes: n * c, inHeight, inWidth, kernel, stride, pad: padding, outHeight, outWidth };
}

/** x (N, C, H, W) -> (N, C, OH, OW), the maximum of each window; the gradient goes to its first maximum. */
export function maxPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  const plan = pool2dPlan(x.shape, options);
  const be = x.backend;
  const { out, argmax } = be.maxPool(x.storage, plan);
  const outShape = [x.shape[0], x.shape[1], plan.outHeight, plan.outWidth];
  if (!isGradEnabled() || !x.requiresGrad) {
    be.release(argmax);
    return new Tensor(be, out, outShape);
  }
  // Held as a tensor so the scope that owns the forward pass releases it.
  const argmaxT = new Tensor(be, argmax, outShape);
  return record(new Tensor(be, out, outShape), 'maxPool2d', [x], (g) => [
    new Tensor(be, be.maxPoolBackward(g.storage, argmaxT.storage, plan), x.shape),
  ]);
}

/** x (N, C, H, W) -> (N, C, OH, OW), window means with padding counted as zeros. */
export function avgPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  const plan = pool2dPlan(x.shape, options);
  const be = x.backend;
  const outShape = [x.shape[0], x.shape[1], plan.outHeight, plan.outWidth];
  return record(new Tensor(be, be.avgPool(x.storage, plan), outShape), 'avgPool2d', [x], (g) => [
    new Tensor(be, be.avgPoolBackward(g.storage, plan), x.shape),
  ]);
}

/** x (N, C, H, W) -> (N, C), the mean over H and W (PyTorch adaptive_avg_pool2d(x, 1).flatten(1)). */
export function globalAvgPool2d(x: Tensor): Tensor {
  if (x.rank !== 4) {
    throw new SiftError(
      'SHAPE_MISMATCH',
      `globalAvgPool2d needs x (N, C, H, W), got [${x.shape.join(', ')}]`,
    );
  }
  const [n, c, h, w] = x.shape;
  const be = x.backend;
  // Square maps (every ResNet stage) are one average-pool window: one dispatch each way.
  if (h === w) {
    const plan = pool2dPlan(x.shape, { kernel: h });
    return record(
      new Tensor(be, be.avgPool(x.storage, plan), [n, c]),
      'globalAvgPool2d',
      [x],
      (g) => [new Tensor(be, be.avgPoolBackward(g.storage, plan), x.shape)],
    );
  }
  const planes = n * c;
  const spatial = h * w;
  const sums = be.reduce('sum', x.storage, planes, spatial, 1);
  const out = new Tensor(be, be.unary('scale', sums, 1 / spatial), [n, c]);
  be.release(sums);
  return record(out, 'globalAvgPool2d', [x], (g) => {
    const share = be.fill(1, 1 / spatial);
    // dx[p, s] = g[p] / spatial: g broadcast along the spatial axis (stride 0).
    const dx = be.binary('mul', g.storage, share, {
      outShape: [planes, spatial],
      aStrides: [1, 0],
      bStrides: [0, 0],
    });
    be.release(share);
    return [new Tensor(be, dx, x.shape)];
  });
}

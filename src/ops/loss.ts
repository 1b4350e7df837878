// Softmax cross-entropy, forward and backward together, on the backend's fused primitives: the
// forward is a stable log-softmax per row, the backward (softmax - onehot) * dloss in one pass.
import { SiftError } from '../common/errors';
import { sizeOf } from '../tensor/shape';
import { record } from '../tensor/tape';
import { Tensor } from '../tensor/tensor';
import { mean } from './reduce';

// logits (..., classes) as (rows, classes), with one label per row.
function rowsOf(logits: Tensor, labels: Tensor): { rows: number; classes: number } {
  const rows = sizeOf(logits.shape.slice(0, -1));
  if (logits.rank < 1 || labels.size !== rows) {
    const shapes = `logits [${logits.shape.join(', ')}], labels [${labels.shape.join(', ')}]`;
    throw new SiftError('SHAPE_MISMATCH', `cross-entropy needs one label per row: ${shapes}`);
  }
  return { rows, classes: logits.shape[logits.rank - 1] };
}

/**
 * Per-example cross-entropy -log softmax(logits)[label], no reduction: logits (..., classes) and
 * labels (...) holding class indices as floats -> (...). Only the logits get a gradient.
 */
export function crossEntropy(logits: Tensor, labels: Tensor): Tensor {
  const b = logits.backend;
  const { rows, classes } = rowsOf(logits, labels);
  const out = new Tensor(
    b,
    b.crossEntropy(logits.storage, labels.storage, rows, classes),
    logits.shape.slice(0, -1),
  );
  return record(out, 'crossEntropy', [logits], (g) => [
    new Tensor(
      b,
      b.crossEntropyBackward(
        { logits: logits.storage, labels: labels.storage, dloss: g.storage },
        rows,
        classes,
      ),
      logits.shape,
    ),
  ]);
}

/**
 * Mean cross-entropy over all examples (PyTorch's F.cross_entropy with reduction='mean' and no
 * class weights): logits (..., classes), labels (...) -> a scalar (shape []). The mean divides by
 * the number of examples, so the loss does not grow with the batch (or sequence) size.
 */
export function crossEntropyLoss(logits: Tensor, labels: Tensor): Tensor {
  return mean(crossEntropy(logits, labels));
}

// Class labels arrive as floats (one per logits row). The CPU reference checks each as it reads
// it; the GPU kernels would clamp a bad one into range, so the trainer checks a batch on the host
// with the same rule before it uploads the labels.
import { SiftError } from './errors';

export function checkLabel(label: number, row: number, classes: number): number {
  if (!Number.isInteger(label) || label < 0 || label >= classes) {
    throw new SiftError(
      'LABEL_OUT_OF_RANGE',
      `label ${label} of row ${row} is not a class in [0, ${classes})`,
    );
  }
  return label;
}

export function checkLabels(labels: ArrayLike<number>, classes: number): void {
  for (let row = 0; row < labels.length; row++) checkLabel(labels[row], row, classes);
}

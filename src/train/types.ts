// The seams the training loop runs over: a model that maps a batch to logits, batches from some
// dataset, and the optional sparsity machinery. Each is built elsewhere (models/, data/, sparse/).
import type { Module } from '../nn/module';
import type { Task } from '../spec/model-spec';
import type { Tensor } from '../tensor/tensor';

export interface TrainableModel {
  readonly task: Task;
  readonly module: Module;
  /** inputs -> logits of shape (rows, classes); for language models rows = B * T. */
  forward(inputs: Tensor): Tensor;
}

/** One batch on the host: inputs (images NCHW or token ids (B, T)) and integer targets as floats. */
export interface HostBatch {
  inputs: Float32Array;
  inputShape: number[];
  /** One target per logits row. */
  targets: Float32Array;
}

export interface BatchSource {
  /** Next training batch (seeded, reproducible). */
  nextTrain(): HostBatch;
  /** The held-out set in fixed batches, the same every evaluation. */
  evalBatches(): HostBatch[];
  /** Continue from a given step (resume from a checkpoint). */
  seek?(step: number): void;
}

// A training run as a plain class: steps, periodic evaluation, metrics, pause/resume/stop,
// divergence detection on the losses it reads anyway. The browser worker and the Node CLI both drive it; it knows nothing of either.
import { SiftError } from '../common/errors';
import { checkLabels } from '../common/labels';
import { DivergenceMonitor, type DivergenceRule } from './divergence';
import type { LayerMaskStats as SparseWeightStats } from './metrics';
import type { RunConfig } from '../spec/run-config';
import type { Backend } from '../tensor/backend';
import { keep, scope } from '../tensor/scope';
import { backward, noGrad } from '../tensor/tape';
import { Tensor, tensor } from '../tensor/tensor';
import { crossEntropy } from '../ops/loss';
import { mean, sum } from '../ops/reduce';
import { clipGradients } from '../nn/optim/clip';
import type { Optimizer } from '../nn/optim/sgd';
import type { LrSchedule } from '../nn/optim/schedule';
import type { BatchSource, HostBatch, TrainableModel } from './types';
import type { MetricPoint } from './metrics';

export interface StepCost {
  /** Theoretical and executed training FLOPs of a regular step and of a mask-update step. */
  regular: { theoretical: number; executed: number };
  update: { theoretical: number; executed: number };
}

/** What the session needs from the sparse machinery (src/train/sparsity.ts builds it). */
export interface SparsityHooks {
  /** Whether step t (1-based, counting steps taken) updates masks. */
  isUpdateStep(step: number): boolean;
  /** Called before the forward pass of every training step. */
  beginStep(isUpdate: boolean): void;
  /** Drop and grow with the current (unmasked) gradients; then masks weights and optimiser state. */
  update(step: number): void;
  /** grad *= mask for every sparse weight. */
  maskGradients(): void;
  /** w *= mask (and optimiser state) after the optimiser step. */
  maskWeights(): void;
  stats(): SparseWeightStats[];
}

export interface SessionEvents {
  onMetrics?(points: MetricPoint[]): void;
  onMaskStats?(step: number, stats: SparseWeightStats[]): void;
  onState?(state: 'running' | 'paused' | 'stopped' | 'done' | 'failed', message?: string): void;
}

export interface SessionParts {
  backend: Backend;
  config: RunConfig;
  model: TrainableModel;
  data: BatchSource;
  optimizer: Optimizer;
  schedule: LrSchedule;
  cost: StepCost;
  sparsity: SparsityHooks | null;
  /** Flush and wait for the device (GPU); bounds how far the host runs ahead. */
  sync(): Promise<void>;
  /** Yield to the event loop so pause/stop messages get through. */
  yieldNow?(): Promise<void>;
  /** When a growing loss stops the run (default: 10x the first loss for 3 reads). */
  divergence?: DivergenceRule;
}

export interface EvalResult {
  loss: number;
  accuracy: number;
}

export class TrainingSession {
  step = 0;
  trainingFlops = 0;
  executedFlops = 0;
  readonly history: MetricPoint[] = [];
  private paused = false;
  private stopped = false;
  private resumeWaiter: (() => void) | null = null;
  private wallMs = 0;
  private lastTrainLoss = NaN;
  private lastEval: EvalResult | null = null;
  private readonly divergence: DivergenceMonitor;

  constructor(
    private readonly parts: SessionParts,
    private readonly events: SessionEvents = {},
  ) {
    this.divergence = new DivergenceMonitor(parts.divergence);
  }

  pause(): void {
    this.paused = true;
    this.events.onState?.('paused');
  }

  resume(): void {
    this.paused = false;
    this.events.onState?.('running');
    this.resumeWaiter?.();
    this.resumeWaiter = null;
  }

  stop(): void {
    this.stopped = true;
    this.resumeWaiter?.();
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  get lastEvaluation(): EvalResult | null {
    return this.lastEval;
  }

  get trainLoss(): number {
    return this.lastTrainLoss;
  }

  get elapsedMs(): number {
    return this.wallMs;
  }

  /**
   * Run until `config.steps` or a stop. A non-finite loss throws NAN_LOSS and a diverging one
   * DIVERGED (src/train/divergence.ts), with every point before it kept in `history`.
   */
  async run(): Promise<void> {
    const { config, backend, model, sync } = this.parts;
    const { lossSum, correctSum } = this.accumulators();
    let windowSteps = 0;
    let windowSamples = 0;
    let windowStart = now();
    this.events.onState?.('running');
    try {
      while (this.step < config.steps && !this.stopped) {
        if (this.paused) {
          await new Promise<void>((resolve) => (this.resumeWaiter = resolve));
          windowStart = now();
          if (this.stopped) break;
        }
        const t0 = now();
        const batch = this.trainOneStep();
        windowSteps++;
        windowSamples += config.batchSize;
        const isLast = this.step === config.steps;
        if (this.step % config.metricsEvery === 0 || isLast) {
          const [loss] = await lossSum.data();
          const [correct] = await correctSum.data();
          const rows = batch.targets.length;
          resetToZero(backend, lossSum);
          resetToZero(backend, correctSum);
          this.wallMs += now() - t0;
          const trainLoss = loss / windowSteps;
          this.lastTrainLoss = trainLoss;
          const seconds = (now() - windowStart) / 1000;
          if (Number.isFinite(trainLoss)) {
            this.pushPoint({
              trainLoss,
              trainAccuracy: model.task === 'classify' ? correct / (windowSteps * rows) : undefined,
              samplesPerSecond: seconds > 0 ? windowSamples / seconds : undefined,
            });
          }
          this.divergence.observe('train', trainLoss, this.step);
          windowSteps = 0;
          windowSamples = 0;
          windowStart = now();
        } else {
          this.wallMs += now() - t0;
        }
        if (this.step % config.evalEvery === 0 || isLast) {
          const t1 = now();
          const ev = await this.evaluate();
          this.wallMs += now() - t1;
          if (Number.isFinite(ev.loss)) {
            this.pushPoint(
              model.task === 'classify'
                ? { evalLoss: ev.loss, evalAccuracy: ev.accuracy }
                : { evalLoss: ev.loss, evalBitsPerChar: ev.loss / Math.LN2 },
            );
          }
          this.divergence.observe('eval', ev.loss, this.step);
          if (this.parts.sparsity)
            this.events.onMaskStats?.(this.step, this.parts.sparsity.stats());
          windowStart = now();
        }
        if (this.step % 4 === 0) await sync();
        await (this.parts.yieldNow ?? defaultYield)();
      }
      this.events.onState?.(this.stopped ? 'stopped' : 'done');
    } finally {
      this.releaseAccumulators();
    }
  }

  private sums: { lossSum: Tensor; correctSum: Tensor } | null = null;

  /** Loss and hit counts summed on the device between metric reads (one [1] tensor each). */
  private accumulators(): { lossSum: Tensor; correctSum: Tensor } {
    const { backend } = this.parts;
    this.sums ??= {
      lossSum: keep(tensor(backend, [0], [1])),
      correctSum: keep(tensor(backend, [0], [1])),
    };
    return this.sums;
  }

  private releaseAccumulators(): void {
    this.sums?.lossSum.dispose();
    this.sums?.correctSum.dispose();
    this.sums = null;
  }

  /**
   * One training step (forward, backward, clipping, optimiser, mask work) recorded and submitted
   * with no readback; the benchmark times this. Returns the batch it trained on.
   */
  trainOneStep(): HostBatch {
    const { lossSum, correctSum } = this.accumulators();
    const batch = this.parts.data.nextTrain();
    this.trainStep(batch, lossSum, correctSum);
    return batch;
  }

  dispose(): void {
    this.releaseAccumulators();
  }

  private pushPoint(extra: Partial<MetricPoint>): void {
    const point: MetricPoint = {
      step: this.step,
      trainingFlops: this.trainingFlops,
      executedFlops: this.executedFlops,
      wallMs: this.wallMs,
      lr: this.parts.schedule(Math.max(0, this.step - 1)),
      ...extra,
    };
    this.history.push(point);
    this.events.onMetrics?.([point]);
  }

  private trainStep(batch: HostBatch, lossSum: Tensor, correctSum: Tensor): void {
    const { backend, model, optimizer, schedule, sparsity, config, cost } = this.parts;
    const step = this.step + 1;
    const isUpdate = sparsity?.isUpdateStep(step) ?? false;
    sparsity?.beginStep(isUpdate);
    scope(() => {
      model.module.train();
      const x = tensor(backend, batch.inputs, batch.inputShape);
      const y = tensor(backend, batch.targets, [batch.targets.length]);
      const logits = model.forward(x);
      checkBatchLabels(batch, logits);
      const perRow = crossEntropy(logits, y);
      const loss = mean(perRow);
      backward(loss);
      noGrad(() => {
        backend.addInPlace(lossSum.storage, loss.storage);
        if (model.task === 'classify') {
          const hits = correctCount(logits, y);
          backend.addInPlace(correctSum.storage, hits.storage);
        }
        // RigL grows where the dense gradient is largest: update before the gradients are masked.
        if (sparsity && isUpdate) sparsity.update(step);
        sparsity?.maskGradients();
        const clip =
          config.gradClip > 0 ? clipGradients(optimizer.gradients(), config.gradClip) : null;
        optimizer.step(schedule(step - 1), clip?.scale ?? null);
        sparsity?.maskWeights();
      });
    });
    optimizer.zeroGrad();
    this.step = step;
    const c = isUpdate ? cost.update : cost.regular;
    this.trainingFlops += c.theoretical;
    this.executedFlops += c.executed;
  }

  /** Mean loss and accuracy over the held-out set (one readback at the end). */
  async evaluate(): Promise<EvalResult> {
    const { backend, model, data } = this.parts;
    const batches = data.evalBatches();
    if (batches.length === 0)
      throw new SiftError('DATASET_BAD_FORMAT', 'the evaluation split is empty');
    const lossTotal = tensor(backend, [0], [1]);
    const correctTotal = tensor(backend, [0], [1]);
    let rows = 0;
    model.module.eval();
    try {
      for (const batch of batches) {
        noGrad(() =>
          scope(() => {
            const x = tensor(backend, batch.inputs, batch.inputShape);
            const y = tensor(backend, batch.targets, [batch.targets.length]);
            const logits = model.forward(x);
            checkBatchLabels(batch, logits);
            backend.addInPlace(lossTotal.storage, sum(crossEntropy(logits, y)).storage);
            if (model.task === 'classify') {
              backend.addInPlace(correctTotal.storage, correctCount(logits, y).storage);
            }
          }),
        );
        rows += batch.targets.length;
      }
      const [loss] = await lossTotal.data();
      const [correct] = await correctTotal.data();
      this.lastEval = { loss: loss / rows, accuracy: correct / rows };
      return this.lastEval;
    } finally {
      model.module.train();
      lossTotal.dispose();
      correctTotal.dispose();
    }
  }
}

/**
 * The batch's labels on the device, checked on the host first: the GPU cross-entropy would clamp
 * an out-of-range label into a wrong but finite loss, where the CPU reference throws.
 */
// The labels are uploaded before the forward pass and checked after it (the class count is the
// logits' width): an upload after recorded work submits that work early, two submits a step.
function checkBatchLabels(batch: HostBatch, logits: Tensor): void {
  checkLabels(batch.targets, logits.shape[logits.rank - 1]);
}

/** Number of rows whose argmax equals the label, as a [1] tensor (no readback). */
function correctCount(logits: Tensor, labels: Tensor): Tensor {
  const b = logits.backend;
  const classes = logits.shape[logits.rank - 1];
  const rows = logits.size / classes;
  const predicted = b.argmax(logits.storage, rows, classes);
  const plan = { outShape: [rows], aStrides: [1], bStrides: [1] };
  const diff = b.binary('sub', predicted, labels.storage, plan);
  // |pred - label| is 0 on a hit and >= 1 on a miss: relu(1 - |d|) is exactly 1 or 0.
  const absDiff = b.unary('abs', diff);
  const negated = b.unary('neg', absDiff);
  const shifted = b.unary('add-scalar', negated, 1);
  const hit = b.unary('relu', shifted);
  const total = b.reduce('sum', hit, 1, rows, 1);
  for (const s of [predicted, diff, absDiff, negated, shifted, hit]) b.release(s);
  return new Tensor(b, total, [1]);
}

function resetToZero(backend: Backend, t: Tensor): void {
  const zero = backend.zeros(1);
  backend.assign(t.storage, zero);
  backend.release(zero);
}

const now = (): number => performance.now();
const defaultYield = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

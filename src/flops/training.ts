// Training FLOPs (docs/sift-method.md): a step costs 3 x forward (forward, then the input-gradient
// and weight-gradient products of backward). On a RigL update step the weight gradient is taken
// dense, so that step costs 2 x sparse forward + 1 x dense forward (Evci et al. 2020, sec. 3, as
// docs/sift-method.md says). FLOPs = 2 x MACs (multiply and add). All costs include the parts
// outside the iso-FLOP budget (attention scores, LM head), because training pays for them too.
import type { ModelCount } from './count';

export interface TrainingFlops {
  /** Counting sparse layers at their density. */
  theoreticalFlops: number;
  /** Counting what the kernels execute (ModelCount built with an ExecutedMacsModel). */
  executedFlops: number;
}

/** FLOPs of one optimiser step on `batchSize` samples. */
export function trainingStepFlops(
  count: ModelCount,
  batchSize: number,
  isRigLUpdateStep = false,
): TrainingFlops {
  const { forwardMacs, denseEquivalentMacs, executedMacs } = count.total;
  const perSampleMacs = isRigLUpdateStep
    ? {
        theoretical: 2 * forwardMacs + denseEquivalentMacs,
        executed: 2 * executedMacs + denseEquivalentMacs,
      }
    : { theoretical: 3 * forwardMacs, executed: 3 * executedMacs };
  return {
    theoreticalFlops: 2 * batchSize * perSampleMacs.theoretical,
    executedFlops: 2 * batchSize * perSampleMacs.executed,
  };
}

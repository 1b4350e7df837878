// The summary a finished run reports, built once for the CLI and the browser worker alike.
import type { FinalMetrics } from './metrics';
import type { PreparedRun } from './setup';

/** The run's final figures; evaluates once more only when the last step had no evaluation. */
export async function finalMetrics(run: PreparedRun): Promise<FinalMetrics> {
  const { session, model } = run;
  const ev = session.lastEvaluation ?? (await session.evaluate());
  return {
    trainLoss: session.trainLoss,
    evalLoss: ev.loss,
    ...(model.task === 'classify'
      ? { evalAccuracy: ev.accuracy }
      : { evalBitsPerChar: ev.loss / Math.LN2 }),
    trainingFlops: session.trainingFlops,
    executedFlops: session.executedFlops,
    wallSeconds: session.elapsedMs / 1000,
    paramsTotal: model.count.paramsTotal,
    paramsActive: model.count.paramsActive,
  };
}

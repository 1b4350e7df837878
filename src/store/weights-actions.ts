// Every finished run keeps its weights in this browser (store/weight-store.ts), within a size
// budget, so any run, not only the one the GPU worker still holds, can be exported or continued.
// The worker sends them at the end of each run (an 'exported' message marked `keep`).
import { b, get, setUi } from './action-context';
import { planKeep, type StoredWeightsInfo } from './weight-store';

const mb = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

function notice(runId: string, message: string): void {
  setUi((ui) => ({ runNotices: { ...ui.runNotices, [runId]: message } }));
}

/** Read what earlier sessions kept; called once at startup. */
export async function loadStoredWeights(): Promise<void> {
  try {
    const list = await b().weights.list();
    setUi(() => ({ storedWeights: Object.fromEntries(list.map((w) => [w.runId, w])) }));
  } catch (e) {
    // Without storage nothing is kept; each run's Weights button says so.
    console.error('reading kept weights failed', e);
  }
}

function stepOf(runId: string, configJson: string): number {
  try {
    const step = (JSON.parse(configJson) as { step?: unknown }).step;
    if (typeof step === 'number') return step;
  } catch {
    // The worker's own JSON; fall through to the run's last step.
  }
  return get().runs.byId[runId]?.points.at(-1)?.step ?? 0;
}

/** Keep a finished run's weights, evicting the oldest kept weights if the budget requires. */
export async function keepWeights(
  runId: string,
  safetensors: ArrayBuffer,
  configJson: string,
): Promise<void> {
  const { weights, weightsBudgetBytes, now } = b();
  const info: StoredWeightsInfo = {
    runId,
    step: stepOf(runId, configJson),
    bytes: safetensors.byteLength + configJson.length,
    savedAt: now(),
  };
  const plan = planKeep(Object.values(get().ui.storedWeights), info, weightsBudgetBytes);
  if (!plan.fits) {
    notice(
      runId,
      `Its weights (${mb(info.bytes)}) exceed the ${mb(weightsBudgetBytes)} kept in this browser: ` +
        'export them now, while the GPU worker still holds this run.',
    );
    return;
  }
  try {
    if (plan.evict.length > 0) await weights.delete(plan.evict);
    await weights.put(info, { safetensors, configJson });
  } catch (e) {
    notice(runId, `Its weights could not be kept in this browser (${String(e)}).`);
    await loadStoredWeights();
    return;
  }
  setUi((ui) => {
    const storedWeights = { ...ui.storedWeights, [runId]: info };
    for (const id of plan.evict) delete storedWeights[id];
    return { storedWeights };
  });
}

/** Drop the kept weights of these runs (a deleted run, or "Free space"). */
export async function forgetWeights(runIds: readonly string[]): Promise<void> {
  const ids = runIds.filter((id) => get().ui.storedWeights[id]);
  if (ids.length === 0) return;
  setUi((ui) => {
    const storedWeights = { ...ui.storedWeights };
    for (const id of ids) delete storedWeights[id];
    return { storedWeights };
  });
  try {
    await b().weights.delete(ids);
  } catch (e) {
    console.error('freeing kept weights failed', e);
    await loadStoredWeights();
  }
}

/** Free the space every kept run's weights take. */
export function freeStoredWeights(): Promise<void> {
  return forgetWeights(Object.keys(get().ui.storedWeights));
}

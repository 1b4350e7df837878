// Files out (metrics, weights) and in (a checkpoint to evaluate or continue).
import { b, get, held, send, set, setUi } from './action-context';
import { readConfigJson, readSafetensorsSummary } from './checkpoint-file';
import { startProblem } from './dataset-actions';
import { fileStem, runsToCsv, runsToJson } from './export';
import { newRun, pumpQueue } from './run-actions';
import { addRun } from './runs-slice';
import { selectRuns } from './selectors';
import { setSetup } from './setup-actions';
import { dismissRunNotice } from './view-actions';
import type { StoredWeights } from './weight-store';
import { forgetWeights } from './weights-actions';

export function exportMetrics(ids: string[], format: 'csv' | 'json'): void {
  const runs = selectRuns(get()).filter((r) => ids.includes(r.id));
  if (runs.length === 0) return;
  const stem = runs.length === 1 ? fileStem(runs[0].name) : 'sift-runs';
  if (format === 'csv') b().save(`${stem}.csv`, new Blob([runsToCsv(runs)], { type: 'text/csv' }));
  else b().save(`${stem}.json`, new Blob([runsToJson(runs)], { type: 'application/json' }));
}

/**
 * Download a run's weights and masks: the copy kept in this browser if there is one, else the
 * worker's (it holds the latest run; saveExport downloads its reply).
 */
export async function exportWeights(id: string): Promise<void> {
  dismissRunNotice(id);
  if (get().ui.storedWeights[id]) {
    const kept = await keptWeightsOf(id);
    if (kept) saveExport(id, kept.safetensors, kept.configJson);
    return;
  }
  send({ type: 'export', runId: id, withOptimizer: false });
}

async function keptWeightsOf(id: string): Promise<StoredWeights | undefined> {
  try {
    const kept = await b().weights.get(id);
    if (kept) return kept;
  } catch (e) {
    console.error('reading kept weights failed', e);
  }
  setUi((ui) => ({
    runNotices: { ...ui.runNotices, [id]: 'Its kept weights could not be read back.' },
  }));
  void forgetWeights([id]);
  return undefined;
}

/** Load a run's kept weights into the Checkpoint panel, to evaluate them or train further. */
export async function continueFromWeights(id: string): Promise<void> {
  const kept = await keptWeightsOf(id);
  const run = get().runs.byId[id];
  if (kept && run)
    acceptImport(`${fileStem(run.name)}.safetensors`, kept.safetensors, kept.configJson);
}

export function saveExport(runId: string, safetensors: ArrayBuffer, configJson: string): void {
  const stem = fileStem(get().runs.byId[runId]?.name ?? runId);
  b().save(`${stem}.safetensors`, new Blob([safetensors], { type: 'application/octet-stream' }));
  b().save(`${stem}.config.json`, new Blob([configJson], { type: 'application/json' }));
}

/** Read a .safetensors file and its config.json; on success the setup shows the imported config. */
export async function importCheckpoint(files: File[]): Promise<void> {
  const weights = files.find((f) => f.name.toLowerCase().endsWith('.safetensors'));
  const config = files.find((f) => f.name.toLowerCase().endsWith('.json'));
  if (!weights || !config) {
    setUi(() => ({
      importError:
        'Choose both files: the .safetensors weights and the config.json exported with them.',
    }));
    return;
  }
  acceptImport(weights.name, await weights.arrayBuffer(), await config.text(), config.name);
}

/** Check a checkpoint and its config; if both read, the setup shows the config. */
function acceptImport(
  name: string,
  bytes: ArrayBuffer,
  configText: string,
  configName = name,
): void {
  const summary = readSafetensorsSummary(bytes, name);
  const parsed = readConfigJson(configText, configName);
  const problem = !summary.ok ? summary.problem : !parsed.ok ? parsed.problem : undefined;
  if (problem || !summary.ok || !parsed.ok) {
    held.imported = undefined;
    setUi(() => ({ importError: problem, importedCheckpoint: undefined }));
    return;
  }
  held.imported = { name, config: parsed.value.run, bytes };
  setUi(() => ({
    importError: undefined,
    importedCheckpoint: {
      name,
      step: parsed.value.step,
      tensors: summary.value.tensors,
      bytes: bytes.byteLength,
    },
  }));
  setSetup(parsed.value.run);
}

/**
 * Start from the imported checkpoint. 'evaluate' keeps the imported config (the worker, finding
 * the checkpoint already at config.steps, only evaluates); 'continue' uses the current setup, so
 * raising Steps trains further.
 */
export function runImported(mode: 'evaluate' | 'continue'): void {
  const imported = held.imported;
  if (!imported) return;
  const config = mode === 'evaluate' ? imported.config : get().setup.config;
  if (startProblem(get(), config)) return;
  const run = newRun(config, { importedFrom: imported.name });
  run.name = `${mode === 'evaluate' ? 'Eval' : 'Continued'} · ${imported.name}`;
  held.startCheckpoints.set(run.id, imported.bytes.slice(0));
  set((s) => ({ runs: addRun(s.runs, run) }));
  pumpQueue();
}

export function clearImport(): void {
  held.imported = undefined;
  setUi(() => ({ importedCheckpoint: undefined, importError: undefined }));
}

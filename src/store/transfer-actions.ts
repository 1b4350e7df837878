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

export function exportMetrics(ids: string[], format: 'csv' | 'json'): void {
  const runs = selectRuns(get()).filter((r) => ids.includes(r.id));
  if (runs.length === 0) return;
  const stem = runs.length === 1 ? fileStem(runs[0].name) : 'sift-runs';
  if (format === 'csv') b().save(`${stem}.csv`, new Blob([runsToCsv(runs)], { type: 'text/csv' }));
  else b().save(`${stem}.json`, new Blob([runsToJson(runs)], { type: 'application/json' }));
}

/** Ask the worker for the run's weights and masks; saveExport downloads them when they arrive. */
export function exportWeights(id: string): void {
  dismissRunNotice(id);
  send({ type: 'export', runId: id, withOptimizer: false });
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
  const bytes = await weights.arrayBuffer();
  const summary = readSafetensorsSummary(bytes, weights.name);
  const parsed = readConfigJson(await config.text(), config.name);
  const problem = !summary.ok ? summary.problem : !parsed.ok ? parsed.problem : undefined;
  if (problem || !summary.ok || !parsed.ok) {
    held.imported = undefined;
    setUi(() => ({ importError: problem, importedCheckpoint: undefined }));
    return;
  }
  held.imported = { name: weights.name, config: parsed.value.run, bytes };
  setUi(() => ({
    importError: undefined,
    importedCheckpoint: {
      name: weights.name,
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

// Dropped dataset files, and what a run needs before it can start.
import { runConfigProblems, type RunConfig } from '../spec/run-config';
import type { DatasetPayload } from '../worker/protocol';
import { get, held, setUi } from './action-context';
import type { AppState } from './app-store';
import { checkDatasetFiles, type DroppedFile } from './dataset-files';
import { modelPresets, planReadout, presetFamily, presetInfo } from './planner';
import { setSetup } from './setup-actions';

const headBytes = 64 * 1024;

export async function dropDatasetFiles(files: File[]): Promise<void> {
  const dropped: DroppedFile[] = await Promise.all(
    files.map(async (f) => ({
      name: f.name,
      size: f.size,
      head: new Uint8Array(await f.slice(0, headBytes).arrayBuffer()),
    })),
  );
  const check = checkDatasetFiles(dropped);
  if (!check.ok) {
    setUi(() => ({ datasetError: check.problem }));
    return;
  }
  held.datasetFiles = files;
  const info = check.info;
  setUi(() => ({ datasetFile: info, datasetError: undefined }));
  const family = info.kind === 'text' ? 'text' : 'image';
  const model =
    presetFamily(get().setup.config.model) === family
      ? get().setup.config.model
      : modelPresets().find((p) => p.family === family)?.name;
  setSetup({ dataset: info.dataset, ...(model ? { model } : {}) });
}

export function clearDatasetFile(): void {
  held.datasetFiles = [];
  setUi(() => ({ datasetFile: undefined, datasetError: undefined }));
  const family = presetFamily(get().setup.config.model);
  setSetup({ dataset: family === 'text' ? 'builtin-text' : 'builtin-images' });
}

/** Why a run with this config cannot start now, if it cannot. */
export function startProblem(s: AppState, config: RunConfig = s.setup.config): string | undefined {
  if (s.ui.gpu.kind === 'missing') return 'This browser has no WebGPU.';
  const fieldError = Object.values(s.setup.fieldErrors)[0];
  if (fieldError) return `Fix the settings first: ${fieldError}.`;
  if (presetInfo(config.model)?.shapeOnly)
    return `${config.model} is for FLOP counts only; pick a smaller model to train.`;
  const problems = runConfigProblems(config);
  if (problems.length > 0) return problems.join('; ');
  const readout = planReadout(config);
  if (readout.ok && readout.readout.sizeProblems.length > 0)
    return `This run cannot start: ${readout.readout.sizeProblems.join('; ')}.`;
  if (
    config.dataset !== 'builtin-images' &&
    config.dataset !== 'builtin-text' &&
    s.ui.datasetFile?.dataset !== config.dataset
  ) {
    return 'Drop the dataset file on the dataset picker first (files are not kept across reloads).';
  }
  return undefined;
}

export async function datasetPayload(
  config: RunConfig,
): Promise<{ payload: DatasetPayload; transfer: ArrayBuffer[] }> {
  if (config.dataset === 'builtin-images' || config.dataset === 'builtin-text')
    return { payload: { kind: 'builtin' }, transfer: [] };
  if (held.datasetFiles.length === 0)
    throw new Error('The dataset file is no longer loaded; drop it again.');
  const buffers = await Promise.all(held.datasetFiles.map((f) => f.arrayBuffer()));
  if (config.dataset === 'text-file') {
    return {
      payload: { kind: 'text', name: held.datasetFiles[0].name, bytes: buffers[0] },
      transfer: buffers,
    };
  }
  return {
    payload: {
      kind: 'cifar',
      files: held.datasetFiles.map((f, i) => ({ name: f.name, bytes: buffers[i] })),
    },
    transfer: buffers,
  };
}

export function datasetLabel(s: AppState, config: RunConfig): string {
  if (config.dataset === 'builtin-images') return 'built-in images';
  if (config.dataset === 'builtin-text') return 'built-in text';
  return s.ui.datasetFile?.label ?? config.dataset;
}

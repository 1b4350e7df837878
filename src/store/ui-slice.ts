// The ui slice: what the page shows now (selection, toggles, GPU status, errors tied to a
// control). Nothing here is persisted except the chart toggle.
import type { RunConfig } from '../spec/run-config';
import type { MaskHeatmap } from '../worker/protocol';
import type { StoredWeightsInfo } from './weight-store';

export type GpuStatus =
  | { kind: 'missing' }
  | { kind: 'checking' }
  | {
      kind: 'ready';
      adapter: string;
      /** A CPU emulation of WebGPU (SwiftShader and the like), not a GPU. */
      software: boolean;
      selftest?: { ok: boolean; detail: string };
    }
  | { kind: 'error'; message: string };

/** A file the user dropped for the dataset picker, already checked for its format. */
export interface DatasetFileInfo {
  kind: 'cifar' | 'text';
  /** cifar10 or cifar100 for CIFAR files, text-file for text. */
  dataset: 'cifar10' | 'cifar100' | 'text-file';
  label: string;
  bytes: number;
}

/** An imported checkpoint waiting to be evaluated or continued. */
export interface ImportedCheckpoint {
  name: string;
  step?: number;
  tensors: number;
  bytes: number;
}

export type Banner =
  { kind: 'device-lost'; message: string; runId?: string } | { kind: 'error'; message: string };

export type MetricXAxis = 'trainingFlops' | 'executedFlops' | 'wallSeconds';

export type SaveStatus = 'idle' | 'saving' | 'saved' | 'failed';

export interface UiSlice {
  gpu: GpuStatus;
  selectedRunId?: string;
  /** Runs hidden from the charts (kept in the table). */
  hiddenRunIds: string[];
  logFlopsAxis: boolean;
  /** What the metric chart's x-axis measures (issue 11: a user with a GPU pays in time). */
  metricXAxis: MetricXAxis;
  heatmapLayer?: string;
  /** Latest heatmap per run, and the one before it for the same layer (to mark regrowth). */
  heatmaps: Record<string, { current: MaskHeatmap; previous?: MaskHeatmap }>;
  datasetFile?: DatasetFileInfo;
  datasetError?: string;
  importedCheckpoint?: ImportedCheckpoint;
  importError?: string;
  /** Out-of-memory and similar problems that belong to the model / batch controls. */
  modelError?: string;
  banner?: Banner;
  /** Problems with a request about a finished run (export, heatmap), shown on its row. */
  runNotices: Record<string, string>;
  /** Shown once a software adapter answered: which setup values were made smaller for it. */
  softwareNotice?: { applied: Partial<RunConfig>; dismissed?: boolean };
  /** Runs whose weights are kept in this browser (IndexedDB), by run id. */
  storedWeights: Record<string, StoredWeightsInfo>;
  /** The run the worker holds (it keeps only the latest): only it can export weights or draw heatmaps. */
  loadedRunId?: string;
}

export function initialUi(gpu: GpuStatus): UiSlice {
  return {
    gpu,
    hiddenRunIds: [],
    logFlopsAxis: true,
    metricXAxis: 'trainingFlops',
    heatmaps: {},
    runNotices: {},
    storedWeights: {},
  };
}

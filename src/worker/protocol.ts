// Messages between the page and the training worker. Binary payloads are transferred, not copied.
import type { SiftErrorCode } from '../common/errors';
import type { RunConfig } from '../spec/run-config';
import type { FinalMetrics, LayerMaskStats, MaskHeatmap, MetricPoint } from '../train/metrics';

export type { FinalMetrics, LayerMaskStats, MaskHeatmap, MetricPoint };

/** A dataset the page hands to the worker (files the user picked; built-ins load in the worker). */
export type DatasetPayload =
  | { kind: 'builtin' }
  | { kind: 'cifar'; files: { name: string; bytes: ArrayBuffer }[] }
  | { kind: 'text'; name: string; bytes: ArrayBuffer };

export type ToWorker =
  | { type: 'init' }
  | { type: 'selftest' }
  | {
      type: 'start';
      runId: string;
      config: RunConfig;
      dataset: DatasetPayload;
      /** Resume from an exported checkpoint (safetensors bytes). */
      checkpoint?: ArrayBuffer;
    }
  | { type: 'pause'; runId: string }
  | { type: 'resume'; runId: string }
  | { type: 'stop'; runId: string }
  | { type: 'export'; runId: string; withOptimizer: boolean }
  | { type: 'heatmap'; runId: string; layer: string };

export type RunState =
  | 'queued'
  | 'starting'
  | 'running'
  | 'paused'
  | 'stopped'
  | 'done'
  | 'failed'
  | 'interrupted'
  /** Stopped by divergence detection (a non-finite or runaway loss); the metrics are kept. */
  | 'diverged';

export type FromWorker =
  /** software: the adapter is a CPU emulation (SwiftShader and the like), far slower than a GPU. */
  | { type: 'ready'; adapterName: string; features: string[]; software: boolean }
  | { type: 'selftest-result'; ok: boolean; maxError: number; ms: number; detail: string }
  | { type: 'state'; runId: string; state: RunState; message?: string }
  | { type: 'metrics'; runId: string; points: MetricPoint[] }
  | { type: 'mask-stats'; runId: string; step: number; layers: LayerMaskStats[] }
  | { type: 'heatmap'; runId: string; heatmap: MaskHeatmap }
  | { type: 'done'; runId: string; final: FinalMetrics }
  /** keep: the worker's own export at the end of a run (with optimiser state), for the page to store. */
  | {
      type: 'exported';
      runId: string;
      safetensors: ArrayBuffer;
      configJson: string;
      keep?: boolean;
    }
  | { type: 'checkpoint'; runId: string; step: number; safetensors: ArrayBuffer }
  /** A recovery checkpoint could not be taken; the page keeps the previous one. */
  | { type: 'checkpoint-failed'; runId: string; step: number; message: string }
  | { type: 'error'; runId?: string; code: SiftErrorCode | 'UNKNOWN'; message: string }
  | { type: 'device-lost'; runId?: string; message: string };

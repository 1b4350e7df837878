// Metric records a run produces; the worker protocol, the CLI's JSON and the UI all use them.

/** One row of metrics; optional fields appear on the steps where they were measured. */
export interface MetricPoint {
  step: number;
  /** Cumulative theoretical training FLOPs (sparse layers at their density). */
  trainingFlops: number;
  /** Cumulative FLOPs the kernels actually executed. */
  executedFlops: number;
  wallMs: number;
  lr: number;
  trainLoss?: number;
  trainAccuracy?: number;
  evalLoss?: number;
  evalAccuracy?: number;
  evalBitsPerChar?: number;
  samplesPerSecond?: number;
}

export interface LayerMaskStats {
  name: string;
  density: number;
  active: number;
  total: number;
}

export interface MaskHeatmap {
  layer: string;
  rows: number;
  cols: number;
  /** Active fraction per cell, 0..255, rows x cols. */
  cells: Uint8Array;
  step: number;
}

export interface FinalMetrics {
  trainLoss: number;
  evalLoss: number;
  evalAccuracy?: number;
  evalBitsPerChar?: number;
  trainingFlops: number;
  executedFlops: number;
  wallSeconds: number;
  paramsTotal: number;
  paramsActive: number;
}

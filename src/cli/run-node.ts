// One training run on Node's WebGPU, shared by `train` and `compare`: loads data, builds the run,
// trains with a progress line on stderr, and returns the history and final metrics.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { tuneAdapter } from '../bench/adapter-tuning';
import { isSiftError, type SiftErrorCode } from '../common/errors';
import { nodeDataFiles } from '../data/builtin-node';
import { defaultRunLimits, type RunLimits } from '../flops/limits';
import { FileAdapterStore } from '../gpu/adapter-cache-node';
import { WebGpuBackend } from '../gpu/backend';
import { createNodeRuntime } from '../gpu/node-gpu';
import type { GpuRuntime } from '../gpu/runtime';
import { webGpuRunParts } from '../gpu/run-parts';
import type { KernelProfile } from '../sparse/kernel-choice';
import type { RunConfig } from '../spec/run-config';
import type { DivergenceRule } from '../train/divergence';
import { finalMetrics } from '../train/final-metrics';
import type { FinalMetrics, MetricPoint } from '../train/metrics';
import { loadData, prepareRun, type PreparedRun } from '../train/setup';
import type { CliIo } from './cli-io';

export interface NodeRunResult {
  config: RunConfig;
  history: MetricPoint[];
  final: FinalMetrics;
  /** Set when the run stopped early (NaN or diverging loss): the metrics up to there are kept. */
  error?: { code: string; message: string };
  run: PreparedRun;
}

/** Failures that end a run but keep what it measured: reported, not thrown. */
const STOP_CODES: readonly SiftErrorCode[] = ['NAN_LOSS', 'DIVERGED'];

let runtime: Promise<{ rt: GpuRuntime; kernelProfile: KernelProfile }> | null = null;

/** The process's runtime, tuned for its adapter (timed at first use, then from the cache file). */
async function tunedRuntime(): Promise<{ rt: GpuRuntime; kernelProfile: KernelProfile }> {
  const rt = await createNodeRuntime();
  const { kernelProfile } = await tuneAdapter(rt, new FileAdapterStore());
  return { rt, kernelProfile };
}

export async function nodeRuntime(): Promise<GpuRuntime> {
  runtime ??= tunedRuntime();
  return (await runtime).rt;
}

export async function runOnNode(
  config: RunConfig,
  io: CliIo,
  {
    dataFile,
    quiet = false,
    divergence,
    maxParams = defaultRunLimits.maxParams,
  }: {
    dataFile?: string;
    quiet?: boolean;
    divergence?: DivergenceRule;
    maxParams?: number;
  } = {},
): Promise<NodeRunResult> {
  const rt = await nodeRuntime();
  const kernelProfile = (await runtime)?.kernelProfile;
  const limits: RunLimits = {
    maxBufferBytes: rt.device.limits.maxBufferSize,
    maxBindingBytes: rt.device.limits.maxStorageBufferBindingSize,
    maxParams,
  };
  const userFiles = dataFile
    ? [{ name: basename(dataFile), bytes: toArrayBuffer(await readFile(dataFile)) }]
    : undefined;
  const data = await loadData(config, { read: nodeDataFiles(), userFiles });
  const started = Date.now();
  const run = prepareRun({
    ...webGpuRunParts(new WebGpuBackend(rt)),
    kernelProfile,
    config,
    data,
    limits,
    divergence,
    yieldNow: () => Promise.resolve(),
    events: {
      onMetrics: (points) => {
        if (quiet) return;
        const p = points[points.length - 1];
        io.err(progressLine(p, config, Date.now() - started));
      },
    },
  });
  let error: NodeRunResult['error'];
  try {
    await run.session.run();
  } catch (e) {
    if (!isSiftError(e) || !STOP_CODES.includes(e.code)) throw e;
    error = { code: e.code, message: e.message };
  }
  if (!quiet) io.err('\n');
  const final = await finalMetrics(run);
  return { config, history: run.session.history, final, error, run };
}

function progressLine(p: MetricPoint, config: RunConfig, elapsedMs: number): string {
  const width = 24;
  const done = Math.round((p.step / config.steps) * width);
  const bar = '#'.repeat(done) + '-'.repeat(width - done);
  const etaSeconds = p.step > 0 ? ((config.steps - p.step) * elapsedMs) / p.step / 1000 : 0;
  const parts = [
    `\r[${bar}] ${p.step}/${config.steps}`,
    p.trainLoss !== undefined ? `loss ${p.trainLoss.toFixed(4)}` : '',
    p.evalAccuracy !== undefined ? `eval acc ${(100 * p.evalAccuracy).toFixed(1)}%` : '',
    p.evalBitsPerChar !== undefined ? `eval bpc ${p.evalBitsPerChar.toFixed(3)}` : '',
    p.samplesPerSecond !== undefined ? `${p.samplesPerSecond.toFixed(1)} samples/s` : '',
    `ETA ${Math.round(etaSeconds)}s`,
  ];
  return parts.filter(Boolean).join('  ') + '   ';
}

function toArrayBuffer(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

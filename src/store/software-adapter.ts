// The first minute on a software adapter (a CPU emulation of WebGPU such as SwiftShader, 10-100x
// slower than a GPU): the page says so, and the setup starts smaller so that the first loss point
// shows within seconds instead of minutes (docs/architecture.md, Headless WebGPU). Only values
// still at their default and not set by the URL change; the notice offers the GPU-sized values back.
import { defaultRunConfig, type RunConfig } from '../spec/run-config';
import { get, setUi } from './action-context';
import type { SetupKey } from './setup-schema';
import { setSetup } from './setup-actions';

/**
 * Sized on SwiftShader in Chromium (resnet-mini, Sparse Wide at s = 0.75): batch 8 and the loss
 * read after every step (a readback costs little next to a step on a CPU) put the first loss point
 * one small step after Start; 120 steps finish in a few minutes; mask updates every 20 steps so
 * RigL still updates before 3/4 of the run. Measured figures: the e2e first-minute.spec.ts prints
 * them.
 */
export const softwareAdapterSetup = {
  batchSize: 8,
  steps: 120,
  metricsEvery: 1,
  evalEvery: 40,
  evalSamples: 200,
  updateInterval: 20,
} as const satisfies Partial<RunConfig>;

/** The smaller values for `config`: only keys still at their default and not from the URL. */
export function softwareSetupChange(
  config: RunConfig,
  urlKeys: readonly SetupKey[],
): Partial<RunConfig> {
  const change: Partial<Record<keyof typeof softwareAdapterSetup, number>> = {};
  for (const key of Object.keys(softwareAdapterSetup) as (keyof typeof softwareAdapterSetup)[]) {
    if (!urlKeys.includes(key) && config[key] === defaultRunConfig[key])
      change[key] = softwareAdapterSetup[key];
  }
  return change;
}

/**
 * Called on every 'ready' from a software adapter; only the first changes the setup (a later one
 * follows a device loss, and the user may have chosen other values since).
 */
export function adaptToSoftwareAdapter(): void {
  const s = get();
  if (s.ui.softwareNotice) return;
  const change = softwareSetupChange(s.setup.config, s.setup.urlKeys);
  if (Object.keys(change).length > 0) setSetup(change);
  setUi(() => ({ softwareNotice: { applied: change } }));
}

/** Put back the GPU-sized values the software adapter replaced. */
export function restoreGpuSizedSetup(): void {
  const applied = get().ui.softwareNotice?.applied ?? {};
  const restore: Partial<RunConfig> = {};
  for (const key of Object.keys(applied) as (keyof RunConfig)[])
    Object.assign(restore, { [key]: defaultRunConfig[key] });
  setSetup(restore);
  setUi((ui) => ({ softwareNotice: ui.softwareNotice && { ...ui.softwareNotice, applied: {} } }));
}

export function dismissSoftwareNotice(): void {
  setUi((ui) => ({
    softwareNotice: ui.softwareNotice && { ...ui.softwareNotice, dismissed: true },
  }));
}

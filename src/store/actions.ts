// Module-level actions (docs/architecture.md, "State flow"): components call these; worker
// messages arrive in handleWorkerMessage. Each concern lives in its own *-actions.ts module; this
// file binds them and is the one import for callers.
import { bindContext, type Bindings } from './action-context';
import { handleWorkerMessage } from './worker-actions';

export type { WorkerPort } from './action-context';
export { connectGpu, handleWorkerMessage } from './worker-actions';
export { dismissUrlNotes, setSetup, setSetupField, syncSetupWithUrl } from './setup-actions';
export { clearDatasetFile, dropDatasetFiles, startProblem } from './dataset-actions';
export {
  deleteRun,
  hasCheckpoint,
  pauseRun,
  pumpQueue,
  queueAllTransforms,
  queueRun,
  renameRun,
  resumeFromCheckpoint,
  resumeRun,
  startRun,
  stopRun,
} from './run-actions';
export {
  dismissBanner,
  dismissRunNotice,
  selectRun,
  setHeatmapLayer,
  setLogFlopsAxis,
  setMetricXAxis,
  toggleRunHidden,
} from './view-actions';
export { dismissSoftwareNotice, restoreGpuSizedSetup } from './software-adapter';
export { freeStoredWeights, loadStoredWeights } from './weights-actions';
export {
  clearImport,
  continueFromWeights,
  exportMetrics,
  exportWeights,
  importCheckpoint,
  runImported,
} from './transfer-actions';

/** Wire the actions to a store, a worker factory and a file saver; called once by main.tsx and by tests. */
export function bindActions(
  bindings: Partial<Bindings> & Pick<Bindings, 'store' | 'connect'>,
): void {
  bindContext(bindings, handleWorkerMessage);
}

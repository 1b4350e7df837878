// What the user looks at: the focus run, hidden runs, chart options, the heatmap, notices.
import { get, send, setUi } from './action-context';
import { selectFocusRun } from './selectors';
import type { UiSlice } from './ui-slice';

export function selectRun(id: string | undefined): void {
  setUi(() => ({ selectedRunId: id }));
  const run = id ? get().runs.byId[id] : undefined;
  if (run) requestHeatmapFor(run.id, run.maskStats?.layers[0]?.name);
}

export function toggleRunHidden(id: string): void {
  setUi((ui) => ({
    hiddenRunIds: ui.hiddenRunIds.includes(id)
      ? ui.hiddenRunIds.filter((x) => x !== id)
      : [...ui.hiddenRunIds, id],
  }));
}

export function setLogFlopsAxis(on: boolean): void {
  setUi(() => ({ logFlopsAxis: on }));
}

export function setMetricXAxis(axis: UiSlice['metricXAxis']): void {
  setUi(() => ({ metricXAxis: axis }));
}

export function setHeatmapLayer(layer: string): void {
  setUi(() => ({ heatmapLayer: layer }));
  const run = selectFocusRun(get());
  if (run) requestHeatmapFor(run.id, layer);
}

/** Ask for a fresh heatmap of the chosen layer when the focus run's masks changed. */
export function requestHeatmapFor(runId: string, fallbackLayer: string | undefined): void {
  const s = get();
  if (selectFocusRun(s)?.id !== runId || s.ui.loadedRunId !== runId) return;
  const layers = s.runs.byId[runId]?.maskStats?.layers ?? [];
  const layer =
    s.ui.heatmapLayer && layers.some((l) => l.name === s.ui.heatmapLayer)
      ? s.ui.heatmapLayer
      : fallbackLayer;
  if (layer) send({ type: 'heatmap', runId, layer });
}

export function dismissBanner(): void {
  setUi(() => ({ banner: undefined }));
}

export function dismissRunNotice(id: string): void {
  setUi((ui) => {
    const runNotices = { ...ui.runNotices };
    delete runNotices[id];
    return { runNotices };
  });
}

// One layer's mask as pixels: dark = kept, light = zero; since the previous update, green =
// regrown, red = dropped. Drawn on a canvas at one pixel per cell and scaled up without smoothing.
import { useEffect, useRef } from 'react';
import { setHeatmapLayer } from '../../store/actions';
import { selectFocusRun } from '../../store/selectors';
import { useApp } from '../../store/store';
import type { MaskHeatmap as Heatmap } from '../../worker/protocol';
import { ChartCard, ChartEmpty } from './ChartCard';

const kept = [30, 64, 175];
const empty = [241, 245, 249];
const grown = [22, 163, 74];
const dropped = [239, 68, 68];

function draw(canvas: HTMLCanvasElement, current: Heatmap, previous?: Heatmap): void {
  canvas.width = current.cols;
  canvas.height = current.rows;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const image = ctx.createImageData(current.cols, current.rows);
  const compare =
    previous && previous.cells.length === current.cells.length ? previous.cells : undefined;
  for (let i = 0; i < current.cells.length; i++) {
    const v = current.cells[i];
    const before = compare ? compare[i] : v;
    const t = v / 255;
    const rgb =
      v > before + 32
        ? grown
        : v + 32 < before
          ? dropped
          : [0, 1, 2].map((c) => empty[c] + (kept[c] - empty[c]) * t);
    image.data.set([rgb[0], rgb[1], rgb[2], 255], i * 4);
  }
  ctx.putImageData(image, 0, 0);
}

export function MaskHeatmap() {
  const run = useApp(selectFocusRun);
  const entry = useApp((s) => (run ? s.ui.heatmaps[run.id] : undefined));
  const chosen = useApp((s) => s.ui.heatmapLayer);
  const canvas = useRef<HTMLCanvasElement>(null);
  const layers = run?.maskStats?.layers ?? [];
  const layer = entry?.current.layer ?? chosen ?? layers[0]?.name;

  useEffect(() => {
    if (canvas.current && entry) draw(canvas.current, entry.current, entry.previous);
  }, [entry]);

  return (
    <ChartCard
      title="Mask heatmap"
      subtitle={
        entry
          ? `${entry.current.rows}×${entry.current.cols} cells · step ${entry.current.step}`
          : 'one layer of the selected run'
      }
      testId="heatmap"
      aside={
        layers.length > 0 && (
          <select
            aria-label="Layer"
            className="compact layer-select"
            title={layer}
            value={layer}
            onChange={(e) => setHeatmapLayer(e.target.value)}
            data-testid="heatmap-layer"
          >
            {layers.map((l) => (
              <option key={l.name} value={l.name}>
                {l.name}
              </option>
            ))}
          </select>
        )
      }
    >
      {entry ? (
        <div className="heatmap-wrap">
          <canvas
            ref={canvas}
            className="heatmap-canvas"
            data-testid="heatmap-canvas"
            data-step={entry.current.step}
          />
          <div className="legend">
            <span>
              <i style={{ background: `rgb(${kept.join(',')})` }} /> kept
            </span>
            <span>
              <i style={{ background: `rgb(${empty.join(',')})` }} /> zero
            </span>
            <span>
              <i style={{ background: `rgb(${grown.join(',')})` }} /> regrown
            </span>
            <span>
              <i style={{ background: `rgb(${dropped.join(',')})` }} /> dropped
            </span>
          </div>
        </div>
      ) : (
        <ChartEmpty>
          {run?.config.sparsity === 0
            ? 'A dense run has no mask.'
            : run && layers.length > 0
              ? 'The heatmap comes from the worker that trains the run; it is not kept across reloads.'
              : 'Start a sparse run to watch its mask; with RigL it changes every dT steps.'}
        </ChartEmpty>
      )}
    </ChartCard>
  );
}

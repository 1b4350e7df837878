// A mask as a small heatmap for the UI: the active fraction of each cell of a grid of at most
// maxCells x maxCells over the mask's (rows, cols) layout, quantised to 0..255.
import type { MaskHeatmap } from './metrics';

export function maskHeatmap(
  values: Float32Array,
  rows: number,
  cols: number,
  layer: string,
  step: number,
  maxCells = 64,
): MaskHeatmap {
  const gridRows = Math.min(rows, maxCells);
  const gridCols = Math.min(cols, maxCells);
  const active = new Float64Array(gridRows * gridCols);
  const total = new Float64Array(gridRows * gridCols);
  for (let r = 0; r < rows; r++) {
    const gr = Math.floor((r * gridRows) / rows);
    for (let c = 0; c < cols; c++) {
      const cell = gr * gridCols + Math.floor((c * gridCols) / cols);
      total[cell]++;
      if (values[r * cols + c] > 0.5) active[cell]++;
    }
  }
  const cells = Uint8Array.from(active, (a, i) => Math.round((255 * a) / Math.max(1, total[i])));
  return { layer, rows: gridRows, cols: gridCols, cells, step };
}

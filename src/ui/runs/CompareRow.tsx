// One run in the compare table: its swatch, name and state, any error with its way out, the
// figures, and the per-run actions. Clicking the row selects the run the density and heatmap
// charts show; controls inside stop the click from reaching the row.
import {
  continueFromWeights,
  deleteRun,
  dismissRunNotice,
  exportMetrics,
  exportWeights,
  resumeFromCheckpoint,
  selectRun,
  stopRun,
  toggleRunHidden,
} from '../../store/actions';
import type { CompareRow as Row, WeightsSource } from '../../store/selectors';
import { formatCount, formatDuration, formatFlops, formatNumber } from '../format';
import { RunName } from './RunName';

function metricText(row: Row): string {
  if (row.metric === undefined) return '—';
  return row.metricUnit === '%'
    ? `${row.metric.toFixed(1)}%`
    : `${formatNumber(row.metric)} ${row.metricUnit}`;
}

function RowMessages({ row, notice }: { row: Row; notice: string | undefined }) {
  return (
    <>
      {row.error && (
        <p className="row-error" role="alert" data-testid="run-error">
          {row.error}
          {row.state === 'interrupted' && (
            <button
              type="button"
              className="link"
              onClick={(e) => {
                e.stopPropagation();
                resumeFromCheckpoint(row.id);
              }}
            >
              {row.checkpointStep !== undefined
                ? `resume from step ${row.checkpointStep}`
                : 'restart'}
            </button>
          )}
        </p>
      )}
      {notice && (
        <p className="row-error" role="alert">
          {notice}{' '}
          <button
            type="button"
            className="link"
            onClick={(e) => (e.stopPropagation(), dismissRunNotice(row.id))}
          >
            dismiss
          </button>
        </p>
      )}
    </>
  );
}

function weightsTitle(source: WeightsSource, row: Row): string {
  if (source === 'kept')
    return 'Download weights + masks (.safetensors) and config.json, kept in this browser';
  if (source === 'worker') return 'Download weights + masks (.safetensors) and config.json';
  if (row.state === 'running' || row.state === 'starting')
    return 'Weights are kept when the run finishes';
  return 'No weights kept for this run (freed, or it did not finish)';
}

function RowActions({ row, weights }: { row: Row; weights: WeightsSource }) {
  return (
    <div className="actions">
      {row.state === 'queued' ? (
        <button type="button" className="button small" onClick={() => stopRun(row.id)}>
          Unqueue
        </button>
      ) : (
        <>
          <button
            type="button"
            className="button small secondary"
            title="Metrics as CSV"
            onClick={() => exportMetrics([row.id], 'csv')}
          >
            CSV
          </button>
          <button
            type="button"
            className="button small secondary"
            title="Metrics as JSON"
            onClick={() => exportMetrics([row.id], 'json')}
          >
            JSON
          </button>
          <button
            type="button"
            className="button small secondary"
            data-testid="export-weights"
            disabled={!weights}
            title={weightsTitle(weights, row)}
            onClick={() => void exportWeights(row.id)}
          >
            Weights
          </button>
          {weights === 'kept' && (
            <button
              type="button"
              className="button small secondary"
              data-testid="continue-weights"
              title="Load these weights in the Checkpoint panel, to evaluate them or train further"
              onClick={() => void continueFromWeights(row.id)}
            >
              Continue
            </button>
          )}
        </>
      )}
      <button
        type="button"
        className="button small danger"
        aria-label={`Delete ${row.name}`}
        title="Delete this run"
        data-testid="delete-run"
        onClick={() => deleteRun(row.id)}
      >
        ✕
      </button>
    </div>
  );
}

export function CompareRow({
  row,
  selected,
  notice,
  weights,
}: {
  row: Row;
  selected: boolean;
  notice: string | undefined;
  weights: WeightsSource;
}) {
  return (
    <tr
      className={`${selected ? 'selected' : ''} ${row.hidden ? 'dim' : ''}`}
      data-testid="run-row"
      data-state={row.state}
      onClick={() => selectRun(selected ? undefined : row.id)}
    >
      <td>
        <input
          type="checkbox"
          className="swatch"
          style={{ accentColor: row.color, color: row.color }}
          checked={!row.hidden}
          title="Show in charts"
          aria-label={`Show ${row.name} in charts`}
          onClick={(e) => e.stopPropagation()}
          onChange={() => toggleRunHidden(row.id)}
        />
      </td>
      <td className="name-cell">
        <div className="name-line">
          <RunName row={row} />
          <span className={`state ${row.state}`}>{row.state}</span>
        </div>
        <RowMessages row={row} notice={notice} />
      </td>
      <td title={row.method !== '—' ? `mask updates: ${row.method}` : undefined}>
        {row.transform}
      </td>
      <td className="num">{row.sparsity}</td>
      <td className="num" data-testid="run-metric">
        {metricText(row)}
      </td>
      <td className="num">{formatFlops(row.trainingFlops)}</td>
      <td className="num">{formatFlops(row.executedFlops)}</td>
      <td className="num">
        {formatCount(row.paramsActive)} / {formatCount(row.paramsTotal)}
      </td>
      <td className="num">{formatDuration(row.wallSeconds)}</td>
      <td onClick={(e) => e.stopPropagation()}>
        <RowActions row={row} weights={weights} />
      </td>
    </tr>
  );
}

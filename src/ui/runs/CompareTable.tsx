// Every run side by side: what it was, what it reached, what it cost. Rows select the run the
// density and heatmap charts show; names are editable in place.
import { useState } from 'react';
import {
  deleteRun,
  dismissRunNotice,
  exportMetrics,
  exportWeights,
  renameRun,
  resumeFromCheckpoint,
  selectRun,
  stopRun,
  toggleRunHidden,
} from '../../store/actions';
import { selectCompareRows, type CompareRow } from '../../store/selectors';
import { useApp } from '../../store/store';
import { formatCount, formatDuration, formatFlops, formatNumber } from '../format';

function RunName({ row }: { row: CompareRow }) {
  const [editing, setEditing] = useState<string | null>(null);
  if (editing !== null) {
    return (
      <input
        className="rename"
        aria-label="Run name"
        autoFocus
        value={editing}
        data-testid="rename-input"
        onChange={(e) => setEditing(e.target.value)}
        onClick={(e) => e.stopPropagation()}
        onBlur={() => {
          renameRun(row.id, editing);
          setEditing(null);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') e.currentTarget.blur();
          if (e.key === 'Escape') setEditing(null);
        }}
      />
    );
  }
  return (
    <span className="run-name">
      <span data-testid="run-name">{row.name}</span>
      <button
        type="button"
        className="icon"
        title="Rename"
        aria-label={`Rename ${row.name}`}
        onClick={(e) => {
          e.stopPropagation();
          setEditing(row.name);
        }}
      >
        ✎
      </button>
    </span>
  );
}

function metricText(row: CompareRow): string {
  if (row.metric === undefined) return '—';
  return row.metricUnit === '%'
    ? `${row.metric.toFixed(1)}%`
    : `${formatNumber(row.metric)} ${row.metricUnit}`;
}

export function CompareTable() {
  const rows = useApp(selectCompareRows);
  const selected = useApp((s) => s.ui.selectedRunId);
  const notices = useApp((s) => s.ui.runNotices);
  const loadedRunId = useApp((s) => s.ui.loadedRunId);
  if (rows.length === 0) {
    return (
      <div className="card empty" data-testid="compare-table">
        <p className="muted">
          No runs yet. Press <strong>Start</strong> to train the setup on the left, or{' '}
          <strong>Queue all transforms</strong> to compare Dense with the four SIFT transforms at
          the same sparsity.
        </p>
      </div>
    );
  }
  const ids = rows.map((r) => r.id);
  return (
    <div className="card table-card" data-testid="compare-table">
      <header className="card-head">
        <h3>Runs</h3>
        <div className="button-row">
          <button
            type="button"
            className="button small secondary"
            onClick={() => exportMetrics(ids, 'csv')}
            data-testid="export-all-csv"
          >
            All metrics CSV
          </button>
          <button
            type="button"
            className="button small secondary"
            onClick={() => exportMetrics(ids, 'json')}
          >
            JSON
          </button>
        </div>
      </header>
      <div className="table-scroll">
        <table className="compare">
          <thead>
            <tr>
              <th aria-label="Shown in charts" />
              <th>Run</th>
              <th>Transform</th>
              <th className="num">s</th>
              <th className="num">Final metric</th>
              <th
                className="num"
                title="Theoretical training FLOPs: sparse layers at their density"
              >
                Train FLOPs
              </th>
              <th
                className="num"
                title="FLOPs the kernels executed (masked-dense kernels compute the zeros)"
              >
                Executed
              </th>
              <th className="num" title="Active (unmasked) / total parameters">
                Params
              </th>
              <th className="num">Wall</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const notice = notices[row.id];
              return (
                <tr
                  key={row.id}
                  className={`${row.id === selected ? 'selected' : ''} ${row.hidden ? 'dim' : ''}`}
                  data-testid="run-row"
                  data-state={row.state}
                  onClick={() => selectRun(row.id === selected ? undefined : row.id)}
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
                    <div className="actions">
                      {row.state === 'queued' ? (
                        <button
                          type="button"
                          className="button small"
                          onClick={() => stopRun(row.id)}
                        >
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
                            disabled={
                              loadedRunId !== row.id ||
                              !['done', 'stopped', 'paused'].includes(row.state)
                            }
                            title={
                              loadedRunId === row.id
                                ? 'Download weights + masks (.safetensors) and config.json'
                                : 'The GPU worker keeps only the most recent run: export weights right after a run finishes'
                            }
                            onClick={() => exportWeights(row.id)}
                          >
                            Weights
                          </button>
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
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}

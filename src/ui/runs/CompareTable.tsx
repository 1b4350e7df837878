// Every run side by side: what it was, what it reached, what it cost (one CompareRow each).
import { exportMetrics, freeStoredWeights } from '../../store/actions';
import { selectCompareRows, selectStoredWeights, weightsSource } from '../../store/selectors';
import { useApp } from '../../store/store';
import { formatBytes } from '../format';
import { CompareRow } from './CompareRow';

/** How much the kept weights take, and the way to free it. */
function StoredWeightsLine() {
  const kept = useApp((s) => selectStoredWeights(s.ui.storedWeights));
  if (kept.runs === 0) return null;
  return (
    <span className="muted small" data-testid="stored-weights">
      Weights of {kept.runs} run{kept.runs === 1 ? '' : 's'} kept in this browser:{' '}
      {formatBytes(kept.bytes)} of {formatBytes(kept.budgetBytes)}{' '}
      <button
        type="button"
        className="link"
        data-testid="free-weights"
        title="Delete every kept run's weights (runs and metrics stay)"
        onClick={() => void freeStoredWeights()}
      >
        free space
      </button>
    </span>
  );
}

export function CompareTable() {
  const rows = useApp(selectCompareRows);
  const selected = useApp((s) => s.ui.selectedRunId);
  const notices = useApp((s) => s.ui.runNotices);
  const storedWeights = useApp((s) => s.ui.storedWeights);
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
        <StoredWeightsLine />
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
            {rows.map((row) => (
              <CompareRow
                key={row.id}
                row={row}
                selected={row.id === selected}
                notice={notices[row.id]}
                weights={weightsSource(storedWeights, loadedRunId, row)}
              />
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
